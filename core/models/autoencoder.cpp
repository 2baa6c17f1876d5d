#include "core/models/autoencoder.h"

#include "core/runtime/data_parallel.h"

#include "core/workspace/config_values.h"

#include "core/flow/invertible_blocks.h"
#include "core/runtime/errors.h"

#include <cmath>

namespace inv {
namespace {

constexpr int kStages = 4;
constexpr double kSlope = 0.2;

std::int64_t channels(double width, int stage) {
    return std::max<std::int64_t>(8, std::lround(width * (64 << stage)));
}

torch::nn::LeakyReLU activation() {
    return torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(kSlope));
}

}  // namespace

torch::Tensor Posterior::sample() const {
    // The noise of a data-parallel step is the whole batch's, so the result does not depend on the
    // number of ranks.
    return mean + torch::exp(0.5 * log_var) * shared_randn_like(mean);
}

torch::Tensor Posterior::kl() const {
    return 0.5 * (mean.pow(2) + torch::exp(log_var) - 1.0 - log_var).sum(1);
}

nlohmann::json to_json(const AutoencoderConfig& c) {
    nlohmann::json j{{"type", "autoencoder"},
                     {"code_dim", c.code_dim},
                     {"image_channels", c.image_channels},
                     {"image_size", c.image_size},
                     {"width", c.width}};
    // Absent means "transposed": the files written before the option stay valid and resumable.
    if (c.upsampling != "transposed") j["upsampling"] = c.upsampling;
    return j;
}

AutoencoderConfig autoencoder_config_from_json(const nlohmann::json& j) {
    AutoencoderConfig c;
    c.code_dim = config_whole(j, "code_dim", 1, 65536, "autoencoder");
    c.image_channels = config_whole(j, "image_channels", 1, 4, "autoencoder");
    c.image_size = config_whole(j, "image_size", 8, 512, "autoencoder");
    c.width = config_number(j, "width", 0.05, 4.0, "autoencoder");
    c.upsampling = j.value("upsampling", std::string("transposed"));
    if (c.upsampling != "subpixel" && c.upsampling != "transposed") {
        throw UserError("unknown autoencoder upsampling \"" + c.upsampling + "\"; expected subpixel or transposed.");
    }
    return c;
}

torch::nn::Sequential build_decoder(const AutoencoderConfig& config) {
    const int side = config.image_size >> kStages;
    std::int64_t in = channels(config.width, kStages - 1);
    torch::nn::Sequential decoder;
    decoder->push_back(torch::nn::Unflatten(torch::nn::UnflattenOptions(1, {config.code_dim, 1, 1})));
    decoder->push_back(torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(config.code_dim, in, side)));
    decoder->push_back(ActNorm(in));
    decoder->push_back(activation());
    for (int stage = kStages - 1; stage >= 0; --stage) {
        const std::int64_t out = stage == 0 ? config.image_channels : channels(config.width, stage - 1);
        if (config.upsampling == "transposed") {
            decoder->push_back(torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1)));
        } else {
            decoder->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, 4 * out, 3).padding(1)));
            decoder->push_back(torch::nn::PixelShuffle(2));
        }
        if (stage > 0) {
            decoder->push_back(ActNorm(out));
            decoder->push_back(activation());
        }
        in = out;
    }
    decoder->push_back(torch::nn::Tanh());
    return decoder;
}

AutoencoderImpl::AutoencoderImpl(AutoencoderConfig config) : m_config(config) {
    const int side = m_config.image_size >> kStages;
    if (m_config.image_size % (1 << kStages) != 0 || side < 1 || m_config.code_dim < 1) {
        throw UserError("the autoencoder needs an image size divisible by 16 and a positive code size; got " +
                        to_json(m_config).dump() + ".");
    }
    torch::nn::Sequential encoder;
    std::int64_t in = m_config.image_channels;
    for (int stage = 0; stage < kStages; ++stage) {
        const std::int64_t out = channels(m_config.width, stage);
        encoder->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 4).stride(2).padding(1)));
        encoder->push_back(ActNorm(out));
        encoder->push_back(activation());
        in = out;
    }
    // The last map (side x side) folds into one vector: the posterior's mean and log-variance.
    encoder->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, 2 * m_config.code_dim, side)));
    encoder->push_back(torch::nn::Flatten());
    m_encoder = register_module("encoder", encoder);

    m_decoder = register_module("decoder", build_decoder(m_config));
}

Posterior AutoencoderImpl::encode(const torch::Tensor& images) {
    const torch::Tensor statistics = m_encoder->forward(images);
    const auto halves = statistics.chunk(2, 1);
    return {halves[0], halves[1].clamp(-30.0, 10.0)};
}

torch::Tensor AutoencoderImpl::decode(const torch::Tensor& codes) {
    return m_decoder->forward(codes);
}

torch::Tensor AutoencoderImpl::output_layer_weight() const {
    // Parameters come in the order the layers were added; the last 4-d one is the last convolution's.
    const std::vector<torch::Tensor> parameters = m_decoder->parameters();
    for (auto p = parameters.rbegin(); p != parameters.rend(); ++p) {
        if (p->dim() == 4) return *p;
    }
    throw std::logic_error("the decoder has no convolution");
}

}  // namespace inv
