#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace inv {

// The IDX format of MNIST and Fashion-MNIST, gzipped or plain (zlib reads both transparently).
struct IdxImages {
    int count = 0;
    int rows = 0;
    int cols = 0;
    std::vector<std::uint8_t> pixels;  // count * rows * cols bytes
};

IdxImages read_idx_images(const std::filesystem::path& path);
std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path);

}  // namespace inv
