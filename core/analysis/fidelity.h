#pragma once

#include "core/data/image_dataset.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace inv {

// The paper's Table 1 on our data (docs/method.md §6): per layer, the Fréchet distance to held-out real
// images of (a) our samples D(t⁻¹(v | z)), v ~ N(0, I), and (b) the deterministic inversion
// baseline's reconstructions from z. Features come from the workspace's evaluation network (a
// classifier of the same family trained separately on the data set, `train evaluator`): the
// global averages of each of its stages, so colour (early stages) and shape (late stages) both
// count. This is not Inception FID and the numbers are not comparable with the paper's.
struct FidelityRequest {
    std::vector<std::string> layers;  // empty: every layer with both t and the baseline trained
    int images = 1000;                // per set; the test split is halved into inputs and references
    std::uint64_t seed = 0;
};

struct LayerFidelity {
    std::string layer;
    double samples = 0.0;   // ours
    double baseline = 0.0;  // inversion baseline
};

struct FidelityReport {
    std::vector<LayerFidelity> layers;
    double reconstructions = 0.0;  // D(E(x)) of the inputs: what any decode through D can reach
    double real_to_real = 0.0;     // the inputs themselves: the floor set by the sample size
    RgbaImage figure;
    nlohmann::json provenance;
};

FidelityReport evaluate_fidelity(const Workspace& workspace, const ImageDataset& test, const FidelityRequest& request,
                                 ComputeDevice device = ComputeDevice::Cpu);
nlohmann::json to_json(const FidelityReport& report);

}  // namespace inv
