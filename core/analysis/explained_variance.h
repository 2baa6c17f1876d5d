#pragma once

#include "core/color_dataset.h"
#include "core/workspace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace inv {

// method.md §6: how much of the variance of each semantic factor e_i is explained by z at a layer.
// Two independent v per input give e^a, e^b = e(t⁻¹(v | z)); their covariance is Var(E[e_i | z]).
struct ExplainedVarianceRequest {
    std::vector<std::string> layers;  // empty: every layer with a trained t
    int inputs = 500;                 // test images per repeat
    int repeats = 3;
    std::uint64_t seed = 0;
};

struct FactorShare {
    std::string factor;
    double mean = 0.0;  // fraction in [0, 1] (sampling noise can push it slightly outside)
    double std = 0.0;   // over repeats
};

struct LayerShares {
    std::string layer;
    std::vector<FactorShare> factors;  // residual first, as e splits them
};

struct ExplainedVarianceReport {
    std::vector<LayerShares> layers;
    nlohmann::json provenance;
};

// Needs the classifier, the autoencoder, e and t for each layer; throws UserError naming what to train.
ExplainedVarianceReport explained_variance(const Workspace& workspace, const ColorDataset& test,
                                           const ExplainedVarianceRequest& request);

nlohmann::json to_json(const ExplainedVarianceReport& report);

}  // namespace inv
