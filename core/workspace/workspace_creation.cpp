#include "core/workspace/workspace_creation.h"

#include "core/data/dataset_catalog.h"
#include "core/data/workspace_data.h"
#include "core/models/model_card.h"
#include "core/runtime/errors.h"
#include "core/workspace/scripted_workspace.h"

namespace inv {
namespace {

constexpr int kDefaultImageSize = 32;

DatasetEntry dataset_entry(const WorkspaceRecipe& recipe, int image_size) {
    if (!recipe.images.empty()) {
        return image_folder_entry({recipe.images, recipe.attributes, image_size});
    }
    if (!recipe.attributes.empty())
        throw UserError("an attributes CSV (" + recipe.attributes.string() + ") goes with an image folder (--images).");
    if (!parse_dataset_kind(recipe.dataset)) {
        throw UserError("unknown data set \"" + recipe.dataset + "\"; expected colormnist or colorfashion, or an image folder.");
    }
    DatasetEntry entry;
    entry.kind = recipe.dataset;
    entry.colour_seed = recipe.colour_seed;
    return entry;
}

}  // namespace

CreatedWorkspace create_workspace(const WorkspaceRecipe& recipe, const std::filesystem::path& data_root) {
    if (recipe.folder.empty()) throw UserError("no workspace folder given.");
    int image_size = recipe.image_size;
    if (!recipe.model.empty()) {
        if (!std::filesystem::exists(recipe.model)) throw UserError("model file " + recipe.model.string() + " does not exist.");
        const ModelCard card = read_model_card(model_card_path(recipe.model));
        if (image_size == 0) image_size = static_cast<int>(card.height);
    }
    if (image_size == 0) image_size = kDefaultImageSize;
    if (!recipe.images.empty() && image_size % 16 != 0) {
        throw UserError("image size " + std::to_string(image_size) +
                        " cannot be encoded: the autoencoder halves it four times, "
                        "so it must be a multiple of 16 (32, 64 and 128 are the usual sizes).");
    }
    DatasetEntry entry = dataset_entry(recipe, image_size);
    // The GUI's TrainLayer reads this setting, as it does in the demo workspace.
    if (recipe.tiny_budget) entry.settings["demo_budget"] = "tiny";
    if (std::filesystem::exists(recipe.folder / kManifestFileName)) {
        throw UserError(recipe.folder.string() + " already holds a workspace; open it instead, or choose another folder.");
    }
    // The images are opened the way every later command opens them, before anything is written.
    ImageFolderReport report;
    const WorkspaceData data = load_dataset(entry, data_root, "the new workspace", &report);

    const bool folder_existed = std::filesystem::exists(recipe.folder);
    Workspace workspace = Workspace::create(recipe.folder, entry);
    try {
        if (!recipe.model.empty()) adopt_scripted_classifier(workspace, recipe.model, *data.test);
    } catch (...) {
        // No half-made workspace is left behind, and nothing that was in the folder before goes.
        if (folder_existed) {
            std::filesystem::remove(recipe.folder / kManifestFileName);
            std::filesystem::remove_all(recipe.folder / "classifier");
        } else {
            std::filesystem::remove_all(recipe.folder);
        }
        throw;
    }
    return CreatedWorkspace{std::move(workspace), std::move(report), data.train->size(), data.test->size()};
}

}  // namespace inv
