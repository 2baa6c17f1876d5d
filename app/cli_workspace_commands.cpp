// `invariances-cli workspace …`: create and inspect workspaces.
#include "app/cli_commands.h"
#include "core/dataset_catalog.h"
#include "core/errors.h"
#include "core/training/scripted_workspace.h"
#include "core/workspace.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct CreateOptions {
    std::filesystem::path folder;
    std::string dataset = "colormnist";
    std::uint64_t seed = 0;
    std::filesystem::path model;
};

void run_create(const CreateOptions& options, const GlobalOptions& global) {
    if (!parse_dataset_kind(options.dataset)) {
        throw UserError("unknown data set \"" + options.dataset + "\"; expected colormnist or colorfashion.");
    }
    DatasetEntry dataset;
    dataset.kind = options.dataset;
    dataset.colour_seed = options.seed;
    if (!options.model.empty()) {
        // Everything that can fail on the model is checked before the workspace exists.
        if (!std::filesystem::exists(options.model)) throw UserError("model file " + options.model.string() + " does not exist.");
    }
    const bool folder_existed = std::filesystem::exists(options.folder);
    Workspace workspace = Workspace::create(options.folder, dataset);
    if (!options.model.empty()) {
        try {
            const auto test = workspace_test_set(workspace, global);
            adopt_scripted_classifier(workspace, options.model, *test);
        } catch (...) {
            // No half-made workspace is left behind, and nothing that was in the folder before goes.
            if (folder_existed) {
                std::filesystem::remove(options.folder / kManifestFileName);
                std::filesystem::remove_all(options.folder / "classifier");
            } else {
                std::filesystem::remove_all(options.folder);
            }
            throw;
        }
    }
    if (global.json) {
        std::printf("%s\n", to_json(workspace.manifest()).dump(2).c_str());
    } else {
        std::printf("created workspace %s for %s (colour seed %llu)\n", workspace.folder().c_str(),
                    options.dataset.c_str(), static_cast<unsigned long long>(options.seed));
        if (!options.model.empty()) {
            const auto& classifier = workspace.manifest().models.at("classifier");
            std::printf("classifier under study: %s, %zu layers where z can be taken (invariances-cli layers --workspace %s); %s\n",
                        options.model.c_str(), classifier.config.at("layers").size(), workspace.folder().c_str(),
                        classifier.checkpoints.back().metrics.dump().c_str());
        }
    }
}

void run_show(const std::filesystem::path& folder, const GlobalOptions& global) {
    const Workspace workspace = Workspace::open(folder);
    const WorkspaceManifest& m = workspace.manifest();
    if (global.json) {
        std::printf("%s\n", to_json(m).dump(2).c_str());
        return;
    }
    std::printf("workspace %s (format %d, written by %s)\n  data set: %s, colour seed %llu\n",
                folder.c_str(), m.format_version, m.written_by.c_str(), m.dataset.kind.c_str(),
                static_cast<unsigned long long>(m.dataset.colour_seed));
    if (m.models.empty()) std::printf("  no models trained yet\n");
    for (const auto& [name, model] : m.models) {
        std::printf("  model %s: %s, %zu checkpoint(s)\n", name.c_str(), model.kind.c_str(),
                    model.checkpoints.size());
    }
}

}  // namespace

void add_workspace_commands(CLI::App& app, const GlobalOptions& global) {
    CLI::App* workspace = app.add_subcommand("workspace", "Create and inspect workspaces");
    workspace->require_subcommand(1);

    auto create = std::make_shared<CreateOptions>();
    CLI::App* cmd = workspace->add_subcommand("create", "Create an empty workspace for a data set");
    cmd->add_option("--workspace", create->folder, "Folder to create")->required();
    cmd->add_option("--dataset", create->dataset, "colormnist or colorfashion")
        ->check(CLI::IsMember(dataset_kind_names()))
        ->capture_default_str();
    cmd->add_option("--seed", create->seed, "Colour seed of the training split")->capture_default_str();
    cmd->add_option("--model", create->model,
                    "A TorchScript classifier of your own (FILE.card.json beside it; see tools/export_classifier.py) "
                    "as the classifier under study, instead of training one");
    cmd->callback([create, &global] { run_create(*create, global); });

    auto show_folder = std::make_shared<std::filesystem::path>();
    CLI::App* show = workspace->add_subcommand("show", "Print a workspace's manifest");
    show->add_option("--workspace", *show_folder, "Workspace folder")->required();
    show->callback([show_folder, &global] { run_show(*show_folder, global); });
}

}  // namespace inv
