#pragma once

// Torch-including: core, tests and benchmarks only.
#include <torch/torch.h>

namespace inv {

// Σ_d Cov(a_d, b_d) / Σ_d Var(x_d) for two [N, D] samples of the same quantity, with means and
// variances pooled over both samples (docs/method.md §6).
double explained_fraction(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace inv
