#pragma once

#include "core/image/rgba_image.h"

#include <filesystem>

namespace inv {

// Encodes with OpenCV and writes atomically (see write_file_atomically).
void write_png(const std::filesystem::path& path, const RgbaImage& image);

// Reads any image OpenCV can decode as RGBA8; throws UserError naming the file when it cannot.
RgbaImage read_image_rgba(const std::filesystem::path& path);

}  // namespace inv
