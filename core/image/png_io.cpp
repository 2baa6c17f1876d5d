#include "core/image/png_io.h"

#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace inv {

void write_png(const std::filesystem::path& path, const RgbaImage& image) {
    if (image.empty()) throw UserError("refusing to write an empty image to " + path.string() + ".");
    const cv::Mat rgba(image.height, image.width, CV_8UC4, const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat bgra;
    cv::cvtColor(rgba, bgra, cv::COLOR_RGBA2BGRA);
    std::vector<std::uint8_t> encoded;
    if (!cv::imencode(".png", bgra, encoded)) {
        throw UserError("OpenCV could not encode a PNG for " + path.string() + ".");
    }
    write_file_atomically(path, std::string_view(reinterpret_cast<const char*>(encoded.data()), encoded.size()));
}

RgbaImage read_image_rgba(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) throw UserError("image file " + path.string() + " does not exist.");
    const cv::Mat decoded = cv::imread(path.string(), cv::IMREAD_COLOR);
    if (decoded.empty()) {
        throw UserError(path.string() + " is not an image OpenCV can read (PNG, JPEG, BMP, …).");
    }
    cv::Mat rgba;
    cv::cvtColor(decoded, rgba, cv::COLOR_BGR2RGBA);
    RgbaImage image(rgba.cols, rgba.rows);
    for (int y = 0; y < rgba.rows; ++y) {
        std::copy_n(rgba.ptr<std::uint8_t>(y), static_cast<std::size_t>(rgba.cols) * 4, image.at(0, y));
    }
    return image;
}

}  // namespace inv
