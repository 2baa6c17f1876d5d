#include "core/image/image_fit.h"

#include "core/image/png_io.h"
#include "core/runtime/errors.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace inv {

RgbaImage fit_to_square(const RgbaImage& image, int size) {
    if (image.width < 1 || image.height < 1) throw UserError("cannot fit an empty image to the model's input.");
    if (size < 1) throw UserError("the model's input size must be positive; got " + std::to_string(size) + ".");
    const int side = std::min(image.width, image.height);
    const cv::Mat source(image.height, image.width, CV_8UC4, const_cast<std::uint8_t*>(image.pixels.data()));
    const cv::Mat square = source(cv::Rect((image.width - side) / 2, (image.height - side) / 2, side, side));
    cv::Mat resized;
    cv::resize(square, resized, cv::Size(size, size), 0, 0, side > size ? cv::INTER_AREA : cv::INTER_LINEAR);
    RgbaImage fitted(size, size);
    for (int y = 0; y < size; ++y) {
        std::copy_n(resized.ptr<std::uint8_t>(y), static_cast<std::size_t>(size) * 4, fitted.at(0, y));
    }
    return fitted;
}

RgbaImage read_model_input(const std::filesystem::path& path, int size) {
    return fit_to_square(read_image_rgba(path), size);
}

}  // namespace inv
