#include "core/analysis/frechet_distance.h"

#include "core/runtime/errors.h"

namespace inv {
namespace {

torch::Tensor covariance(const torch::Tensor& features, const torch::Tensor& mean) {
    const torch::Tensor centred = features - mean;
    return centred.t().mm(centred) / static_cast<double>(features.size(0) - 1);
}

// The ATen names (torch::linalg_eigh), not the torch::linalg namespace: LibTorch 2.x dropped that
// namespace, and these exist in 1.13 and 2.x alike.
torch::Tensor symmetric_sqrt(const torch::Tensor& matrix) {
    const auto [values, vectors] = torch::linalg_eigh(matrix, "L");
    return vectors.mm(torch::diag(values.clamp_min(0).sqrt())).mm(vectors.t());
}

}  // namespace

double frechet_distance(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.dim() != 2 || b.dim() != 2 || a.size(1) != b.size(1) || a.size(0) < 2 || b.size(0) < 2) {
        throw UserError("the Frechet distance needs two feature sets [N, D] with the same D and at least 2 rows each.");
    }
    // On the CPU in double precision, whatever device the features come from: the figure must not
    // depend on which GPU library solved the eigenproblem.
    const torch::Tensor x = a.to(torch::kCPU, torch::kDouble);
    const torch::Tensor y = b.to(torch::kCPU, torch::kDouble);
    const torch::Tensor mean_x = x.mean(0);
    const torch::Tensor mean_y = y.mean(0);
    const torch::Tensor cov_x = covariance(x, mean_x);
    const torch::Tensor cov_y = covariance(y, mean_y);
    const torch::Tensor root_x = symmetric_sqrt(cov_x);
    const torch::Tensor middle = root_x.mm(cov_y).mm(root_x);
    const double cross = torch::linalg_eigvalsh(0.5 * (middle + middle.t()), "L").clamp_min(0).sqrt().sum().item<double>();
    return (mean_x - mean_y).pow(2).sum().item<double>() + cov_x.trace().item<double>() + cov_y.trace().item<double>() -
           2 * cross;
}

}  // namespace inv
