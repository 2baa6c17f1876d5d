#pragma once

#include "core/runtime/compute_device.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace inv {

class DataParallelGroup;  // core/runtime/data_parallel.h

struct TrainingProgress {
    std::string model;      // "classifier", "autoencoder", …
    std::int64_t step = 0;  // steps done
    std::int64_t total = 0;
    double loss = 0.0;  // of the last step
    double learning_rate = 0.0;
    std::string message;  // an event worth a line of its own (checkpoint, roll-back), else empty
};

// How a front end steers a trainer: progress out, a stop request in (both called on the training
// thread), the device the networks train on, and the other processes it trains with, if any.
struct TrainingControl {
    std::function<void(const TrainingProgress&)> on_progress;
    std::function<bool()> stop_requested;
    ComputeDevice device = ComputeDevice::Cpu;
    // Null for one process. Otherwise every rank trains on its share of each batch, the gradients
    // are averaged over the ranks, and only rank 0 writes the workspace. Not owned.
    DataParallelGroup* data_parallel = nullptr;

    void report(const TrainingProgress& progress) const {
        if (on_progress) on_progress(progress);
    }
    bool should_stop() const { return stop_requested && stop_requested(); }
};

// How long and how fast a network trains; every trainer's options carry one.
struct TrainingSchedule {
    TrainingSchedule(std::int64_t steps_ = 1000, int batch_size_ = 64, double learning_rate_ = 1e-3)
        : steps(steps_), batch_size(batch_size_), learning_rate(learning_rate_) {}

    std::int64_t steps;
    int batch_size;
    double learning_rate;                       // at step 0; cosine decay to 0 at the last step
    std::uint64_t seed = 0;                     // initialisation, batches and dropout
    int max_rollbacks = 3;                      // non-finite losses survived before giving up
    std::optional<std::int64_t> inject_nan_at;  // for tests of the roll-back: this step's loss becomes NaN once
};

// Steps at which checkpoints are kept: 0, then 20, 50, 100, 200, 500, 1000, … (a 1-2-5 series, so
// early training, where representations change fastest, is sampled densely), and the last step.
std::vector<std::int64_t> logarithmic_schedule(std::int64_t total_steps);

}  // namespace inv
