#pragma once

// Torch-free: the demo's quality bars, measured on a workspace's whole test split.
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// One bar: a measure, the value found, and the range the demo must reach.
struct QualityBar {
    std::string model;    // "classifier", "autoencoder", "cinn-logits", "factors"
    std::string measure;  // what was measured, in words
    double value = 0.0;
    std::optional<double> at_least;
    std::optional<double> at_most;
    std::size_t sample_count = 0;  // test images (or pairs) it was measured on
    bool share = false;            // a share of images, shown as a percentage
    bool met() const;
    std::string bar() const;  // "≥ 97 %", "≤ 0.05", "0.4 – 0.6"
};

struct QualityReport {
    std::vector<QualityBar> bars;
    std::vector<std::string> missing;  // models the demo needs that the workspace lacks
    bool all_met() const;
};

// How many test images and pairs the measures use: the whole split (the ColorMNIST test split
// holds 2000 images), so that one point of a percentage is about the noise.
struct QualityMeasureOptions {
    std::size_t images = 2000;
    int pairs = 2000;
    std::uint64_t seed = 0;  // of t's samples v
    ComputeDevice device = ComputeDevice::Cpu;
};

// Measures every bar the demo workspace is held to: the classifier's test accuracy; the classifier on
// the autoencoder's reconstructions and their foreground and background colour errors; for t at
// every layer trained against the last classifier, the held-out ½‖v‖²/dim, and whether its samples
// keep the prediction (logits, softmax) or stay near x (input); e's digit and background swaps.
// `on_model` is told which model is being measured (it takes seconds to minutes each).
QualityReport measure_quality_bars(const Workspace& workspace, const std::filesystem::path& data_root,
                                   const QualityMeasureOptions& options,
                                   const std::function<void(const std::string&)>& on_model = {});

nlohmann::json to_json(const QualityReport& report);
// A Markdown table: model | measure | measured | bar | met.
std::string markdown_table(const QualityReport& report);

}  // namespace inv
