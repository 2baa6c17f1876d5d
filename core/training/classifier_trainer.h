#pragma once

#include "core/data/image_dataset.h"
#include "core/models/classifier_config.h"
#include "core/training/training_control.h"
#include "core/workspace/workspace.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inv {

struct ClassifierTrainingOptions {
    ClassifierConfig model;
    // 3e-3 with batch norm (model.batch_norm); without it SqueezeNet does not learn at that rate: use 1e-3.
    TrainingSchedule schedule{1500, 128, 3e-3};
    // Random translation of training images, in pixels (0: none). Tried at 2 on the full demo
    // budget: 95.75 % against 95.85 % without, so it is off by default.
    int max_shift = 0;
    // "classifier": the network under study. "evaluator": the separate network whose features the
    // Fréchet distances of `evaluate` are measured in.
    std::string model_name = "classifier";
};

struct ClassifierTrainingResult {
    bool completed = false;  // false: stopped on request; resume by running again
    std::int64_t steps_done = 0;
    double test_accuracy = 0.0;  // of the last checkpoint
    int rollbacks = 0;
};

// Trains the classifier of a workspace (models["classifier"]) on `train`, keeping checkpoints on a
// logarithmic schedule with their test accuracy on `test`. Resumes from the workspace's training
// state when there is one for the same configuration; a finished run is a no-op. A non-finite loss
// rolls back to the last saved state with half the learning rate, up to max_rollbacks times.
// The share of the whole test split the workspace's last classifier labels right.
double measure_classifier(const Workspace& workspace, const ImageDataset& test, ComputeDevice device);

// The names of the last classifier's layers, from the input to the output.
std::vector<std::string> classifier_layer_names(const Workspace& workspace);

ClassifierTrainingResult train_classifier(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                                          const ClassifierTrainingOptions& options, const TrainingControl& control);

}  // namespace inv
