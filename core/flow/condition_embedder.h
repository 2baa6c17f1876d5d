#pragma once

// Torch-including: core, tests and benchmarks only.
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace inv {

// Maps the layer representation z to the embedding h that every coupling of t sees. Flat z:
// dense layers with ActNorm + LeakyReLU(0.2), halving down to the embedding size. Spatial z:
// stride-2 4x4 convolutions with ActNorm + LeakyReLU(0.2) down to a map of at most 4x4, then one
// dense layer to the embedding.
class ConditionEmbedderImpl : public torch::nn::Module {
public:
    ConditionEmbedderImpl(std::vector<std::int64_t> condition_shape, std::int64_t embedding_dim);

    // z: [N, ...condition_shape]; returns [N, embedding_dim].
    torch::Tensor forward(const torch::Tensor& z);

private:
    std::vector<std::int64_t> m_shape;
    torch::nn::Sequential m_layers{nullptr};
};
TORCH_MODULE(ConditionEmbedder);

}  // namespace inv
