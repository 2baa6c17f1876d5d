#include "core/data/workspace_data.h"

#include "core/data/dataset_catalog.h"
#include "core/data/dataset_subset.h"
#include "core/runtime/errors.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace inv {
namespace {

// One in kTestShareInverse images (by a hash of its path) is held out for testing.
constexpr std::uint64_t kTestShareInverse = 5;

std::uint64_t path_hash(const std::string& text) {
    std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a: stable across builds and platforms
    for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ull;
    return hash;
}

WorkspaceData open_image_folder(const DatasetEntry& entry, const std::string& owner, ImageFolderReport* report) {
    const nlohmann::json& settings = entry.settings;
    ImageFolderOptions options;
    options.folder = settings.value("folder", std::string());
    options.attributes_csv = settings.value("attributes", std::string());
    options.size = settings.value("size", 32);
    if (options.folder.empty()) {
        throw UserError(owner + " names an image-folder data set without its folder.");
    }
    if (!std::filesystem::is_directory(options.folder)) {
        throw UserError("the images of " + owner + " are in " + options.folder.string() +
                        ", which does not exist or is not a folder; put them there (the workspace records that path).");
    }
    const auto whole = ImageFolderDataset::load(options, report);
    if (whole->size() < kTestShareInverse) {
        throw UserError(options.folder.string() + " has " + std::to_string(whole->size()) +
                        " readable image(s); a workspace needs at least " + std::to_string(kTestShareInverse) +
                        " (training and test images).");
    }
    std::vector<std::size_t> train;
    std::vector<std::size_t> test;
    for (std::size_t i = 0; i < whole->size(); ++i) {
        (path_hash(whole->file(i)) % kTestShareInverse == 0 ? test : train).push_back(i);
    }
    // A handful of images may hash all to one side; then every fifth goes to the test split (and
    // with five or more, both splits have images).
    if (train.empty() || test.empty()) {
        train.clear();
        test.clear();
        for (std::size_t i = 0; i < whole->size(); ++i)
            (i % kTestShareInverse == kTestShareInverse - 1 ? test : train).push_back(i);
    }
    WorkspaceData data;
    data.origin = options.folder.string();
    data.train = std::make_shared<const DatasetSubset>(whole->name() + " (train)", whole, std::move(train));
    data.test = std::make_shared<const DatasetSubset>(whole->name() + " (test)", whole, std::move(test));
    return data;
}

}  // namespace

DatasetEntry image_folder_entry(const ImageFolderOptions& options) {
    DatasetEntry entry;
    entry.kind = kImageFolderDatasetKind;
    entry.settings = {{"folder", std::filesystem::absolute(options.folder).lexically_normal().string()},
                      {"attributes", options.attributes_csv.empty()
                                         ? std::string()
                                         : std::filesystem::absolute(options.attributes_csv).lexically_normal().string()},
                      {"size", options.size}};
    return entry;
}

WorkspaceData load_workspace_data(const Workspace& workspace, const std::filesystem::path& data_root, ImageFolderReport* report) {
    return load_dataset(workspace.manifest().dataset, data_root, "workspace " + workspace.folder().string(), report);
}

WorkspaceData load_dataset(const DatasetEntry& entry, const std::filesystem::path& data_root, const std::string& owner,
                           ImageFolderReport* report) {
    if (entry.kind == kImageFolderDatasetKind) return open_image_folder(entry, owner, report);
    const std::optional<DatasetKind> kind = parse_dataset_kind(entry.kind);
    if (!kind) {
        throw UserError(owner + " names data set \"" + entry.kind +
                        "\"; this build knows colormnist, colorfashion and image-folder.");
    }
    const SourceImages source = load_source_images(*kind, data_root);
    WorkspaceData data;
    data.origin = source.origin;
    data.train = make_color_dataset(source, Split::Train, entry.colour_seed);
    data.test = make_color_dataset(source, Split::Test, entry.colour_seed);
    return data;
}

std::shared_ptr<const ImageDataset> foreign_test_set(const std::string& name, const std::string& option,
                                                     const Workspace& workspace, const ImageDataset& native,
                                                     const std::function<SourceImages(DatasetKind)>& load) {
    const std::optional<DatasetKind> kind = parse_dataset_kind(name);
    if (!kind) throw UserError(option + " takes colormnist or colorfashion; got \"" + name + "\".");
    if (workspace.manifest().dataset.kind == name) {
        throw UserError(workspace.folder().string() + " is itself on " + name + "; " + option + " names another domain.");
    }
    std::shared_ptr<const ImageDataset> foreign = make_color_dataset(load(*kind), Split::Test, 0);
    if (foreign->shape().height != native.shape().height) {
        throw UserError(name + " images are " + std::to_string(foreign->shape().height) + " pixels; the networks of " +
                        workspace.folder().string() + " take " + std::to_string(native.shape().height) + ".");
    }
    return foreign;
}

}  // namespace inv
