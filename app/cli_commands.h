#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace inv {

// Options every subcommand sees.
struct GlobalOptions {
    std::filesystem::path data_root;
    bool json = false;
};

void add_data_commands(CLI::App& app, const GlobalOptions& global);
void add_workspace_commands(CLI::App& app, const GlobalOptions& global);
void add_train_commands(CLI::App& app, const GlobalOptions& global);
void add_demo_commands(CLI::App& app, const GlobalOptions& global);
void add_analysis_commands(CLI::App& app, const GlobalOptions& global);

}  // namespace inv
