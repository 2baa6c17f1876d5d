#pragma once

// Torch-free: the GUI opens users' images through this header.
#include "core/image/rgba_image.h"

#include <filesystem>
#include <string>

namespace inv {

// A user's image, already the model's input size, with the file it came from: the provenance of a
// figure names it, and the command that makes the figure again reads it.
struct NamedImage {
    RgbaImage image;
    std::string name;
};

// The largest centred square of `image`, resized to size x size (area averaging when shrinking,
// so thin strokes survive; bilinear when enlarging).
RgbaImage fit_to_square(const RgbaImage& image, int size);

// A user's image file as a model input: read (any format OpenCV decodes), centre-cropped and
// resized to size x size. Throws UserError naming the file when it cannot be read.
RgbaImage read_model_input(const std::filesystem::path& path, int size);

}  // namespace inv
