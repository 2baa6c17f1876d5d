#pragma once

// Torch-free: two classifiers, the same images, the same v (the paper's texture-bias study).
#include "core/analysis/explained_variance.h"
#include "core/analysis/invariance_samples.h"

#include <optional>

namespace inv {

struct ComparisonRequest {
    InvarianceSampleRequest samples;  // layer, inputs, seed, ...: the same for both models
    int explained_inputs = 0;         // > 0: explained variance of e's factors at the layer, for both
    int repeats = 2;
};

struct ModelComparison {
    InvarianceSamples first;   // the workspace's classifier
    InvarianceSamples second;  // the other one
    std::optional<ExplainedVarianceReport> first_explained;
    std::optional<ExplainedVarianceReport> second_explained;
    RgbaImage figure;  // the two grids side by side
    nlohmann::json provenance;
};

// Both workspaces need t for the layer, one autoencoder (the same z̄: the other workspace's must be
// the same file, as the demo's colour-blind companion shares it) and, for the explained variance, e.
// Throws UserError naming what differs or what to train.
ModelComparison compare_models(const Workspace& first, const Workspace& second, const ImageDataset& test,
                               const ComparisonRequest& request, ComputeDevice device = ComputeDevice::Cpu);
class AnalysisModels;
ModelComparison compare_models(AnalysisModels& first, AnalysisModels& second, const ImageDataset& test,
                               const ComparisonRequest& request);

nlohmann::json to_json(const ModelComparison& comparison);

}  // namespace inv
