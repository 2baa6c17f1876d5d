#include "core/flow/fused_adam.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

#include <functional>

using namespace inv;

namespace {

// A small regression problem whose gradients change from step to step.
torch::Tensor loss_of(const torch::Tensor& weight, const torch::Tensor& bias, int step) {
    torch::manual_seed(static_cast<std::uint64_t>(100 + step));
    const torch::Tensor x = torch::randn({32, 5});
    const torch::Tensor target = torch::randn({32, 3});
    return (torch::matmul(x, weight) + bias - target).pow(2).mean();
}

// Two leaf copies of `start`: one for torch Adam, one for FusedAdam.
struct Twins {
    torch::Tensor reference;
    torch::Tensor ours;
};
Twins twins(const torch::Tensor& start) {
    return {start.clone().set_requires_grad(true), start.clone().set_requires_grad(true)};
}

// Steps both optimisers on the same losses; `loss(reference, step)` builds the loss of one side.
void step_both(torch::optim::Adam& reference, FusedAdam& ours, int steps, const std::function<torch::Tensor(bool, int)>& loss) {
    for (int step = 0; step < steps; ++step) {
        reference.zero_grad();
        loss(true, step).backward();
        reference.step();
        ours.zero_grad();
        loss(false, step).backward();
        ours.step();
    }
}

}  // namespace

TEST_CASE("the fused Adam step matches torch Adam over many steps") {
    torch::manual_seed(1);
    const torch::Tensor w0 = torch::randn({5, 3});
    const Twins w = twins(w0);
    const Twins b = twins(torch::randn({3}));
    torch::optim::Adam reference({w.reference, b.reference}, torch::optim::AdamOptions(0.05).betas({0.5, 0.9}));
    FusedAdam fused({w.ours, b.ours}, {0.05, 0.5, 0.9, 1e-8});
    step_both(reference, fused, 50,
              [&](bool ref, int step) { return ref ? loss_of(w.reference, b.reference, step) : loss_of(w.ours, b.ours, step); });
    CHECK((w.ours - w.reference).abs().max().item<double>() < 1e-5);
    CHECK((b.ours - b.reference).abs().max().item<double>() < 1e-5);
    CHECK((w.ours - w0).abs().max().item<double>() > 0.1);
    CHECK(fused.steps_taken() == 50);
}

TEST_CASE("parameters outside the fused CPU pass take the multi-tensor update and match torch Adam") {
    // Double precision is outside the fused pass on any device, so this runs the path CUDA takes.
    torch::manual_seed(3);
    const auto as_double = torch::TensorOptions().dtype(torch::kDouble);
    const torch::Tensor w0 = torch::randn({5, 3}, as_double);
    const torch::Tensor unused0 = torch::randn({4}, as_double);
    const Twins w = twins(w0);
    const Twins b = twins(torch::randn({3}, as_double));
    const Twins unused = twins(unused0);
    torch::optim::Adam reference({w.reference, b.reference, unused.reference}, torch::optim::AdamOptions(0.05).betas({0.5, 0.9}));
    FusedAdam grouped({w.ours, b.ours, unused.ours}, {0.05, 0.5, 0.9, 1e-8});
    const auto in_float = [](const torch::Tensor& t) { return t.to(torch::kFloat); };
    step_both(reference, grouped, 30, [&](bool ref, int step) {
        return ref ? loss_of(in_float(w.reference), in_float(b.reference), step)
                   : loss_of(in_float(w.ours), in_float(b.ours), step);
    });
    CHECK((w.ours - w.reference).abs().max().item<double>() < 1e-9);
    CHECK((b.ours - b.reference).abs().max().item<double>() < 1e-9);
    CHECK((w.ours - w0).abs().max().item<double>() > 0.1);
    // A parameter that never had a gradient is left alone, as torch Adam leaves it.
    CHECK(torch::equal(unused.ours, unused0));
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
