#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/flow/condition_embedder.h"
#include "core/models/autoencoder_config.h"

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

namespace inv {

// The deterministic inversion baseline of docs/method.md §6 (Dosovitskiy & Brox): a decoder trained to
// map z = Φ(x) straight back to x. It embeds z as t does (ConditionEmbedder) into a code the size
// of the autoencoder's and decodes it with the autoencoder's decoder architecture (fresh weights),
// so the comparison with D(t⁻¹(v | z)) differs only in how the invariances are handled.
struct InversionDecoderConfig {
    std::vector<std::int64_t> condition_shape;  // one sample's z
    AutoencoderConfig decoder;                  // code_dim, image size and width of the decoder
};

nlohmann::json to_json(const InversionDecoderConfig& config);
InversionDecoderConfig inversion_decoder_config_from_json(const nlohmann::json& j);

class InversionDecoderImpl : public torch::nn::Module {
public:
    explicit InversionDecoderImpl(InversionDecoderConfig config);
    torch::Tensor forward(const torch::Tensor& z);  // [N, ...condition_shape] -> images in [-1, 1]
    const InversionDecoderConfig& config() const { return m_config; }

private:
    InversionDecoderConfig m_config;
    ConditionEmbedder m_embedder{nullptr};
    torch::nn::Sequential m_decoder{nullptr};
};
TORCH_MODULE(InversionDecoder);

}  // namespace inv
