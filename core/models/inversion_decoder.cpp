#include "core/models/inversion_decoder.h"

#include "core/models/autoencoder.h"

namespace inv {

nlohmann::json to_json(const InversionDecoderConfig& config) {
    return {{"type", "inversion-decoder"}, {"condition_shape", config.condition_shape}, {"decoder", to_json(config.decoder)}};
}

InversionDecoderConfig inversion_decoder_config_from_json(const nlohmann::json& j) {
    return {j.at("condition_shape").get<std::vector<std::int64_t>>(), autoencoder_config_from_json(j.at("decoder"))};
}

InversionDecoderImpl::InversionDecoderImpl(InversionDecoderConfig config) : m_config(std::move(config)) {
    m_embedder = register_module("embedder", ConditionEmbedder(m_config.condition_shape, m_config.decoder.code_dim));
    m_decoder = register_module("decoder", build_decoder(m_config.decoder));
}

torch::Tensor InversionDecoderImpl::forward(const torch::Tensor& z) {
    return m_decoder->forward(m_embedder->forward(z));
}

}  // namespace inv
