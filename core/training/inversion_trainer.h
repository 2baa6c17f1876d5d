#pragma once

#include "core/data/image_dataset.h"
#include "core/training/training_control.h"
#include "core/workspace/workspace.h"

#include <string>

namespace inv {

struct InversionTrainingOptions {
    std::string layer;
    TrainingSchedule schedule{500, 64, 1e-3};  // the budget class of t in the demo
};

struct InversionTrainingResult {
    std::string model_name;
    bool completed = false;
    std::int64_t steps_done = 0;
    double test_mse = 0.0;  // mean squared error per pixel on the test split, [-1, 1] units
    int rollbacks = 0;
};

// "inversion-<layer>".
std::string inversion_model_name(const std::string& layer);

// Trains the deterministic inversion baseline for one layer of the workspace's (last) classifier:
// a decoder from z straight to x with an L2 loss (docs/method.md §6). Needs the classifier and the
// autoencoder (whose decoder architecture and code size it copies).
InversionTrainingResult train_inversion(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                                        const InversionTrainingOptions& options, const TrainingControl& control);

}  // namespace inv
