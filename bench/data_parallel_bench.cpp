// What data-parallel training costs on this machine, without the checkpoint evaluations that an
// end-to-end run also times: how long one all-reduce of a given size takes among the ranks (Gloo
// over loopback here), and the classifier's training step on each rank's share of the batch in
// three stages: alone, with batch statistics summed over the ranks, and with c10d's gradient
// averaging as well (the trainer's step). Run as one process it times the whole batch instead, the
// baseline; bench/run_data_parallel_bench.sh runs both, one after the other.
#include "core/flow/fused_adam.h"
#include "core/models/classifier.h"
#include "core/runtime/data_parallel.h"
#include "core/runtime/thread_settings.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double milliseconds_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Median wall time of `runs` calls of `work` after `warmup` untimed ones; every rank starts each
// call together, so the slowest rank's time is what all see.
double time_ms(inv::DataParallelGroup* group, int warmup, int runs, const std::function<void()>& work) {
    std::vector<double> times;
    for (int i = 0; i < warmup + runs; ++i) {
        if (group) group->barrier("timing");
        const auto start = Clock::now();
        work();
        if (i >= warmup) times.push_back(milliseconds_since(start));
    }
    return median(times);
}

struct Step {
    bool share_statistics = false;  // batch norm over the whole batch across the ranks
    bool average_gradients = false;
};

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"Data-parallel costs: all-reduce times and the classifier's step on each rank's share"};
    int batch = 64;
    double width = 0.5;
    int steps = 30;
    std::vector<double> sizes_mib{0.001, 1.0, 25.0, 100.0};
    app.add_option("--batch-size", batch, "Global batch (split over the ranks)")->capture_default_str();
    app.add_option("--width", width, "Classifier width multiplier (the trainer's default)")->capture_default_str();
    app.add_option("--steps", steps, "Timed steps per measurement (after 5 untimed)")->capture_default_str();
    app.add_option("--all-reduce-mib", sizes_mib, "All-reduce sizes to time besides the classifier's gradients, MiB")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    const inv::ThreadCounts threads = inv::apply_thread_profile(inv::ThreadProfile::ConvTraining);
    const inv::DistributedLaunch launch = inv::launch_from_environment();
    const std::shared_ptr<inv::DataParallelGroup> group = inv::join_data_parallel(launch);
    const bool speaks = launch.writes_workspace();

    inv::ClassifierConfig config;
    config.width = width;
    torch::manual_seed(0);
    inv::Classifier model(config);
    model->train();
    std::int64_t parameter_count = 0;
    for (const torch::Tensor& p : model->parameters()) parameter_count += p.numel();
    // Each batch-norm layer sums its statistics over the ranks once forward and once backward.
    int batch_norm_layers = 0;
    for (const auto& module : model->modules(false)) {
        if (module->name().find("BatchNorm") != std::string::npos) ++batch_norm_layers;
    }
    const double gradient_mib = static_cast<double>(parameter_count) * 4.0 / (1024.0 * 1024.0);
    if (speaks) {
        std::printf(
            "%d rank(s) x %s; global batch %d (%d per rank); classifier width %.2f: %lld parameters, %.2f MiB of "
            "gradients a step, %d batch-norm layers\n",
            launch.world_size, inv::describe(threads).c_str(), batch, batch / launch.world_size, width,
            static_cast<long long>(parameter_count), gradient_mib, batch_norm_layers);
    }

    if (group) {
        std::vector<double> sizes{gradient_mib};
        sizes.insert(sizes.end(), sizes_mib.begin(), sizes_mib.end());
        for (const double mib : sizes) {
            const auto floats = static_cast<std::int64_t>(mib * 1024.0 * 1024.0 / 4.0);
            torch::Tensor buffer = torch::ones({floats});
            const int runs = mib > 50.0 ? 5 : 25;
            const double ms = time_ms(group.get(), 2, runs, [&] { group->all_reduce_sum(buffer, "timing an all-reduce"); });
            // A ring all-reduce moves 2 (W - 1) / W of the buffer through each rank's link.
            const double moved = 2.0 * (launch.world_size - 1) / launch.world_size * mib * 1024.0 * 1024.0;
            if (speaks) {
                std::printf("all-reduce %9.3f MiB: %9.2f ms (%.2f GB/s through each rank)\n", mib, ms, moved / ms / 1e6);
            }
        }
    }

    inv::FusedAdam optimizer(model->parameters(), {});
    const std::unique_ptr<inv::GradientAveraging> averaging = group ? group->average_gradients(model->parameters()) : nullptr;
    const torch::Tensor images = torch::randn({batch, config.input_channels, config.input_size, config.input_size});
    const torch::Tensor labels = torch::randint(0, config.classes, {batch}, torch::kLong);
    const auto step = [&](const Step& how) {
        std::optional<inv::BatchShareScope> share;
        torch::Tensor x = images;
        torch::Tensor y = labels;
        if (group) {
            share.emplace(inv::share_of_batch(*group, batch));
            x = inv::rows_of_share(images);
            y = inv::rows_of_share(labels);
            // A share-less step sees its rows as a batch of its own: local batch statistics.
            if (!how.share_statistics) share.reset();
        }
        const torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(x), y);
        optimizer.zero_grad();
        if (how.average_gradients) averaging->prepare_for_backward();
        loss.backward();
        optimizer.step();
    };

    const auto report = [&](const char* what, const Step& how) {
        const double ms = time_ms(group.get(), 5, steps, [&] { step(how); });
        if (speaks) std::printf("%-58s %8.2f ms a step, %6.2f steps/s\n", what, ms, 1000.0 / ms);
    };
    if (!group) {
        report("one process, the whole batch", {});
    } else {
        report("each rank its share alone (no collectives)", {false, false});
        report("+ batch statistics over the ranks", {true, false});
        report("+ gradient averaging (the trainer's step)", {true, true});
    }
    return 0;
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "error: %s\n", error.what());
        return 2;
    }
}
