#pragma once

#include "core/data/image_dataset.h"
#include "core/models/autoencoder_config.h"
#include "core/training/training_control.h"
#include "core/workspace/workspace.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace inv {

struct AutoencoderTrainingOptions {
    AutoencoderConfig model;
    TrainingSchedule schedule{3000, 64, 1e-3};
    double kl_weight = 1e-3;  // of the KL term against the summed reconstruction error
    // "l2" (summed squared error) or "l1" (the paper's). L1 drives an uncertain thin stroke to the
    // background colour (the median) and L2 to a faint stroke where it belongs, which the classifier
    // still reads: in 1000 steps 64 % of reconstructions were classified right with L2 against 29 %
    // with L1 (docs/benchmarks.md).
    std::string reconstruction_loss = "l2";
    // Extra weight on the pixels that differ from the image's border colour (its background, for
    // objects on a plain ground), so thin strokes count for more than their share of the summed error,
    // which the background dominates otherwise. Each pixel's error is weighted by 1 + stroke_weight x s,
    // s in [0, 1] its distance to the border colour relative to the image's farthest pixel, so
    // faint and strong contrasts count alike. 0: every pixel alike.
    double stroke_weight = 0.0;
    // Random shifts of up to this many pixels in x and y for every training image (0: none), so the
    // autoencoder sees more shapes than the training set holds instead of memorising them.
    int max_shift = 0;
    // The optional PatchGAN term (docs/method.md §3), off at weight 0. From step `adversarial_start` on,
    // a patch discriminator learns to tell images from reconstructions (hinge loss) and the
    // decoder also learns to fool it. As in the paper's code, the term's weight is
    // adversarial_weight x the ratio of the reconstruction loss's gradient norm to its own at the
    // decoder's last layer, so it stays in proportion to the reconstruction term as both change.
    double adversarial_weight = 0.0;
    std::int64_t adversarial_start = 2000;
    int discriminator_channels = 32;  // of its first layer; each halving doubles them
    // A second domain's training images (same size), half of every batch: an autoencoder that can
    // draw both, so that domain shift's samples show the layers and not the autoencoder's limits.
    std::shared_ptr<const ImageDataset> second_domain;
};

struct AutoencoderQuality {
    double reconstruction_l1 = 0.0;  // mean |x - D(E(x))| per pixel, in [-1, 1] units
    // Mean absolute error in [0, 1] over RGB, where the true colours are known (ColorMNIST/ColorFashion).
    std::optional<double> foreground_colour_error;
    std::optional<double> background_colour_error;
    std::optional<double> classifier_accuracy;  // on reconstructions, when the workspace has a classifier
};

struct AutoencoderTrainingResult {
    bool completed = false;
    std::int64_t steps_done = 0;
    AutoencoderQuality quality;  // of the last checkpoint
    int rollbacks = 0;
};

// Trains models["autoencoder"] of a workspace: L1 reconstruction of codes sampled from the posterior
// plus a small KL term. Checkpoints (on a logarithmic schedule) carry the quality measures above on
// `test`; the classifier's accuracy on reconstructions uses the workspace's final classifier.
// The measures above for the workspace's autoencoder on `images` test images drawn across the split
// (all of them when it has fewer), the classifier's accuracy with its last checkpoint.
AutoencoderQuality measure_autoencoder(const Workspace& workspace, const ImageDataset& test, std::size_t images,
                                       ComputeDevice device);

AutoencoderTrainingResult train_autoencoder(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                                            const AutoencoderTrainingOptions& options, const TrainingControl& control);

}  // namespace inv
