#pragma once

// Torch-including: core, tests and benchmarks only.
#include <torch/torch.h>

#include <vector>

namespace inv {

// Adam (Kingma & Ba) with the same update as torch.optim.Adam, but on the CPU each parameter is
// updated in one fused pass over (p, grad, m, v) instead of a chain of whole-tensor operations:
// the flows' optimiser step is memory-bound (t at paper size has ~10⁸ parameters) and the fused pass
// moves about a third of the bytes. Other devices and dtypes take torch's multi-tensor kernels,
// a few launches per step for all parameters together.
class FusedAdam {
public:
    struct Options {
        double lr = 1e-3;
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;
    };

    FusedAdam(std::vector<torch::Tensor> parameters, Options options);

    // Drops the gradients (the next backward writes them fresh instead of accumulating).
    void zero_grad();
    void step();

    double lr() const { return m_options.lr; }
    void set_lr(double lr) { m_options.lr = lr; }
    std::int64_t steps_taken() const { return m_step; }

    // Moment estimates and the step count, for resuming training.
    void save(torch::serialize::OutputArchive& archive) const;
    void load(torch::serialize::InputArchive& archive);

private:
    std::vector<torch::Tensor> m_parameters;
    std::vector<torch::Tensor> m_exp_avg;
    std::vector<torch::Tensor> m_exp_avg_sq;
    Options m_options;
    std::int64_t m_step = 0;
};

}  // namespace inv
