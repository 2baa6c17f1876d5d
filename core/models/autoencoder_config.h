#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace inv {

// The autoencoder (E, D) that gives every image a complete code z̄ (docs/method.md §3). Channels are
// width x (64, 128, 256, 512) over four stride-2 stages; the paper's network is width 1.
struct AutoencoderConfig {
    int code_dim = 64;
    int image_channels = 3;
    int image_size = 32;
    double width = 0.5;
    // How the decoder doubles its resolution. "subpixel": a 3x3 convolution to four times the
    // channels, then a pixel shuffle; it can express everything the paper's 4x4 stride-2
    // transposed convolution ("transposed") can and trains about 1.5x faster on CPUs, where
    // transposed convolutions take a slow path. Workspaces made before the option keep "transposed".
    std::string upsampling = "subpixel";
};

nlohmann::json to_json(const AutoencoderConfig& config);
AutoencoderConfig autoencoder_config_from_json(const nlohmann::json& j);

}  // namespace inv
