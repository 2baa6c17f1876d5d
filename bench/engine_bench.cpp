// Responsiveness of the GUI's worker: time from posting a command to the snapshot that
// shows its result, for the semantic sliders (one 32x32 edit) and an 8x8 z-by-v grid, with the
// engine's loaded networks; and, as the baseline in the same run, the same work through the
// command-line path that loads every network from disk per request.
#include "core/analysis/invariance_samples.h"
#include "core/analysis/semantic_edit.h"
#include "core/data/data_paths.h"
#include "core/data/dataset_catalog.h"
#include "core/engine/engine.h"
#include "core/runtime/compute_device.h"
#include "core/runtime/thread_settings.h"
#include "core/workspace/workspace.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> values, double p) {
    std::sort(values.begin(), values.end());
    const std::size_t index =
        std::min(values.size() - 1, static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5));
    return values[index];
}

// Posts one command and waits for the snapshot version it changes; milliseconds.
double round_trip(inv::Engine& engine, const inv::Command& command,
                  const std::function<std::uint64_t(const inv::EngineSnapshot&)>& version) {
    const std::uint64_t before = version(*engine.snapshot());
    const auto start = Clock::now();
    engine.post(command);
    while (version(*engine.snapshot()) == before) {
        if (engine.idle() && version(*engine.snapshot()) == before) break;  // failed
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void report(const char* what, const std::vector<double>& ms) {
    std::printf("%-44s p50 %8.1f ms   p95 %8.1f ms   (%zu runs)\n", what, percentile(ms, 0.5), percentile(ms, 0.95), ms.size());
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Engine round trips for the GUI"};
    std::filesystem::path workspace_folder;
    std::string layer = "fire7";
    int runs = 40;
    app.add_option("--workspace", workspace_folder, "A trained workspace (the full demo for the recorded numbers)")->required();
    app.add_option("--layer", layer, "Layer of the grid")->capture_default_str();
    app.add_option("--runs", runs, "Requests per measurement")->capture_default_str();
    std::string device = "cpu";
    app.add_option("--device", device, "cpu or cuda: where the engine's networks run")
        ->check(CLI::IsMember({"cpu", "cuda"}))
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    // The GUI's profile: one core stays with the window.
    inv::apply_thread_profile(inv::ThreadProfile::Interactive);
    const inv::ComputeDevice compute_device = inv::parse_compute_device(device);
    inv::Engine engine(inv::EngineConfig{inv::default_data_root(), {}, compute_device});
    auto edit_version = [](const inv::EngineSnapshot& s) { return s.edit.version; };
    auto grid_version = [](const inv::EngineSnapshot& s) { return s.invariances.version; };

    inv::EditFactors edit;
    edit.workspace = workspace_folder;
    edit.index = 3;
    edit.donor = 8;
    round_trip(engine, edit, edit_version);  // loads the networks once
    std::vector<double> slider;
    for (int i = 0; i < runs; ++i) {
        edit.amounts = {0.0, 0.0, 0.0, static_cast<double>(i % 10) / 9.0};
        slider.push_back(round_trip(engine, edit, edit_version));
    }
    inv::ShowInvariances grid;
    grid.workspace = workspace_folder;
    grid.layer = layer;
    grid.inputs = 8;
    grid.samples = 8;
    std::vector<double> grids;
    for (int i = 0; i < runs; ++i) {
        grid.seed = static_cast<std::uint64_t>(i);
        grids.push_back(round_trip(engine, grid, grid_version));
    }
    if (engine.snapshot()->error_count > 0) {
        std::fprintf(stderr, "the engine failed: %s\n", engine.snapshot()->last_error.c_str());
        return 1;
    }

    // Baseline: the uncached path, every request loading its networks from disk.
    const inv::Workspace workspace = inv::Workspace::open(workspace_folder);
    const auto source = inv::load_source_images(inv::DatasetKind::ColorMnist, inv::default_data_root());
    const auto test = inv::make_color_dataset(source, inv::Split::Test, workspace.manifest().dataset.colour_seed);
    std::vector<double> uncached;
    for (int i = 0; i < std::max(5, runs / 4); ++i) {
        inv::InvarianceSampleRequest request{layer, 8, 8, static_cast<std::uint64_t>(i), 1.0f, 1, {}, {}};
        const auto start = Clock::now();
        inv::sample_invariances(workspace, *test, request, compute_device);
        uncached.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }

    std::printf("device: %s\n", inv::describe_device(compute_device).c_str());
    report("semantic slider -> edited image (32x32)", slider);
    report(("8x8 z-by-v grid at " + layer + ", engine").c_str(), grids);
    report(("8x8 z-by-v grid at " + layer + ", reloading models").c_str(), uncached);
    std::printf("ratio reloading / engine (p50): %.2fx\n", percentile(uncached, 0.5) / percentile(grids, 0.5));
    return 0;
}
