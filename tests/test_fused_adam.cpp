#include "core/flow/fused_adam.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

// A small regression problem whose gradients change from step to step.
torch::Tensor loss_of(const torch::Tensor& weight, const torch::Tensor& bias, int step) {
    torch::manual_seed(static_cast<std::uint64_t>(100 + step));
    const torch::Tensor x = torch::randn({32, 5});
    const torch::Tensor target = torch::randn({32, 3});
    return (torch::matmul(x, weight) + bias - target).pow(2).mean();
}

}  // namespace

TEST_CASE("the fused Adam step matches torch Adam over many steps") {
    torch::manual_seed(1);
    const torch::Tensor w0 = torch::randn({5, 3});
    const torch::Tensor b0 = torch::randn({3});
    torch::Tensor w_ref = w0.clone().set_requires_grad(true);
    torch::Tensor b_ref = b0.clone().set_requires_grad(true);
    torch::Tensor w = w0.clone().set_requires_grad(true);
    torch::Tensor b = b0.clone().set_requires_grad(true);
    torch::optim::Adam reference({w_ref, b_ref}, torch::optim::AdamOptions(0.05).betas({0.5, 0.9}));
    FusedAdam fused({w, b}, {0.05, 0.5, 0.9, 1e-8});
    for (int step = 0; step < 50; ++step) {
        reference.zero_grad();
        loss_of(w_ref, b_ref, step).backward();
        reference.step();
        fused.zero_grad();
        loss_of(w, b, step).backward();
        fused.step();
    }
    CHECK((w - w_ref).abs().max().item<double>() < 1e-5);
    CHECK((b - b_ref).abs().max().item<double>() < 1e-5);
    CHECK((w - w0).abs().max().item<double>() > 0.1);
    CHECK(fused.steps_taken() == 50);
}

TEST_CASE("parameters outside the fused CPU pass take the multi-tensor update and match torch Adam") {
    // Double precision is outside the fused pass on any device, so this runs the path CUDA takes.
    torch::manual_seed(3);
    const auto as_double = torch::TensorOptions().dtype(torch::kDouble);
    const torch::Tensor w0 = torch::randn({5, 3}, as_double);
    const torch::Tensor b0 = torch::randn({3}, as_double);
    const torch::Tensor unused0 = torch::randn({4}, as_double);
    torch::Tensor w_ref = w0.clone().set_requires_grad(true);
    torch::Tensor b_ref = b0.clone().set_requires_grad(true);
    torch::Tensor unused_ref = unused0.clone().set_requires_grad(true);
    torch::Tensor w = w0.clone().set_requires_grad(true);
    torch::Tensor b = b0.clone().set_requires_grad(true);
    torch::Tensor unused = unused0.clone().set_requires_grad(true);
    torch::optim::Adam reference({w_ref, b_ref, unused_ref}, torch::optim::AdamOptions(0.05).betas({0.5, 0.9}));
    FusedAdam grouped({w, b, unused}, {0.05, 0.5, 0.9, 1e-8});
    const auto loss_in_double = [](const torch::Tensor& weight, const torch::Tensor& bias, int step) {
        return loss_of(weight.to(torch::kFloat), bias.to(torch::kFloat), step);
    };
    for (int step = 0; step < 30; ++step) {
        reference.zero_grad();
        loss_in_double(w_ref, b_ref, step).backward();
        reference.step();
        grouped.zero_grad();
        loss_in_double(w, b, step).backward();
        grouped.step();
    }
    CHECK((w - w_ref).abs().max().item<double>() < 1e-9);
    CHECK((b - b_ref).abs().max().item<double>() < 1e-9);
    CHECK((w - w0).abs().max().item<double>() > 0.1);
    // A parameter that never had a gradient is left alone, as torch Adam leaves it.
    CHECK(torch::equal(unused, unused0));
}

TEST_CASE("the fused Adam state saves and restores so training resumes identically") {
    test::TempDir dir;
    torch::manual_seed(2);
    torch::Tensor w = torch::randn({5, 3}).set_requires_grad(true);
    torch::Tensor b = torch::randn({3}).set_requires_grad(true);
    FusedAdam first({w, b}, {0.01, 0.5, 0.9, 1e-8});
    for (int step = 0; step < 5; ++step) {
        first.zero_grad();
        loss_of(w, b, step).backward();
        first.step();
    }
    torch::serialize::OutputArchive out;
    first.save(out);
    out.save_to((dir / "adam.pt").string());

    torch::Tensor w2 = w.detach().clone().set_requires_grad(true);
    torch::Tensor b2 = b.detach().clone().set_requires_grad(true);
    FusedAdam resumed({w2, b2}, {0.01, 0.5, 0.9, 1e-8});
    torch::serialize::InputArchive in;
    in.load_from((dir / "adam.pt").string());
    resumed.load(in);
    CHECK(resumed.steps_taken() == 5);
    for (int step = 5; step < 10; ++step) {
        first.zero_grad();
        loss_of(w, b, step).backward();
        first.step();
        resumed.zero_grad();
        loss_of(w2, b2, step).backward();
        resumed.step();
    }
    CHECK(torch::equal(w, w2));
    CHECK(torch::equal(b, b2));
}
