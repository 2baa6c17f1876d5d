#pragma once

#include "core/dataset_catalog.h"

#include <cstdint>
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

using Command = std::variant<ShowSampleGrid>;

std::string describe(const Command& command);

}  // namespace inv
