#pragma once

#include "core/analysis/mean_std.h"
#include "core/color_dataset.h"
#include "core/rgba_image.h"
#include "core/workspace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// method.md §2.1: for one layer, one row per input x (its z) and one column per invariance sample v
// (the same v in every row): x̄ = D(t⁻¹(v | z)).
struct InvarianceSampleRequest {
    std::string layer;
    int inputs = 4;
    int samples = 8;
    std::uint64_t seed = 0;        // picks the inputs (test split) and draws the v's
    float temperature = 1.0f;      // v ~ N(0, temperature² I)
    int scale = 2;                 // magnification of the 32x32 cells in the figure
};

struct InvarianceSamples {
    RgbaImage figure;                          // input column, then the samples
    std::vector<std::size_t> input_indices;    // test-split indices, one per row
    std::vector<int> input_predictions;        // f(x)
    std::vector<std::vector<int>> sample_predictions;  // f(x̄), [row][column]
    MeanStd reencoded_cosine;                  // cos(Φ(x̄), z) over all samples
    MeanStd random_pair_cosine;                // cos(z_i, z_j), i ≠ j, the baseline
    nlohmann::json provenance;                 // everything needed to make the figure again
};

// Needs the workspace's classifier, autoencoder and t for the layer; throws UserError naming the
// command that trains what is missing.
InvarianceSamples sample_invariances(const Workspace& workspace, const ColorDataset& test,
                                     const InvarianceSampleRequest& request);
// The same with networks already loaded (the GUI's engine keeps them between requests).
class AnalysisModels;
InvarianceSamples sample_invariances(AnalysisModels& models, const ColorDataset& test, const InvarianceSampleRequest& request);

nlohmann::json to_json(const InvarianceSamples& samples);

}  // namespace inv
