#pragma once

#include <nlohmann/json.hpp>

namespace inv {

// The autoencoder (E, D) that gives every image a complete code z̄ (method.md §3). Channels are
// width x (64, 128, 256, 512) over four stride-2 stages; the paper's network is width 1.
struct AutoencoderConfig {
    int code_dim = 64;
    int image_channels = 3;
    int image_size = 32;
    double width = 0.5;
};

nlohmann::json to_json(const AutoencoderConfig& config);
AutoencoderConfig autoencoder_config_from_json(const nlohmann::json& j);

}  // namespace inv
