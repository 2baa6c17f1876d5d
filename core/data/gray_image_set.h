#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace inv {

// Labelled single-channel images as the source readers deliver them: pixels in [0, 1], row-major,
// one image after another.
struct GrayImageSet {
    int width = 0;
    int height = 0;
    std::vector<float> pixels;
    std::vector<int> labels;
    std::vector<std::string> class_names;

    std::size_t size() const { return labels.size(); }
    std::size_t pixels_per_image() const { return static_cast<std::size_t>(width) * height; }
    const float* image(std::size_t index) const { return pixels.data() + index * pixels_per_image(); }
};

}  // namespace inv
