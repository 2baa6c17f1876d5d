#pragma once

// Torch-including: core, tests and benchmarks only.
#include <torch/torch.h>

namespace inv {

// A PatchGAN discriminator (Isola et al.), for the autoencoder's optional adversarial term
// (docs/method.md §3): stride-2 4x4 convolutions halve the image `halvings` times, two stride-1 4x4
// convolutions follow, and every position of the output map is a real/fake logit for the patch it
// sees. Judging patches rather than whole images rewards sharp local detail, such as a thin
// stroke's edge, which a pixel-wise loss blurs.
class PatchDiscriminatorImpl : public torch::nn::Module {
public:
    PatchDiscriminatorImpl(int image_channels, int base_channels, int halvings);

    // [N, C, H, W] images in [-1, 1] -> [N, 1, h, w] logits.
    torch::Tensor forward(const torch::Tensor& images);

private:
    torch::nn::Sequential m_layers{nullptr};
};
TORCH_MODULE(PatchDiscriminator);

// Hinge losses: the discriminator's on real and generated images, and the generator's on its own.
torch::Tensor discriminator_hinge_loss(const torch::Tensor& real_logits, const torch::Tensor& fake_logits);
torch::Tensor generator_hinge_loss(const torch::Tensor& fake_logits);

}  // namespace inv
