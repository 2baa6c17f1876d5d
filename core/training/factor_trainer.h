#pragma once

#include "core/data/image_dataset.h"
#include "core/flow/flow_config.h"
#include "core/training/training_control.h"
#include "core/workspace/workspace.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace inv {

struct FactorTrainingOptions {
    // dim comes from the autoencoder's code. 24 narrow blocks rather than 12 of width 256: 13 % more
    // time per step, and the digit swap works more often at every step count measured.
    FlowConfig flow{0, 24, 128, 2, 0};
    // Sizes of (residual, class, foreground, background); empty: estimated from pairs (docs/method.md §4).
    std::vector<int> factor_sizes;
    int estimation_pairs = 2000;
    TrainingSchedule schedule{1000, 64, 3e-3};  // batch_size counts pairs
};

// Measured where they mean something: the class swap where the data set has classes and the
// classifier predicts those same classes; the background swap on ColorMNIST/ColorFashion only.
struct FactorQuality {
    std::optional<double> class_swap_accuracy;         // taking B's class factor: the classifier says B's class
    std::optional<double> background_swap_error;       // taking B's background factor: |background − B's| in [0, 1]
    std::optional<double> background_swap_class_kept;  // … while the classifier still says A's class
};

struct FactorTrainingResult {
    bool completed = false;
    std::int64_t steps_done = 0;
    std::vector<NamedFactor> factors;
    FactorQuality quality;
    int rollbacks = 0;
};

// Trains models["factors"], the invertible network e that splits the autoencoder's code into a
// residual and the data set's named factors, on pairs that share exactly one factor (the pair loss
// of docs/method.md §4). Checkpoints carry the swap measures above, with the workspace's classifier.
// The measures above for the workspace's e on `pairs` pairs of test images of different classes.
FactorQuality measure_factors(const Workspace& workspace, const ImageDataset& test, int pairs, ComputeDevice device);

FactorTrainingResult train_factors(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                                   const FactorTrainingOptions& options, const TrainingControl& control);

}  // namespace inv
