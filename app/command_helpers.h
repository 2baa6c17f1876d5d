#pragma once

// What several commands share: their inputs (test sets, the user's images, step lists) and how a
// figure is written.
#include "app/cli_commands.h"
#include "core/image/image_fit.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace inv {

class ImageDataset;
class Workspace;
struct RgbaImage;

// "0,200,2000" -> steps; throws UserError quoting `option` and the text for anything else.
std::vector<std::int64_t> parse_step_list(const std::string& text, const std::string& option);
// The test split of a workspace's data set, as every analysis uses it.
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
