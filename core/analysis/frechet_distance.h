#pragma once

// Torch-including: core, tests and benchmarks only.
#include <torch/torch.h>

namespace inv {

// Fréchet distance between Gaussians fitted to two feature sets [N, D] and [M, D]:
// ‖μa − μb‖² + tr Σa + tr Σb − 2 tr (Σa^½ Σb Σa^½)^½, in double precision, with the matrix square
// roots taken through symmetric eigendecompositions (negative round-off eigenvalues clamped to 0).
double frechet_distance(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace inv
