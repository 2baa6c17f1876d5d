// Times t (the conditional flow) in C++: a training step (forward, NLL, backward, Adam) and a
// sampling pass (t⁻¹ on a batch of 64). bench/flow_bench.py times the same network in Python;
// bench/run_flow_bench.py runs both, alternating, and reports the ratio.
#include "core/flow/flow_losses.h"
#include "core/flow/flows.h"
#include "core/flow/fused_adam.h"
#include "core/runtime/thread_settings.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <algorithm>
#include <chrono>
#include <cstdio>

namespace {

struct Size {
    std::string name;
    int dim, blocks, width, depth, batch, condition, embedding;
};

const std::vector<Size> kSizes = {
    {"paper", 128, 20, 1024, 2, 16, 256, 128},
    {"small", 64, 12, 512, 2, 64, 64, 64},
};
constexpr int kSampleBatch = 64;

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

nlohmann::json run(const Size& size, int steps, int repeats, const torch::Device& device) {
    torch::manual_seed(0);
    inv::ConditionalFlowConfig config;
    config.flow = {size.dim, size.blocks, size.width, size.depth, 1};
    config.condition_shape = {size.condition};
    config.embedding_dim = size.embedding;
    inv::ConditionalFlow t(config);
    t->to(device);
    const auto options = torch::TensorOptions().device(device);
    const torch::Tensor code = torch::randn({size.batch, size.dim}, options);
    const torch::Tensor z = torch::randn({size.batch, size.condition}, options);
    inv::FusedAdam optimizer(t->parameters(), {4.5e-6 * size.batch, 0.5, 0.9, 1e-8});
    const auto sync = [&] {
        if (device.is_cuda()) torch::cuda::synchronize();
    };

    const auto train_step = [&] {
        const torch::Tensor loss = inv::flow_nll(t->forward(code, z));
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    };
    t->train();
    for (int i = 0; i < 5; ++i) train_step();
    sync();
    std::vector<double> step_ms;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < steps; ++i) train_step();
        sync();
        step_ms.push_back(1000.0 * seconds_since(start) / steps);
    }

    // The optimiser's share of a step, and what a flat parameter buffer would add to it: every
    // gradient copied into one flat buffer (or accumulated into views of one) before one fused pass.
    std::vector<torch::Tensor> gradients;
    for (const torch::Tensor& p : t->parameters()) gradients.push_back(p.grad().reshape({-1}));
    torch::Tensor flat_gradients = torch::empty({0}, options);
    std::vector<double> optimizer_ms;
    std::vector<double> flat_copy_ms;
    for (int r = 0; r < repeats; ++r) {
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < steps; ++i) optimizer.step();
        sync();
        optimizer_ms.push_back(1000.0 * seconds_since(start) / steps);
        start = std::chrono::steady_clock::now();
        for (int i = 0; i < steps; ++i) torch::cat_out(flat_gradients, at::TensorList(gradients));
        sync();
        flat_copy_ms.push_back(1000.0 * seconds_since(start) / steps);
    }

    t->eval();
    std::vector<double> sample_ms;
    {
        c10::InferenceMode inference;
        const torch::Tensor v = torch::randn({kSampleBatch, size.dim}, options);
        const torch::Tensor zs = torch::randn({kSampleBatch, size.condition}, options);
        for (int i = 0; i < 5; ++i) t->inverse(v, zs);
        sync();
        for (int r = 0; r < repeats; ++r) {
            const auto start = std::chrono::steady_clock::now();
            for (int i = 0; i < steps; ++i) t->inverse(v, zs);
            sync();
            sample_ms.push_back(1000.0 * seconds_since(start) / steps);
        }
    }
    return {{"size", size.name},
            {"train_step_ms", median(step_ms)},
            {"optimizer_step_ms", median(optimizer_ms)},
            {"flat_gradient_copy_ms", median(flat_copy_ms)},
            {"parameter_tensors", t->parameters().size()},
            {"sample_ms", median(sample_ms)},
            {"steps_per_s", 1000.0 / median(step_ms)}};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Benchmark of the conditional flow t in C++ (see bench/run_flow_bench.py)"};
    std::string only;
    int steps = 20;
    int repeats = 3;
    bool cuda = false;
    app.add_option("--size", only, "paper or small (default: both)");
    app.add_option("--steps", steps, "Timed iterations per repeat")->capture_default_str();
    app.add_option("--repeats", repeats, "Repeats; the median is reported")->capture_default_str();
    app.add_flag("--cuda", cuda, "Run on CUDA");
    CLI11_PARSE(app, argc, argv);

    const inv::ThreadCounts threads = inv::apply_thread_profile(inv::ThreadProfile::SmallMlp);
    const torch::Device device = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    nlohmann::json results = nlohmann::json::array();
    for (const Size& size : kSizes) {
        if (!only.empty() && size.name != only) continue;
        results.push_back(run(size, steps, repeats, device));
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const nlohmann::json report{{"language", "c++"},
                                {"device", device.str()},
                                {"threads", inv::describe(threads)},
                                {"peak_rss_mb", usage.ru_maxrss / 1024.0},
                                {"results", results}};
    std::printf("%s\n", report.dump().c_str());
    return 0;
}
