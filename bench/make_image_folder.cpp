// Writes a folder of generated PNG images, one sub-folder per class, for the memory and speed
// measurements of image folders larger than memory (docs/benchmarks.md). Each image is a noisy
// background with a square whose colour and place depend on the class, so a classifier learns
// something from it.
#include "core/image/png_io.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <random>
#include <string>

int main(int argc, char** argv) {
    CLI::App app{"Write a folder of generated images (one sub-folder per class)"};
    std::filesystem::path out;
    int count = 50000;
    int size = 64;
    int classes = 10;
    app.add_option("--out", out, "Folder to write (created)")->required();
    app.add_option("--count", count, "Images in all")->check(CLI::Range(1, 10000000))->capture_default_str();
    app.add_option("--size", size, "Width and height in pixels")->check(CLI::Range(8, 1024))->capture_default_str();
    app.add_option("--classes", classes, "Class sub-folders")->check(CLI::Range(2, 1000))->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    std::mt19937 draw(7);
    for (int c = 0; c < classes; ++c) std::filesystem::create_directories(out / ("class-" + std::to_string(c)));
    for (int i = 0; i < count; ++i) {
        const int label = i % classes;
        inv::RgbaImage image(size, size, 255);
        for (int y = 0; y < size; ++y) {
            for (int x = 0; x < size; ++x) {
                std::uint8_t* pixel = image.at(x, y);
                for (int k = 0; k < 3; ++k) pixel[k] = static_cast<std::uint8_t>(draw() % 96);
            }
        }
        const int side = size / 3;
        const int left = static_cast<int>(draw() % static_cast<unsigned>(size - side));
        const int top = static_cast<int>(draw() % static_cast<unsigned>(size - side));
        for (int y = top; y < top + side; ++y) {
            for (int x = left; x < left + side; ++x) {
                std::uint8_t* pixel = image.at(x, y);
                pixel[0] = static_cast<std::uint8_t>(80 + 17 * label % 176);
                pixel[1] = static_cast<std::uint8_t>(255 - 23 * label % 176);
                pixel[2] = static_cast<std::uint8_t>(128 + 41 * label % 128);
            }
        }
        inv::write_png(out / ("class-" + std::to_string(label)) / ("image-" + std::to_string(i) + ".png"), image);
        if ((i + 1) % 10000 == 0) std::fprintf(stderr, "%d images\n", i + 1);
    }
    return 0;
}
