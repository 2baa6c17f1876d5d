#pragma once

#include "core/data/image_dataset.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// docs/method.md §6: how much of the variance of each semantic factor e_i is explained by z at a layer.
// Two independent v per input give e^a, e^b = e(t⁻¹(v | z)); their covariance is Var(E[e_i | z]).
// Computed on normal scores, as e sends a few of t's samples far beyond the range it was trained
// on and those would dominate the moments.
// Computed per layer and per classifier checkpoint (each checkpoint needs its own t, trained with
// `train cinn --classifier-step`).
struct ExplainedVarianceRequest {
    std::vector<std::string> layers;             // empty: every layer with a trained t
    std::vector<std::int64_t> classifier_steps;  // empty: the last checkpoint only
    bool all_checkpoints = false;                // every checkpoint that has a t for one of the layers
    int inputs = 500;                            // test images per repeat
    int repeats = 3;
    std::uint64_t seed = 0;
};

struct FactorShare {
    std::string factor;
    double mean = 0.0;          // fraction in [0, 1] (sampling noise can push it slightly outside), on
                                // normal scores: rank_explained_fraction in explained_variance_statistic.h
    double std = 0.0;           // over repeats
    double moments_mean = 0.0;  // the same statistic on e's values themselves, for comparison
    double moments_std = 0.0;
    double far_sample_share = 0.0;  // samples with a coordinate beyond 10 robust deviations
};

struct LayerShares {
    std::string layer;
    std::int64_t classifier_step = 0;
    std::optional<double> classifier_accuracy;  // test accuracy of that checkpoint, when recorded
    std::vector<FactorShare> factors;           // residual first, as e splits them
};

struct ExplainedVarianceReport {
    std::vector<LayerShares> layers;  // by checkpoint, then layer in the network's order
    RgbaImage layer_figure;           // shares per layer at the last analysed checkpoint
    RgbaImage training_figure;        // shares over the checkpoints at the deepest layer that has
                                      // more than one (empty when none has)
    nlohmann::json provenance;
};

// Needs the classifier, the autoencoder, e and t for each layer and step; throws UserError naming
// what to train.
ExplainedVarianceReport explained_variance(const Workspace& workspace, const ImageDataset& test,
                                           const ExplainedVarianceRequest& request, ComputeDevice device = ComputeDevice::Cpu);

nlohmann::json to_json(const ExplainedVarianceReport& report);

// "residual 3 %, digit 11 %, …": every factor's share in every analysed layer, for people.
std::string describe_shares(const ExplainedVarianceReport& report);

}  // namespace inv
