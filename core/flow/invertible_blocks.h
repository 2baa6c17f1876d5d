#pragma once

// Torch-including: core, tests and benchmarks only.
#include <torch/torch.h>

#include <cstdint>

namespace inv {

// A flow's output with log|det J| per sample (shape [N]).
struct FlowOutput {
    torch::Tensor value;
    torch::Tensor logdet;
};

// y = s·(x + b) per channel (dimension 1), for [N, C] and [N, C, H, W]. The first forward pass in
// training mode initialises b = −mean and s = 1/(std + 1e-6) from the batch; a stored flag makes
// sure a loaded model is never initialised again.
class ActNormImpl : public torch::nn::Module {
public:
    explicit ActNormImpl(std::int64_t channels);

    // Plain layer use (inside embedders): the transformed tensor only.
    torch::Tensor forward(const torch::Tensor& x);
    FlowOutput forward_with_logdet(const torch::Tensor& x);
    torch::Tensor inverse(const torch::Tensor& y) const;
    bool initialized() const;

    // A dtype change converts the parameters only: the "initialised" flag stays an integer.
    using torch::nn::Module::to;
    void to(torch::Dtype dtype, bool non_blocking = false) override;
    void to(torch::Device device, torch::Dtype dtype, bool non_blocking = false) override;

private:
    void initialize_from(const torch::Tensor& x);
    torch::Tensor broadcastable(const torch::Tensor& per_channel, std::int64_t rank) const;

    torch::Tensor m_loc;
    torch::Tensor m_scale;
    torch::Tensor m_initialized;  // uint8 buffer, saved with the model
};
TORCH_MODULE(ActNorm);

// The "double" affine coupling on vectors: with x = (a, b),
//   b' = b·exp(s₀(a, h)) + t₀(a, h),  a' = a·exp(s₁(b', h)) + t₁(b', h),
// where s ends in tanh and s, t are MLPs (LeakyReLU 0.01). h is an optional condition.
class DoubleCouplingImpl : public torch::nn::Module {
public:
    DoubleCouplingImpl(std::int64_t dim, std::int64_t condition_dim, int hidden_width, int hidden_depth);

    FlowOutput forward(const torch::Tensor& x, const torch::Tensor& condition = {});
    torch::Tensor inverse(const torch::Tensor& y, const torch::Tensor& condition = {});

private:
    torch::Tensor with_condition(const torch::Tensor& part, const torch::Tensor& condition) const;

    std::int64_t m_first;   // size of a
    std::int64_t m_second;  // size of b
    std::int64_t m_condition_dim;
    torch::nn::Sequential m_scale0{nullptr}, m_shift0{nullptr}, m_scale1{nullptr}, m_shift1{nullptr};
};
TORCH_MODULE(DoubleCoupling);

// A fixed random permutation of the features, stored with the model.
class ShuffleImpl : public torch::nn::Module {
public:
    ShuffleImpl(std::int64_t dim, std::uint64_t seed);

    torch::Tensor forward(const torch::Tensor& x) const;
    torch::Tensor inverse(const torch::Tensor& y) const;

    // The permutation stays an index tensor whatever dtype the network is converted to.
    using torch::nn::Module::to;
    void to(torch::Dtype, bool) override {}
    void to(torch::Device device, torch::Dtype, bool non_blocking = false) override {
        torch::nn::Module::to(device, non_blocking);
    }

private:
    torch::Tensor m_forward;
    torch::Tensor m_backward;
};
TORCH_MODULE(Shuffle);

// One flow block: ActNorm -> coupling -> shuffle; the inverse runs the reverse order.
class FlowBlockImpl : public torch::nn::Module {
public:
    FlowBlockImpl(std::int64_t dim, std::int64_t condition_dim, int hidden_width, int hidden_depth,
                  std::uint64_t permutation_seed);

    FlowOutput forward(const torch::Tensor& x, const torch::Tensor& condition = {});
    torch::Tensor inverse(const torch::Tensor& y, const torch::Tensor& condition = {});

private:
    ActNorm m_norm{nullptr};
    DoubleCoupling m_coupling{nullptr};
    Shuffle m_shuffle{nullptr};
};
TORCH_MODULE(FlowBlock);

// Linear -> LeakyReLU(0.01), `depth` hidden layers of `width`, then a zero-initialised Linear to `out`.
torch::nn::Sequential make_mlp(std::int64_t in, std::int64_t out, int width, int depth);

}  // namespace inv
