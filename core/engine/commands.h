#pragma once

#include "core/dataset_catalog.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>

namespace inv {

// Commands the front ends post to the engine, by value: plain data, no tensors, no references to
// UI state. Each is applied on the worker thread, in posting order.
struct ShowSampleGrid {
    DatasetKind dataset = DatasetKind::ColorMnist;
    Split split = Split::Test;
    std::uint64_t colour_seed = 0;  // training split colours (the test split ignores it)
    std::uint64_t sample_seed = 0;  // which samples are shown
    int rows = 4;
    int columns = 8;
};

// The z-by-v grid of one layer of a workspace (see core/analysis/invariance_samples.h).
struct ShowInvariances {
    std::filesystem::path workspace;
    std::string layer;
    int inputs = 4;
    int samples = 8;
    std::uint64_t seed = 0;
    float temperature = 1.0f;
};

// Builds (or finishes) the demo workspace; progress and cancellation as for any command.
struct PrepareDemo {
    std::filesystem::path workspace;
    bool tiny = false;  // the one-minute budget instead of the full one
};

using Command = std::variant<ShowSampleGrid, ShowInvariances, PrepareDemo>;

std::string describe(const Command& command);

}  // namespace inv
