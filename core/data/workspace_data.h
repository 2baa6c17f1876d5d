#pragma once

// Torch-free: the images a workspace is about, whatever their source.
#include "core/data/dataset_catalog.h"
#include "core/data/image_dataset.h"
#include "core/data/image_folder_dataset.h"
#include "core/workspace/workspace.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace inv {

// DatasetEntry::kind of a workspace built on a folder of the user's images.
inline constexpr const char* kImageFolderDatasetKind = "image-folder";

struct WorkspaceData {
    std::shared_ptr<const ImageDataset> train;
    std::shared_ptr<const ImageDataset> test;
    std::string origin;  // where the images came from, for messages and provenance
};

// The entry a workspace records for an image folder: absolute paths, the size, the share held out.
DatasetEntry image_folder_entry(const ImageFolderOptions& options);

// Opens the data set a workspace's manifest names: ColorMNIST/ColorFashion from the data root, or
// the user's image folder it was made from. An image folder is split by a hash of each file's
// path (about one in five images is a test image), so adding files never moves the others.
// Throws UserError naming the workspace and what to do when the source is missing or unknown.
WorkspaceData load_workspace_data(const Workspace& workspace, const std::filesystem::path& data_root,
                                  ImageFolderReport* report = nullptr);
// The same for a data-set entry alone; `owner` names whose entry it is in messages.
WorkspaceData load_dataset(const DatasetEntry& entry, const std::filesystem::path& data_root, const std::string& owner,
                           ImageFolderReport* report = nullptr);

// Another domain's test split (colormnist or colorfashion), to show a workspace's networks images
// they were not trained on. Throws UserError naming `option` for an unknown domain or the
// workspace's own, and for images of another size than `native`'s. `load` gives the domain's
// grey source images (the engine keeps them loaded; the command line reads the data root).
std::shared_ptr<const ImageDataset> foreign_test_set(const std::string& name, const std::string& option,
                                                     const Workspace& workspace, const ImageDataset& native,
                                                     const std::function<SourceImages(DatasetKind)>& load);

}  // namespace inv
