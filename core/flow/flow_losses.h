#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/flow/invertible_blocks.h"

#include <vector>

namespace inv {

// ρ of the pair loss (docs/method.md §4): how strongly a shared factor correlates within a pair.
constexpr double kPairCorrelation = 0.975;

// NLL of t under N(0, I), up to the constant: mean over the batch of ½‖v‖² − log|det J|.
torch::Tensor flow_nll(const FlowOutput& out);

// The pair loss of e: NLL(eᵃ) + Σ_i ½‖eᵇ_i − m_i ρ eᵃ_i‖² / (1 − m_i ρ²) − log|det J_b|, mean over the
// batch. `shared_mask` is [N, dim], 1 on the dimensions of the factor the pair shares.
torch::Tensor pair_loss(const FlowOutput& a, const FlowOutput& b, const torch::Tensor& shared_mask,
                        double rho = kPairCorrelation);

struct FactorDimEstimate {
    std::vector<double> scores;  // residual (always 1) first, then factors 1..K
    std::vector<int> sizes;      // same order; adds up to the requested total
};

// docs/method.md §4: score_f = Σ_d Cov(zᵃ_d, zᵇ_d) / Σ_d Var(z_d) over the pairs sharing f, the
// residual scores 1, and dims = softmax(scores)·total (largest remainder, each at least 1).
// za, zb: [P, D]; shared_factor: [P] with values in 1..factor_count.
FactorDimEstimate estimate_factor_dims(const torch::Tensor& za, const torch::Tensor& zb, const torch::Tensor& shared_factor,
                                       int factor_count, int total_dims);

}  // namespace inv
