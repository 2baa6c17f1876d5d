#include "core/flow/condition_embedder.h"

#include "core/flow/invertible_blocks.h"
#include "core/runtime/errors.h"

#include <algorithm>

namespace inv {
namespace {

constexpr double kEmbedderSlope = 0.2;
constexpr std::int64_t kSmallestMap = 4;
constexpr std::int64_t kMaxConvChannels = 256;

torch::nn::LeakyReLU embedder_activation() {
    return torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(kEmbedderSlope));
}

torch::nn::Sequential flat_embedder(std::int64_t features, std::int64_t embedding) {
    torch::nn::Sequential layers;
    std::int64_t width = std::max(embedding, features / 2);
    std::int64_t in = features;
    for (;;) {
        layers->push_back(torch::nn::Linear(in, width));
        layers->push_back(ActNorm(width));
        layers->push_back(embedder_activation());
        in = width;
        if (width <= embedding) break;
        width = std::max(embedding, width / 2);
    }
    layers->push_back(torch::nn::Linear(in, embedding));
    return layers;
}

torch::nn::Sequential spatial_embedder(std::int64_t channels, std::int64_t height, std::int64_t width, std::int64_t embedding) {
    torch::nn::Sequential layers;
    std::int64_t in = channels;
    std::int64_t out = std::clamp<std::int64_t>(channels, 32, kMaxConvChannels);
    while (height > kSmallestMap || width > kSmallestMap) {
        layers->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 4).stride(2).padding(1)));
        layers->push_back(ActNorm(out));
        layers->push_back(embedder_activation());
        height = (height + 2 - 4) / 2 + 1;
        width = (width + 2 - 4) / 2 + 1;
        in = out;
        out = std::min(out * 2, kMaxConvChannels);
    }
    layers->push_back(torch::nn::Flatten());
    layers->push_back(torch::nn::Linear(in * height * width, embedding));
    return layers;
}

std::string shape_text(torch::IntArrayRef sizes) {
    std::string text = "[";
    for (std::size_t i = 0; i < sizes.size(); ++i) text += (i ? ", " : "") + std::to_string(sizes[i]);
    return text + "]";
}

}  // namespace

ConditionEmbedderImpl::ConditionEmbedderImpl(std::vector<std::int64_t> condition_shape, std::int64_t embedding_dim)
    : m_shape(std::move(condition_shape)) {
    if (m_shape.size() == 1) {
        m_layers = register_module("layers", flat_embedder(m_shape[0], embedding_dim));
    } else if (m_shape.size() == 3) {
        m_layers = register_module("layers", spatial_embedder(m_shape[0], m_shape[1], m_shape[2], embedding_dim));
    } else {
        throw UserError("a condition must be flat [features] or spatial [channels, height, width]; got " + shape_text(m_shape) +
                        ".");
    }
}

torch::Tensor ConditionEmbedderImpl::forward(const torch::Tensor& z) {
    const auto sizes = z.sizes();
    const bool matches = sizes.size() == m_shape.size() + 1 && std::equal(m_shape.begin(), m_shape.end(), sizes.begin() + 1);
    if (!matches) {
        throw UserError("the condition z has shape " + shape_text(sizes) + "; this network expects [N, " +
                        shape_text(m_shape).substr(1) + ". Was t trained for another layer?");
    }
    return m_layers->forward(z);
}

}  // namespace inv
