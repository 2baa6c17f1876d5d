#pragma once

// Torch-free: a folder of the user's images as a data set.
#include "core/data/image_dataset.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace inv {

class ImageCache;

// Where a folder's decoded images live: all in memory (decoded once at load), or read from disk
// as training asks for them, within a bounded cache. Auto streams a folder whose decoded images
// would not fit the memory budget.
enum class ImageResidence { Auto, InMemory, Streamed };

// INVARIANCES_IMAGE_MEMORY_MB, else 2048 MiB: the most memory a folder's decoded images take.
std::size_t image_memory_budget();

struct ImageFolderOptions {
    std::filesystem::path folder;  // PNG/JPEG/BMP files, at the top or one sub-folder per class
    std::filesystem::path
        attributes_csv;  // optional: a "file" column (paths relative to the folder), then one column per attribute
    int size = 32;       // images are centre-cropped and resized to size x size
    ImageResidence residence = ImageResidence::Auto;
    std::size_t memory_budget = image_memory_budget();  // bytes of decoded images, either way
};

// What loading found that a person should know: files that could not be read, skipped. A
// streamed folder is not decoded at load: an unreadable file is reported when training reaches it.
struct ImageFolderReport {
    std::vector<std::string> skipped;  // "cats/broken.png: <why>"
};

// Every readable image of a folder, fitted to the model's input size once at load. The label is
// the image's sub-folder (classes in name order; -1 for images at the top); each attribute of the
// CSV is a categorical factor (its values in order of first appearance), so pairs for e can be
// drawn from images that share a value.
class ImageFolderDataset : public ImageDataset {
public:
    // Throws UserError for a folder without images, and for an attributes CSV that names an unknown
    // image, lacks a column or a value, or leaves an image out, naming the row.
    static std::shared_ptr<const ImageFolderDataset> load(const ImageFolderOptions& options, ImageFolderReport* report = nullptr);

    std::string name() const override { return m_name; }
    std::size_t size() const override { return m_files.size(); }
    ImageShape shape() const override { return {3, m_size, m_size}; }
    ImageSample get(std::size_t index) const override;
    const std::vector<std::string>& class_names() const override { return m_classes; }
    const std::vector<FactorSpec>& factors() const override { return m_factors; }
    void prefetch(const std::vector<std::size_t>& indices) const override;

    bool streamed() const { return m_cache != nullptr; }
    // The cache of a streamed folder (null in memory).
    const ImageCache* cache() const { return m_cache.get(); }
    // The image's path relative to the folder.
    const std::string& file(std::size_t index) const { return m_files.at(index); }
    // The category index of every factor, in factors() order.
    const std::vector<int>& factor_indices(std::size_t index) const { return m_values.at(index); }

    ~ImageFolderDataset() override;

private:
    ImageFolderDataset() = default;
    std::vector<std::uint8_t> decode(std::size_t index) const;

    std::string m_name;
    std::filesystem::path m_folder;
    int m_size = 32;
    std::vector<std::string> m_files;
    std::vector<std::vector<std::uint8_t>> m_pixels;  // RGB, row-major, size x size; empty when streamed
    std::unique_ptr<ImageCache> m_cache;              // streamed only
    std::vector<int> m_labels;
    std::vector<std::string> m_classes;
    std::vector<FactorSpec> m_factors;
    std::vector<std::vector<int>> m_values;
};

}  // namespace inv
