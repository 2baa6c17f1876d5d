#include "core/flow/flow_losses.h"
#include "core/flow/fused_adam.h"
#include "tests/flow_test_support.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

// A synthetic problem with a known answer: the code is (a z-part determined by z up to small
// noise, an independent part). t must put exactly the independent part and the noise into v.
struct Synthetic {
    torch::Tensor mixing;  // z -> z-part
    static constexpr double kNoise = 0.1;

    explicit Synthetic(std::int64_t z_dim) : mixing(torch::randn({z_dim, 4}) / std::sqrt(static_cast<double>(z_dim))) {}

    std::pair<torch::Tensor, torch::Tensor> batch(std::int64_t n) const {
        const torch::Tensor z = torch::randn({n, mixing.size(0)});
        const torch::Tensor z_part = torch::matmul(z, mixing) + kNoise * torch::randn({n, 4});
        const torch::Tensor free_part = torch::randn({n, 4}) * 1.5 - 0.5;
        return {torch::cat({z_part, free_part}, 1), z};
    }
};

constexpr int kSteps = 800;
constexpr double kLearningRate = 2e-3;

}  // namespace

TEST_CASE("a small t learns v ~ N(0 I) independent of z and reproduces the z-part when inverted") {
    torch::manual_seed(7);
    const Synthetic problem(5);
    ConditionalFlow t(test::small_t({5}, 8, 6, 64, 2, 16));
    FusedAdam optimizer(t->parameters(), {kLearningRate, 0.5, 0.9, 1e-8});
    t->train();
    for (int step = 0; step < kSteps; ++step) {
        const auto [code, z] = problem.batch(256);
        const torch::Tensor loss = flow_nll(t->forward(code, z));
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        // A linear decay to zero lets the last steps settle instead of jittering around the optimum.
        optimizer.set_lr(kLearningRate * (1.0 - (step + 1.0) / kSteps));
    }

    t->eval();
    torch::NoGradGuard no_grad;
    const auto [code, z] = problem.batch(4000);
    const torch::Tensor v = t->forward(code, z).value;
    CHECK(v.mean(0).abs().max().item<double>() < 0.15);
    CHECK((v.var(0) - 1).abs().max().item<double>() < 0.25);

    // No linear information about z left in v.
    const torch::Tensor vc = (v - v.mean(0)) / v.std(0);
    const torch::Tensor zc = (z - z.mean(0)) / z.std(0);
    const double max_correlation = (torch::matmul(vc.t(), zc) / v.size(0)).abs().max().item<double>();
    CHECK(max_correlation < 0.1);

    // Fresh v with the same z: the z-part comes back (up to the noise), the free part varies.
    const torch::Tensor resampled = t->inverse(torch::randn_like(v), z);
    const torch::Tensor z_part_error = (resampled.narrow(1, 0, 4) - code.narrow(1, 0, 4)).abs().mean();
    CHECK(z_part_error.item<double>() < 3 * Synthetic::kNoise);
    const torch::Tensor free_change = (resampled.narrow(1, 4, 4) - code.narrow(1, 4, 4)).abs().mean();
    CHECK(free_change.item<double>() > 1.0);
}
