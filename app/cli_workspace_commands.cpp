// `invariances-cli workspace …`: create and inspect workspaces.
#include "app/cli_commands.h"
#include "core/data/dataset_catalog.h"
#include "core/runtime/errors.h"
#include "core/workspace/shipped_demo.h"
#include "core/workspace/workspace.h"
#include "core/workspace/workspace_creation.h"
#include "core/workspace/workspace_lock.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

void run_create(const WorkspaceRecipe& recipe, const GlobalOptions& global) {
    const CreatedWorkspace created = create_workspace(recipe, global.data_root);
    const Workspace& workspace = created.workspace;
    if (!created.report.skipped.empty()) {
        std::fprintf(stderr, "warning: skipped %zu unreadable image(s) of %s:\n", created.report.skipped.size(),
                     recipe.images.c_str());
        for (const std::string& line : created.report.skipped) std::fprintf(stderr, "  %s\n", line.c_str());
    }
    if (global.json) {
        std::printf("%s\n", to_json(workspace.manifest()).dump(2).c_str());
        return;
    }
    if (recipe.images.empty()) {
        std::printf("created workspace %s for %s (colour seed %llu)\n", workspace.folder().c_str(), recipe.dataset.c_str(),
                    static_cast<unsigned long long>(recipe.colour_seed));
    } else {
        std::printf("created workspace %s for the images of %s: %zu for training, %zu held out for testing, %dx%d pixels\n",
                    workspace.folder().c_str(), recipe.images.c_str(), created.train_images, created.test_images,
                    workspace.manifest().dataset.settings.value("size", 0),
                    workspace.manifest().dataset.settings.value("size", 0));
    }
    if (!recipe.model.empty()) {
        const auto& classifier = workspace.manifest().models.at("classifier");
        std::printf("classifier under study: %s, %zu layers where z can be taken (invariances-cli layers --workspace %s); %s\n",
                    recipe.model.c_str(), classifier.config.at("layers").size(), workspace.folder().c_str(),
                    classifier.checkpoints.back().metrics.dump().c_str());
    }
}

void run_show(const std::filesystem::path& folder, const GlobalOptions& global) {
    const Workspace workspace = Workspace::open(folder);
    const WorkspaceManifest& m = workspace.manifest();
    if (global.json) {
        std::printf("%s\n", to_json(m).dump(2).c_str());
        return;
    }
    std::printf("workspace %s (format %d, written by %s)\n", folder.c_str(), m.format_version, m.written_by.c_str());
    if (m.dataset.settings.contains("folder")) {
        std::printf("  data set: the images of %s at %dx%d pixels%s\n", m.dataset.settings.value("folder", std::string()).c_str(),
                    m.dataset.settings.value("size", 0), m.dataset.settings.value("size", 0),
                    m.dataset.settings.value("attributes", std::string()).empty()
                        ? ""
                        : (", attributes from " + m.dataset.settings.value("attributes", std::string())).c_str());
    } else {
        std::printf("  data set: %s, colour seed %llu\n", m.dataset.kind.c_str(),
                    static_cast<unsigned long long>(m.dataset.colour_seed));
    }
    if (m.models.empty()) std::printf("  no models trained yet\n");
    for (const auto& [name, model] : m.models) {
        std::printf("  model %s: %s, %zu checkpoint(s)\n", name.c_str(), model.kind.c_str(), model.checkpoints.size());
    }
}

}  // namespace

void add_workspace_commands(CLI::App& app, const GlobalOptions& global) {
    CLI::App* workspace = app.add_subcommand("workspace", "Create and inspect workspaces");
    workspace->require_subcommand(1);

    auto create = std::make_shared<WorkspaceRecipe>();
    CLI::App* cmd = workspace->add_subcommand("create", "Create an empty workspace for a data set or a folder of your images");
    cmd->add_option("--workspace", create->folder, "Folder to create")->required();
    CLI::Option* dataset = cmd->add_option("--dataset", create->dataset, "colormnist or colorfashion")
                               ->check(CLI::IsMember(dataset_kind_names()))
                               ->capture_default_str();
    cmd->add_option("--seed", create->colour_seed, "Colour seed of the training split")->capture_default_str();
    CLI::Option* images =
        cmd->add_option(
               "--images", create->images,
               "A folder of your images (PNG/JPEG/BMP; optionally one sub-folder per class) instead of a built-in data set; "
               "about one image in five is held out for testing")
            ->excludes(dataset);
    cmd->add_option("--attributes", create->attributes,
                    "CSV with a \"file\" column (paths relative to --images) and one column per attribute; images that share "
                    "a value make the pairs e learns that factor from")
        ->needs(images);
    cmd->add_option("--size", create->image_size,
                    "Side of the square the images are centre-cropped and resized to: 32, 64 or 128 (a multiple of 16); "
                    "default: the model card's, else 32")
        ->needs(images)
        ->check(CLI::Range(16, 512));
    cmd->add_option("--model", create->model,
                    "A TorchScript classifier of your own (FILE.card.json beside it; see tools/export_classifier.py) "
                    "as the classifier under study, instead of training one");
    cmd->callback([create, &global] { run_create(*create, global); });

    auto show_folder = std::make_shared<std::filesystem::path>();
    CLI::App* show = workspace->add_subcommand("show", "Print a workspace's manifest");
    show->add_option("--workspace", *show_folder, "Workspace folder")->required();
    show->callback([show_folder, &global] { run_show(*show_folder, global); });

    auto half_folder = std::make_shared<std::filesystem::path>();
    CLI::App* half = workspace->add_subcommand(
        "store-half",
        "Rewrite the last checkpoint of the autoencoder, every t and e with 16-bit weights, halving their files (how "
        "the shipped demo workspace is stored; measure the result with `demo measure`); the classifier keeps 32 bits");
    half->add_option("--workspace", *half_folder, "Workspace folder")->required();
    half->callback([half_folder, &global] {
        const WorkspaceLock lock = lock_existing_workspace(*half_folder, "invariances-cli workspace store-half");
        const std::vector<std::string> stored = store_weights_in_half_precision(*half_folder);
        if (global.json) {
            std::printf("%s\n", nlohmann::json{{"workspace", half_folder->string()}, {"stored", stored}}.dump(2).c_str());
        } else {
            for (const std::string& file : stored) std::printf("stored in 16 bits: %s\n", file.c_str());
        }
    });
}

}  // namespace inv
