#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace inv {

// 8-bit RGBA pixels, row-major, top row first: the one image type that crosses from core to the
// front ends (GL textures, PNG files).
struct RgbaImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;  // width * height * 4

    RgbaImage() = default;
    RgbaImage(int w, int h, std::uint8_t fill = 0) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h * 4, fill) {}

    bool empty() const { return width == 0 || height == 0; }
    std::uint8_t* at(int x, int y) { return pixels.data() + (static_cast<std::size_t>(y) * width + x) * 4; }
    const std::uint8_t* at(int x, int y) const { return pixels.data() + (static_cast<std::size_t>(y) * width + x) * 4; }
};

struct PixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    bool contains(int px, int py) const { return px >= x && py >= y && px < x + width && py < y + height; }
};

}  // namespace inv
