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
void add_intervention_commands(CLI::App& app, const GlobalOptions& global);

}  // namespace inv

// Shared by the analysis commands (defined in cli_analysis_commands.cpp).
#include <cstdint>
#include <memory>
#include <vector>
#include <nlohmann/json.hpp>
namespace inv {
class ColorDataset;
class Workspace;
struct RgbaImage;
// The test split of a workspace's data set, as every analysis uses it.
// "0,200,2000" -> steps; throws UserError quoting `option` and the text for anything else.
std::vector<std::int64_t> parse_step_list(const std::string& text, const std::string& option);
std::shared_ptr<const ColorDataset> workspace_test_set(const Workspace& workspace, const GlobalOptions& global);
// Writes the figure to `png` and the numbers beside it (same name, .json), atomically; with
// --json also prints the numbers. Returns the JSON path.
std::filesystem::path write_figure(const std::filesystem::path& png, const RgbaImage& figure, const nlohmann::json& numbers,
                                   const GlobalOptions& global);

}  // namespace inv
