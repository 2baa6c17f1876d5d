#pragma once

#include "core/data/image_dataset.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace inv {

// docs/method.md §4's factor-size estimate applied to z = Φ(x) at each layer: over pairs sharing one
// factor, score_f = Σ_d Cov(zᵃ_d, zᵇ_d) / Σ_d Var(z_d); the residual scores 1; dims = softmax · D.
// A score near 1 means the layer's z is (almost) a function of that factor alone.
struct FactorDimsRequest {
    std::vector<std::string> layers;  // empty: every layer of the classifier
    int pairs = 1000;
    std::uint64_t seed = 0;
};

struct LayerFactorDims {
    std::string layer;
    std::int64_t dims = 0;             // size of z
    std::vector<std::string> factors;  // residual first
    std::vector<double> scores;
    std::vector<int> sizes;
};

struct FactorDimsReport {
    std::vector<LayerFactorDims> layers;
    RgbaImage figure;  // the scores per layer
    nlohmann::json provenance;
};

FactorDimsReport estimate_layer_factor_dims(const Workspace& workspace, std::shared_ptr<const ImageDataset> test,
                                            const FactorDimsRequest& request, ComputeDevice device = ComputeDevice::Cpu);
nlohmann::json to_json(const FactorDimsReport& report);

}  // namespace inv
