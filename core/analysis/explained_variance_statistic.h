#pragma once

// Torch-including: core, tests and benchmarks only.
#include <torch/torch.h>

namespace inv {

// Σ_d Cov(a_d, b_d) / Σ_d Var(x_d) for two [N, D] samples of the same quantity, with means and
// variances pooled over both samples (docs/method.md §6).
double explained_fraction(const torch::Tensor& a, const torch::Tensor& b);

// Each column of an [N, D] sample replaced by its normal scores, Φ⁻¹((rank + ½) / N), times the
// column's robust standard deviation (1.4826 × its median absolute deviation). For a normal column
// this changes almost nothing; a handful of values far out in the tails become ordinary extreme
// ranks instead of dominating the column's variance.
torch::Tensor scaled_normal_scores(const torch::Tensor& samples);

// explained_fraction on the scaled normal scores of a and b, ranked together. The estimate that
// the semantic analysis reports: e is trained to make each factor normal, but maps a few of t's
// samples far out of that range (docs/method.md §6).
double rank_explained_fraction(const torch::Tensor& a, const torch::Tensor& b);

// The share of the rows of a and b (pooled) with some coordinate farther from its column's median
// than `robust_deviations` robust standard deviations: how many samples the moment estimate would
// be at the mercy of.
double far_row_share(const torch::Tensor& a, const torch::Tensor& b, double robust_deviations = 10.0);

}  // namespace inv
