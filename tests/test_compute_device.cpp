// The CPU/CUDA choice. Test cases in the "cuda" suite check that the networks train and analyse on
// a GPU and agree with the CPU; where this LibTorch or machine has no CUDA, doctest reports them as
// skipped (scripts/device_check.sh runs them on a GPU machine: docs/benchmarks.md).
#include "core/analysis/analysis_models.h"
#include "core/analysis/explained_variance.h"
#include "core/analysis/invariance_samples.h"
#include "core/analysis/layer_attack.h"
#include "core/analysis/semantic_edit.h"
#include "core/engine/engine.h"
#include "core/runtime/compute_device.h"
#include "core/runtime/errors.h"
#include "core/workspace/workspace_models.h"
#include "tests/tiny_demo.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>

using namespace inv;

namespace {

// Evaluated once, when the test cases register: skipped cases never start, so they can neither
// pass nor fail where there is no GPU.
const bool kNoCuda = !cuda_available();

double mean_abs_byte_difference(const RgbaImage& a, const RgbaImage& b) {
    REQUIRE(a.pixels.size() == b.pixels.size());
    double total = 0.0;
    for (std::size_t i = 0; i < a.pixels.size(); ++i) total += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
    return total / static_cast<double>(a.pixels.size());
}

}  // namespace

TEST_CASE("device names parse and an unknown one lists the valid names") {
    CHECK(parse_compute_device("cpu") == ComputeDevice::Cpu);
    CHECK(parse_compute_device("auto") == (cuda_available() ? ComputeDevice::Cuda : ComputeDevice::Cpu));
    CHECK(device_name(ComputeDevice::Cuda) == "cuda");
    CHECK_THROWS_WITH_AS(parse_compute_device("gpu0"), doctest::Contains("cpu, cuda or auto"), UserError);
}

TEST_CASE("asking for CUDA where there is none names the problem and the way out") {
    if (cuda_available()) {
        CHECK(parse_compute_device("cuda") == ComputeDevice::Cuda);
        return;
    }
    CHECK_THROWS_WITH_AS(parse_compute_device("cuda"), doctest::Contains("--device cpu"), UserError);

    Engine engine(EngineConfig{test::data_root(), {}});
    engine.post(SetDevice{"cuda"});
    engine.wait_until_idle();
    const auto snapshot = engine.snapshot();
    CHECK(snapshot->error_count == 1);
    CHECK(snapshot->last_error.find("no CUDA GPU") != std::string::npos);
    CHECK(snapshot->device == "cpu");
    CHECK_FALSE(snapshot->cuda_available);
}

TEST_CASE("a tiny demo workspace trained on CUDA loads on the CPU and measures sensibly" * doctest::test_suite("cuda") *
          doctest::skip(kNoCuda)) {
    test::TempDir dir;
    TrainingControl control;
    control.device = ComputeDevice::Cuda;
    const DemoResult result = prepare_demo(dir / "cuda", test::data_root(), demo_plan(DemoBudget::Tiny), control, {});
    REQUIRE(result.completed);
    const Workspace workspace = Workspace::open(dir / "cuda");
    const double accuracy = workspace.manifest().models.at("classifier").checkpoints.back().metrics.at("test_accuracy");
    CHECK(accuracy > 0.3);  // the CPU's tiny run reaches about the same; chance is 0.1
    const LoadedClassifier on_cpu = load_classifier(workspace);
    CHECK(on_cpu.model->parameters().front().device().is_cpu());
    const LoadedClassifier on_gpu = load_classifier(workspace, std::nullopt, torch::kCUDA);
    CHECK(on_gpu.model->parameters().front().device().is_cuda());
}

TEST_CASE("analyses on CUDA agree with the CPU on the same seeds" * doctest::test_suite("cuda") * doctest::skip(kNoCuda)) {
    const test::TinyDemo& demo = test::tiny_demo();
    const Workspace workspace = demo.workspace();
    AnalysisModels cpu(workspace, std::nullopt, ComputeDevice::Cpu);
    AnalysisModels gpu(workspace, std::nullopt, ComputeDevice::Cuda);
    CHECK(gpu.device().is_cuda());

    InvarianceSampleRequest sample;
    sample.layer = cpu.layers_with_t().back();
    sample.inputs = 6;
    sample.samples = 6;
    sample.seed = 11;
    const InvarianceSamples a = sample_invariances(cpu, *demo.test_set, sample);
    const InvarianceSamples b = sample_invariances(gpu, *demo.test_set, sample);
    CHECK(a.input_indices == b.input_indices);
    CHECK(a.input_predictions == b.input_predictions);
    CHECK(mean_abs_byte_difference(a.figure, b.figure) < 3.0);

    const FactorBlend edit_cpu = blend_factors(cpu, *demo.test_set, {3, 8, {0.0, 0.0, 0.0, 1.0}, {}});
    const FactorBlend edit_gpu = blend_factors(gpu, *demo.test_set, {3, 8, {0.0, 0.0, 0.0, 1.0}, {}});
    CHECK(mean_abs_byte_difference(edit_cpu.edited, edit_gpu.edited) < 3.0);

    LayerAttackRequest attack;
    attack.epsilon = 0.05;
    attack.index = 2;
    attack.explained_inputs = 50;
    attack.repeats = 1;
    const LayerAttack attack_gpu = attack_layers(gpu, *demo.test_set, attack);
    REQUIRE(attack_gpu.rows.size() == 3);
    CHECK(attack_gpu.rows[2].linf <= 0.05 + 1e-6);
    CHECK(attack_gpu.rows[0].prediction == attack_layers(cpu, *demo.test_set, attack).rows[0].prediction);

    ExplainedVarianceRequest explained;
    explained.inputs = 50;
    explained.repeats = 1;
    const ExplainedVarianceReport shares_cpu = explained_variance(workspace, *demo.test_set, explained, ComputeDevice::Cpu);
    const ExplainedVarianceReport shares_gpu = explained_variance(workspace, *demo.test_set, explained, ComputeDevice::Cuda);
    REQUIRE(shares_cpu.layers.size() == shares_gpu.layers.size());
    for (std::size_t l = 0; l < shares_cpu.layers.size(); ++l) {
        for (std::size_t f = 0; f < shares_cpu.layers[l].factors.size(); ++f) {
            CHECK(std::abs(shares_gpu.layers[l].factors[f].mean - shares_cpu.layers[l].factors[f].mean) < 0.05);
        }
    }
}

TEST_CASE("the engine moves its networks to CUDA and back on request" * doctest::test_suite("cuda") * doctest::skip(kNoCuda)) {
    const test::TinyDemo& demo = test::tiny_demo();
    Engine engine(EngineConfig{test::data_root(), {}});
    ShowInvariances show;
    show.workspace = demo.folder();
    show.layer = "logits";
    engine.post(SetDevice{"cuda"});
    engine.post(show);
    engine.wait_until_idle();
    auto snapshot = engine.snapshot();
    REQUIRE_MESSAGE(snapshot->invariances != nullptr, snapshot->last_error);
    CHECK(snapshot->device == "cuda");
    CHECK(snapshot->cuda_available);
    const RgbaImage on_gpu = snapshot->invariances->figure;

    engine.post(SetDevice{"cpu"});
    engine.post(show);
    engine.wait_until_idle();
    snapshot = engine.snapshot();
    CHECK(snapshot->device == "cpu");
    CHECK(snapshot->error_count == 0);
    CHECK(mean_abs_byte_difference(snapshot->invariances->figure, on_gpu) < 3.0);
}
