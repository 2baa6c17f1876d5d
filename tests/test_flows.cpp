#include "core/flow/flow_losses.h"
#include "core/runtime/errors.h"
#include "tests/flow_test_support.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

double max_abs_difference(const torch::Tensor& a, const torch::Tensor& b) {
    return (a - b).abs().max().item<double>();
}

// The log|det| of the full Jacobian of x -> f(x) for one sample, by autograd in double precision.
double autograd_logdet(const std::function<torch::Tensor(const torch::Tensor&)>& f, const torch::Tensor& x) {
    torch::Tensor input = x.clone().set_requires_grad(true);
    const torch::Tensor y = f(input).reshape({-1});
    const std::int64_t n = y.size(0);
    torch::Tensor jacobian = torch::zeros({n, n}, torch::kDouble);
    for (std::int64_t i = 0; i < n; ++i) {
        const torch::Tensor row = torch::autograd::grad({y[i]}, {input}, {}, /*retain_graph=*/true)[0];
        jacobian[i] = row.reshape({-1});
    }
    return std::get<1>(torch::linalg_slogdet(jacobian)).item<double>();
}

}  // namespace

TEST_CASE("t inverts its forward pass for flat and spatial conditions over random configurations") {
    const std::vector<std::vector<std::int64_t>> conditions{{5}, {64}, {3, 8, 8}, {6, 5, 5}, {2, 16, 16}};
    for (const torch::Device& device : test::available_devices()) {
        for (int seed = 0; seed < 4; ++seed) {
            torch::manual_seed(static_cast<std::uint64_t>(seed));
            const auto& shape = conditions[static_cast<std::size_t>(seed) % conditions.size()];
            ConditionalFlow t(test::small_t(shape, 4 + 3 * seed, 1 + 2 * seed, 8 << seed, 1 + seed % 2, 4 + 4 * seed));
            t->to(device);
            const auto options = torch::TensorOptions().device(device);
            const torch::Tensor code = torch::randn({32, t->config().flow.dim}, options) * 2 + 0.5;
            const torch::Tensor z = torch::randn(test::batch_shape(32, shape), options);
            t->train();
            t->forward(code, z);  // data-dependent initialisation
            t->eval();
            torch::NoGradGuard no_grad;
            const FlowOutput out = t->forward(code, z);
            const double error = max_abs_difference(t->inverse(out.value, z), code);
            CHECK_MESSAGE(error <= 1e-5, "seed ", seed, " device ", device.str(), " error ", error);
            CHECK(out.logdet.sizes() == torch::IntArrayRef{32});
        }
    }
}

TEST_CASE("e inverts its forward pass and its factors split and join losslessly") {
    for (const torch::Device& device : test::available_devices()) {
        for (int seed = 0; seed < 3; ++seed) {
            torch::manual_seed(static_cast<std::uint64_t>(10 + seed));
            FactorFlowConfig config = test::small_e(1 + seed, 2 + seed, 3);
            config.flow.blocks = 2 + 3 * seed;
            config.flow.permutation_seed = static_cast<std::uint64_t>(seed);
            FactorFlow e(config);
            e->to(device);
            const torch::Tensor code = torch::randn({40, config.flow.dim}, torch::TensorOptions().device(device));
            e->train();
            e->forward(code);
            e->eval();
            torch::NoGradGuard no_grad;
            const FlowOutput out = e->forward(code);
            CHECK(max_abs_difference(e->inverse(out.value), code) <= 1e-5);
            const auto parts = e->split(out.value);
            REQUIRE(parts.size() == 3);
            CHECK(parts[1].size(1) == 2 + seed);
            CHECK(torch::equal(e->join(parts), out.value));
        }
    }
}

TEST_CASE("the log-determinant of t equals that of the autograd Jacobian") {
    torch::manual_seed(1);
    for (const auto& shape : std::vector<std::vector<std::int64_t>>{{3}, {2, 8, 8}}) {
        ConditionalFlow t(test::small_t(shape, 6, 3, 12, 2, 5));
        t->train();
        t->forward(torch::randn({16, 6}), torch::randn(test::batch_shape(16, shape)));
        t->eval();
        t->to(torch::kDouble);
        const torch::Tensor x = torch::randn({1, 6}, torch::kDouble);
        const torch::Tensor z = torch::randn(test::batch_shape(1, shape), torch::kDouble);
        const double reported = t->forward(x, z).logdet.item<double>();
        const double expected = autograd_logdet([&](const torch::Tensor& in) { return t->forward(in, z).value; }, x);
        CHECK(std::abs(reported - expected) <= 1e-4);
    }
}

TEST_CASE("the log-determinant of e and of a spatial ActNorm equal those of the autograd Jacobian") {
    torch::manual_seed(2);
    FactorFlow e(test::small_e(2, 2, 1));
    e->train();
    e->forward(torch::randn({16, 5}) * 3);
    e->eval();
    e->to(torch::kDouble);
    const torch::Tensor x = torch::randn({1, 5}, torch::kDouble);
    const double reported = e->forward(x).logdet.item<double>();
    CHECK(std::abs(reported - autograd_logdet([&](const torch::Tensor& in) { return e->forward(in).value; }, x)) <= 1e-4);

    ActNorm norm(2);
    norm->train();
    norm->forward(torch::randn({8, 2, 2, 2}) * 4 + 1);
    norm->to(torch::kDouble);
    const torch::Tensor image = torch::randn({1, 2, 2, 2}, torch::kDouble);
    const double norm_logdet = norm->forward_with_logdet(image).logdet.item<double>();
    CHECK(std::abs(norm_logdet - autograd_logdet([&](const torch::Tensor& in) { return norm->forward(in); }, image)) <= 1e-4);
}

TEST_CASE("ActNorm normalises its first training batch per channel") {
    torch::manual_seed(3);
    ActNorm flat(4);
    const torch::Tensor x = torch::randn({256, 4}) * torch::tensor({1.0, 5.0, 0.1, 2.0}) + torch::tensor({3.0, -2.0, 0.0, 10.0});
    flat->train();
    CHECK_FALSE(flat->initialized());
    const torch::Tensor y = flat->forward(x);
    CHECK(flat->initialized());
    CHECK(y.mean(0).abs().max().item<double>() < 1e-4);
    CHECK((y.std(0) - 1).abs().max().item<double>() < 1e-3);

    ActNorm spatial(3);
    spatial->train();
    const torch::Tensor maps = torch::randn({16, 3, 5, 5}) * 7 + 2;
    const torch::Tensor out = spatial->forward(maps).transpose(0, 1).reshape({3, -1});
    CHECK(out.mean(1).abs().max().item<double>() < 1e-4);
    CHECK((out.std(1) - 1).abs().max().item<double>() < 1e-3);

    // A later batch with other statistics does not re-initialise.
    const torch::Tensor again = flat->forward(x * 10 + 5);
    CHECK(again.mean(0).abs().max().item<double>() > 1.0);
}

TEST_CASE("a condition of the wrong shape is rejected with the expected shape") {
    ConditionalFlow t(test::small_t({3, 8, 8}));
    CHECK_THROWS_WITH_AS(t->forward(torch::randn({2, 6}), torch::randn({2, 3, 4, 4})), doctest::Contains("[N, 3, 8, 8]"),
                         UserError);
    CHECK_THROWS_WITH_AS(t->forward(torch::randn({2, 5}), torch::randn({2, 3, 8, 8})), doctest::Contains("[N, 6]"), UserError);
}

TEST_CASE("invalid configurations are refused with the reason") {
    FactorFlowConfig wrong_sizes = test::small_e();
    wrong_sizes.factors[1].size += 1;
    CHECK_THROWS_WITH_AS(FactorFlow{wrong_sizes}, doctest::Contains("add up to"), UserError);
    CHECK_THROWS_AS(ConditionalFlow{test::small_t({2, 3})}, UserError);
}

TEST_CASE("the NLL and the pair loss equal hand-computed Gaussian values") {
    const FlowOutput v{torch::tensor({{1.0, 2.0}}), torch::tensor({0.5})};
    CHECK(flow_nll(v).item<double>() == doctest::Approx(0.5 * 5.0 - 0.5));

    // Residual (1 dim) and one factor (1 dim); the pair shares the factor.
    const FlowOutput a{torch::tensor({{0.5, 1.0}}, torch::kDouble), torch::tensor({0.2}, torch::kDouble)};
    const FlowOutput b{torch::tensor({{-0.3, 0.8}}, torch::kDouble), torch::tensor({0.1}, torch::kDouble)};
    const torch::Tensor mask = torch::tensor({{0.0, 1.0}}, torch::kDouble);
    const double rho = 0.975;
    const double nll_a = 0.5 * (0.25 + 1.0) - 0.2;
    const double residual_b = 0.5 * 0.09;
    const double shared_b = 0.5 * (0.8 - rho * 1.0) * (0.8 - rho * 1.0) / (1 - rho * rho);
    const double expected = nll_a + residual_b + shared_b - 0.1;
    CHECK(pair_loss(a, b, mask).item<double>() == doctest::Approx(expected).epsilon(1e-12));

    // Sharing nothing reduces to two independent NLLs.
    const double independent = nll_a + 0.5 * (0.09 + 0.64) - 0.1;
    CHECK(pair_loss(a, b, torch::zeros_like(mask)).item<double>() == doctest::Approx(independent).epsilon(1e-12));
}

TEST_CASE("the factor mask marks the dimensions of each sample's shared factor") {
    FactorFlow e(test::small_e(2, 3, 2));
    const torch::Tensor mask = e->factor_mask(torch::tensor({1, 2}));
    CHECK(torch::equal(mask[0], torch::tensor({0.f, 0.f, 1.f, 1.f, 1.f, 0.f, 0.f})));
    CHECK(torch::equal(mask[1], torch::tensor({0.f, 0.f, 0.f, 0.f, 0.f, 1.f, 1.f})));
}

TEST_CASE("the factor-size estimate follows how much of the code each factor shares") {
    torch::manual_seed(4);
    const std::int64_t pairs = 6000;
    const torch::Tensor za = torch::randn({pairs, 8});
    torch::Tensor zb = torch::randn({pairs, 8});
    const torch::Tensor shared = torch::randint(1, 3, {pairs}, torch::kLong);
    const torch::Tensor first = (shared == 1).unsqueeze(1);
    const torch::Tensor second = (shared == 2).unsqueeze(1);
    zb.narrow(1, 0, 4).copy_(torch::where(first, za.narrow(1, 0, 4), zb.narrow(1, 0, 4)));
    zb.narrow(1, 4, 1).copy_(torch::where(second, za.narrow(1, 4, 1), zb.narrow(1, 4, 1)));

    const FactorDimEstimate estimate = estimate_factor_dims(za, zb, shared, 2, 64);
    REQUIRE(estimate.scores.size() == 3);
    CHECK(estimate.scores[0] == 1.0);
    CHECK(estimate.scores[1] == doctest::Approx(0.5).epsilon(0.1));
    CHECK(estimate.scores[2] == doctest::Approx(0.125).epsilon(0.25));
    CHECK(estimate.sizes[0] + estimate.sizes[1] + estimate.sizes[2] == 64);
    CHECK(estimate.sizes[0] > estimate.sizes[1]);
    CHECK(estimate.sizes[1] > estimate.sizes[2]);
}
