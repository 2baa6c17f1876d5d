#pragma once

#include "core/image/rgba_image.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace inv {

// Saves what a panel shows: `<folder>/<stem>-<n>.png` (n counts up so nothing is overwritten) and
// its numbers and provenance beside it as JSON; the JSON's "reproduce" line (the command that makes
// the same figure) gets the PNG's path. Returns a line for people: where it went, or why not.
std::string export_figure(const std::filesystem::path& folder, const std::string& stem, const RgbaImage& figure,
                          nlohmann::json numbers);

}  // namespace inv
