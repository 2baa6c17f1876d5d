#pragma once

#include "core/flow/flows.h"

#include <vector>

namespace inv::test {

// The devices this LibTorch can run on: the CPU, and CUDA where the build and machine have it.
inline std::vector<torch::Device> available_devices() {
    std::vector<torch::Device> devices{torch::kCPU};
    if (torch::cuda::is_available()) devices.emplace_back(torch::kCUDA);
    return devices;
}

inline ConditionalFlowConfig small_t(std::vector<std::int64_t> condition_shape, int dim = 6, int blocks = 3, int width = 16,
                                     int depth = 2, int embedding = 8) {
    ConditionalFlowConfig config;
    config.flow.dim = dim;
    config.flow.blocks = blocks;
    config.flow.hidden_width = width;
    config.flow.hidden_depth = depth;
    config.flow.permutation_seed = 3;
    config.condition_shape = std::move(condition_shape);
    config.embedding_dim = embedding;
    return config;
}

inline FactorFlowConfig small_e(int residual = 2, int digit = 3, int colour = 2) {
    FactorFlowConfig config;
    config.flow.dim = residual + digit + colour;
    config.flow.blocks = 3;
    config.flow.hidden_width = 16;
    config.flow.hidden_depth = 2;
    config.factors = {{"residual", residual}, {"digit", digit}, {"colour", colour}};
    return config;
}

inline std::vector<std::int64_t> batch_shape(std::int64_t n, const std::vector<std::int64_t>& shape) {
    std::vector<std::int64_t> full{n};
    full.insert(full.end(), shape.begin(), shape.end());
    return full;
}

}  // namespace inv::test
