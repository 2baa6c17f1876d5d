#pragma once

// Torch-free: how the command line and the GUI make a new workspace.
#include "core/data/image_folder_dataset.h"
#include "core/workspace/workspace.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace inv {

struct WorkspaceRecipe {
    std::filesystem::path folder;        // the workspace to create
    std::string dataset = "colormnist";  // colormnist or colorfashion, used when `images` is empty
    std::uint64_t colour_seed = 0;
    std::filesystem::path images;      // a folder of the user's images instead of a built-in data set
    std::filesystem::path attributes;  // optional attributes CSV for `images`
    int image_size = 0;                // side of the images; 0: the model card's, else 32
    std::filesystem::path model;       // optional TorchScript classifier of the user's (FILE.card.json beside it)
    bool tiny_budget = false;          // models the GUI trains here get the demo's one-minute budget (rough results)
};

struct CreatedWorkspace {
    Workspace workspace;
    ImageFolderReport report;  // images of the folder that could not be read
    std::size_t train_images = 0;
    std::size_t test_images = 0;
};

// Checks the recipe, creates the workspace and adopts the user's model, if any. Everything that
// can fail on the images or the model is checked before the folder is touched; should adopting the
// model still fail, the half-made workspace is removed (and nothing that was in the folder before).
// Throws UserError naming the file or value at fault.
CreatedWorkspace create_workspace(const WorkspaceRecipe& recipe, const std::filesystem::path& data_root);

}  // namespace inv
