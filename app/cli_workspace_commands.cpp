// `invariances-cli workspace …`: create and inspect workspaces.
#include "app/cli_commands.h"
#include "core/dataset_catalog.h"
#include "core/errors.h"
#include "core/workspace.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct CreateOptions {
    std::filesystem::path folder;
    std::string dataset = "colormnist";
    std::uint64_t seed = 0;
};

void run_create(const CreateOptions& options, const GlobalOptions& global) {
    if (!parse_dataset_kind(options.dataset)) {
        throw UserError("unknown data set \"" + options.dataset + "\"; expected colormnist or colorfashion.");
    }
    DatasetEntry dataset;
    dataset.kind = options.dataset;
    dataset.colour_seed = options.seed;
    const Workspace workspace = Workspace::create(options.folder, dataset);
    if (global.json) {
        std::printf("%s\n", to_json(workspace.manifest()).dump(2).c_str());
    } else {
        std::printf("created workspace %s for %s (colour seed %llu)\n", workspace.folder().c_str(),
                    options.dataset.c_str(), static_cast<unsigned long long>(options.seed));
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
    cmd->callback([create, &global] { run_create(*create, global); });

    auto show_folder = std::make_shared<std::filesystem::path>();
    CLI::App* show = workspace->add_subcommand("show", "Print a workspace's manifest");
    show->add_option("--workspace", *show_folder, "Workspace folder")->required();
    show->callback([show_folder, &global] { run_show(*show_folder, global); });
}

}  // namespace inv
