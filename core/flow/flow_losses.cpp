#include "core/flow/flow_losses.h"

#include "core/runtime/errors.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace inv {

torch::Tensor flow_nll(const FlowOutput& out) {
    return (0.5 * out.value.pow(2).sum(1) - out.logdet).mean();
}

torch::Tensor pair_loss(const FlowOutput& a, const FlowOutput& b, const torch::Tensor& shared_mask, double rho) {
    const torch::Tensor nll_a = 0.5 * a.value.pow(2).sum(1) - a.logdet;
    const torch::Tensor residual = b.value - shared_mask * rho * a.value;
    const torch::Tensor conditional_b = (0.5 * residual.pow(2) / (1.0 - shared_mask * rho * rho)).sum(1) - b.logdet;
    return (nll_a + conditional_b).mean();
}

namespace {

std::vector<int> largest_remainder(const std::vector<double>& weights, int total) {
    const std::size_t n = weights.size();
    if (total < static_cast<int>(n)) {
        throw UserError("cannot give " + std::to_string(n) + " factors at least one of " + std::to_string(total) +
                        " dimensions.");
    }
    // Every factor keeps one dimension; the rest is shared out by weight.
    const int free_dims = total - static_cast<int>(n);
    std::vector<int> sizes(n, 1);
    std::vector<double> remainders(n);
    int given = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double exact = weights[i] * free_dims;
        sizes[i] += static_cast<int>(std::floor(exact));
        given += static_cast<int>(std::floor(exact));
        remainders[i] = exact - std::floor(exact);
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return remainders[x] > remainders[y]; });
    for (std::size_t k = 0; given < free_dims; ++k, ++given) ++sizes[order[k % n]];
    return sizes;
}

}  // namespace

FactorDimEstimate estimate_factor_dims(const torch::Tensor& za, const torch::Tensor& zb, const torch::Tensor& shared_factor,
                                       int factor_count, int total_dims) {
    torch::NoGradGuard no_grad;
    const torch::Tensor a = za.to(torch::kDouble).flatten(1);
    const torch::Tensor b = zb.to(torch::kDouble).flatten(1);
    const torch::Tensor all = torch::cat({a, b}, 0);
    const double total_variance = all.var(0, /*unbiased=*/false).sum().item<double>();
    if (!(total_variance > 0)) throw UserError("cannot estimate factor sizes: the codes have no variance.");

    FactorDimEstimate estimate;
    estimate.scores.push_back(1.0);
    const torch::Tensor factors = shared_factor.to(torch::kLong).to(a.device());
    for (int f = 1; f <= factor_count; ++f) {
        const torch::Tensor rows = (factors == f).nonzero().squeeze(1);
        if (rows.numel() < 2) {
            throw UserError("cannot estimate factor sizes: only " + std::to_string(rows.numel()) + " pair(s) share factor " +
                            std::to_string(f) + "; need at least 2.");
        }
        const torch::Tensor pa = a.index_select(0, rows);
        const torch::Tensor pb = b.index_select(0, rows);
        const torch::Tensor covariance = ((pa - pa.mean(0)) * (pb - pb.mean(0))).mean(0).sum();
        estimate.scores.push_back(covariance.item<double>() / total_variance);
    }
    const torch::Tensor weights = torch::softmax(torch::tensor(estimate.scores, torch::kDouble), 0);
    std::vector<double> w(weights.data_ptr<double>(), weights.data_ptr<double>() + weights.numel());
    estimate.sizes = largest_remainder(w, total_dims);
    return estimate;
}

}  // namespace inv
