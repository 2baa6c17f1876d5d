#include "core/models/patch_discriminator.h"

#include "core/flow/invertible_blocks.h"
#include "core/runtime/errors.h"

namespace inv {
namespace {

constexpr double kSlope = 0.2;

torch::nn::LeakyReLU activation() {
    return torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(kSlope));
}

torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t stride) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 4).stride(stride).padding(1));
}

}  // namespace

PatchDiscriminatorImpl::PatchDiscriminatorImpl(int image_channels, int base_channels, int halvings) {
    if (image_channels < 1 || base_channels < 1 || halvings < 1) {
        throw UserError("a patch discriminator needs positive image and base channels and at least one halving; got " +
                        std::to_string(image_channels) + ", " + std::to_string(base_channels) + ", " + std::to_string(halvings) +
                        ".");
    }
    torch::nn::Sequential layers;
    std::int64_t channels = base_channels;
    // No normalisation on the first layer, as in the original: it sees raw pixel values.
    layers->push_back(conv(image_channels, channels, 2));
    layers->push_back(activation());
    for (int h = 1; h < halvings; ++h) {
        layers->push_back(conv(channels, 2 * channels, 2));
        layers->push_back(ActNorm(2 * channels));
        layers->push_back(activation());
        channels *= 2;
    }
    layers->push_back(conv(channels, 2 * channels, 1));
    layers->push_back(ActNorm(2 * channels));
    layers->push_back(activation());
    layers->push_back(conv(2 * channels, 1, 1));
    m_layers = register_module("layers", layers);
}

torch::Tensor PatchDiscriminatorImpl::forward(const torch::Tensor& images) {
    return m_layers->forward(images);
}

torch::Tensor discriminator_hinge_loss(const torch::Tensor& real_logits, const torch::Tensor& fake_logits) {
    return 0.5 * (torch::relu(1.0 - real_logits).mean() + torch::relu(1.0 + fake_logits).mean());
}

torch::Tensor generator_hinge_loss(const torch::Tensor& fake_logits) {
    return -fake_logits.mean();
}

}  // namespace inv
