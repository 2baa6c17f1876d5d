#pragma once

#include "core/runtime/compute_device.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace inv {

// Thrown by a command that finished its work but must end with another status than 0 (a check
// that failed); main returns `code` without printing anything more.
struct ExitStatus {
    int code = 1;
};

// Options every subcommand sees.
struct GlobalOptions {
    std::filesystem::path data_root;
    bool json = false;
    std::string device = "auto";  // cpu, cuda or auto; parsed when a command needs it

    ComputeDevice compute_device() const { return parse_compute_device(device); }
};

void add_data_commands(CLI::App& app, const GlobalOptions& global);
void add_workspace_commands(CLI::App& app, const GlobalOptions& global);
void add_train_commands(CLI::App& app, const GlobalOptions& global);
void add_demo_commands(CLI::App& app, const GlobalOptions& global);
void add_analysis_commands(CLI::App& app, const GlobalOptions& global);
void add_intervention_commands(CLI::App& app, const GlobalOptions& global);
// `compare` and `analyze domain-shift`; after add_analysis_commands (it adds to `analyze`).
void add_comparison_commands(CLI::App& app, const GlobalOptions& global);
// `video` and `demo clip`; after add_demo_commands (it adds to `demo`).
void add_video_commands(CLI::App& app, const GlobalOptions& global);

}  // namespace inv
