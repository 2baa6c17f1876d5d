#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/models/autoencoder_config.h"

#include <torch/torch.h>

namespace inv {

struct Posterior {
    torch::Tensor mean;     // [N, code_dim]
    torch::Tensor log_var;  // [N, code_dim], clamped to [-30, 10]

    torch::Tensor sample() const;  // mean + exp(log_var / 2) * eps
    torch::Tensor kl() const;      // KL(q || N(0, I)) per sample, [N]
};

// Encoder: four stride-2 4x4 convolutions with ActNorm + LeakyReLU(0.2), then a convolution to
// the posterior's mean and log-variance. Decoder: the mirror image, doubling the resolution with
// sub-pixel or transposed convolutions (AutoencoderConfig::upsampling), ending in tanh (images live
// in [-1, 1]).
class AutoencoderImpl : public torch::nn::Module {
public:
    explicit AutoencoderImpl(AutoencoderConfig config);

    Posterior encode(const torch::Tensor& images);
    torch::Tensor decode(const torch::Tensor& codes);
    const AutoencoderConfig& config() const { return m_config; }
    // The weight of the decoder's last convolution, the one that writes the image: the adversarial
    // term's weight is set from gradient norms there.
    torch::Tensor output_layer_weight() const;

private:
    AutoencoderConfig m_config;
    torch::nn::Sequential m_encoder{nullptr};
    torch::nn::Sequential m_decoder{nullptr};
};
TORCH_MODULE(Autoencoder);

// The decoder half on its own: [N, code_dim] codes to [N, C, H, W] images in [-1, 1]. The
// inversion baseline builds its decoder with it, so both decode through the same architecture.
torch::nn::Sequential build_decoder(const AutoencoderConfig& config);

}  // namespace inv
