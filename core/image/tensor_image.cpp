#include "core/image/tensor_image.h"

#include "core/runtime/errors.h"

#include <ATen/core/grad_mode.h>
#include <algorithm>

namespace inv {
namespace {

std::string shape_text(const at::Tensor& t) {
    std::string text = "[";
    for (int64_t i = 0; i < t.dim(); ++i) text += (i ? ", " : "") + std::to_string(t.size(i));
    return text + "]";
}

}  // namespace

at::Tensor tensor_from_samples(const std::vector<ImageSample>& samples, const ImageShape& shape) {
    at::Tensor batch = at::empty({static_cast<int64_t>(samples.size()), shape.channels, shape.height, shape.width}, at::kFloat);
    float* out = batch.data_ptr<float>();
    for (const ImageSample& sample : samples) {
        if (sample.pixels.size() != shape.numel()) {
            throw UserError("a sample has " + std::to_string(sample.pixels.size()) + " values; expected " +
                            std::to_string(shape.numel()) + " for " + std::to_string(shape.channels) + "x" +
                            std::to_string(shape.height) + "x" + std::to_string(shape.width) + ".");
        }
        out = std::copy(sample.pixels.begin(), sample.pixels.end(), out);
    }
    return batch;
}

RgbaImage rgba_from_tensor(const at::Tensor& image) {
    if (image.dim() != 3 || (image.size(0) != 1 && image.size(0) != 3)) {
        throw UserError("expected an image tensor of shape [1 or 3, H, W], found " + shape_text(image) + ".");
    }
    at::NoGradGuard no_grad;
    const at::Tensor bytes = ((image.detach().to(at::kCPU, at::kFloat) + 1.0) * 127.5)
                                 .round()
                                 .clamp(0, 255)
                                 .to(at::kByte)
                                 .expand({3, image.size(1), image.size(2)})
                                 .permute({1, 2, 0})
                                 .contiguous();
    RgbaImage rgba(static_cast<int>(image.size(2)), static_cast<int>(image.size(1)), 255);
    const std::uint8_t* rgb = bytes.data_ptr<std::uint8_t>();
    const std::size_t pixel_count = static_cast<std::size_t>(rgba.width) * rgba.height;
    for (std::size_t p = 0; p < pixel_count; ++p) std::copy_n(rgb + 3 * p, 3, rgba.pixels.data() + 4 * p);
    return rgba;
}

std::vector<RgbaImage> rgba_from_batch(const at::Tensor& batch) {
    if (batch.dim() != 4) {
        throw UserError("expected an image batch of shape [N, C, H, W], found " + shape_text(batch) + ".");
    }
    std::vector<RgbaImage> images;
    images.reserve(static_cast<std::size_t>(batch.size(0)));
    for (int64_t i = 0; i < batch.size(0); ++i) images.push_back(rgba_from_tensor(batch[i]));
    return images;
}

at::Tensor tensor_from_rgba(const RgbaImage& image) {
    const at::Tensor rgba =
        at::from_blob(const_cast<std::uint8_t*>(image.pixels.data()), {image.height, image.width, 4}, at::kByte);
    return rgba.slice(2, 0, 3).permute({2, 0, 1}).to(at::kFloat).div(127.5).sub(1.0).contiguous();
}

}  // namespace inv
