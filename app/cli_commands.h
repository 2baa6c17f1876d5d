#pragma once

#include "core/image/image_fit.h"
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

// Shared by the analysis commands (defined in cli_analysis_commands.cpp).
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>
namespace inv {
class ImageDataset;
class Workspace;
struct RgbaImage;
// The test split of a workspace's data set, as every analysis uses it.
// "0,200,2000" -> steps; throws UserError quoting `option` and the text for anything else.
std::vector<std::int64_t> parse_step_list(const std::string& text, const std::string& option);
std::shared_ptr<const ImageDataset> workspace_test_set(const Workspace& workspace, const GlobalOptions& global);
// The test split of another built-in domain (colormnist or colorfashion) for a workspace's networks;
// throws UserError for an unknown name, the workspace's own domain, or images of another size.
std::shared_ptr<const ImageDataset> foreign_test_set(const std::string& name, const Workspace& workspace,
                                                     const GlobalOptions& global);
// The user's image files (--image), centre-cropped and resized to the data set's size, named as given.
std::vector<NamedImage> read_user_images(const std::vector<std::filesystem::path>& files, const ImageDataset& test);
// Writes the figure to `png` and the numbers beside it (same name, .json), atomically; with
// --json also prints the numbers. Returns the JSON path.
std::filesystem::path write_figure(const std::filesystem::path& png, const RgbaImage& figure, const nlohmann::json& numbers,
                                   const GlobalOptions& global);

}  // namespace inv
