#pragma once

#include "core/data/image_dataset.h"
#include "core/flow/flow_config.h"
#include "core/training/training_control.h"
#include "core/workspace/model_names.h"
#include "core/workspace/workspace.h"

#include <cstdint>
#include <optional>
#include <string>

namespace inv {

struct CinnTrainingOptions {
    std::string layer;                            // where z = Φ(x) is taken
    std::optional<std::int64_t> classifier_step;  // which classifier checkpoint; default the last
    // dim comes from the autoencoder's code. 16 narrow blocks rather than 8 of width 256: the same
    // time per step, and samples at logits keep the prediction about a point more often.
    FlowConfig flow{0, 16, 128, 2, 0};
    int embedding_dim = 64;
    TrainingSchedule schedule{1000, 64, 1e-3};
};

struct CinnQuality {
    double half_squared_norm_per_dim = 0.0;      // held-out ½‖v‖²/dim; 0.5 when v ~ N(0, I)
    std::optional<double> prediction_agreement;  // logits/softmax: f(x̄) == f(x) for samples x̄
    std::optional<double> input_sample_error;    // input: mean |x̄ − x| of samples
};

struct CinnTrainingResult {
    std::string model_name;
    bool completed = false;
    std::int64_t steps_done = 0;
    CinnQuality quality;
    int rollbacks = 0;
};

// The measures above for the workspace's t at `layer` (against the last classifier checkpoint) on
// `images` test images drawn across the split, one sample v per image from `seed`.
CinnQuality measure_cinn(const Workspace& workspace, const std::string& layer, const ImageDataset& test, std::size_t images,
                         std::uint64_t seed, ComputeDevice device);

// Trains t for one layer of the workspace's classifier against its autoencoder: v = t(z̄ | z) with
// z̄ sampled from E's posterior; E and Φ stay frozen. Both must be trained already.
CinnTrainingResult train_cinn(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                              const CinnTrainingOptions& options, const TrainingControl& control);

}  // namespace inv
