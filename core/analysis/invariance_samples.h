#pragma once

#include "core/analysis/mean_std.h"
#include "core/data/image_dataset.h"
#include "core/image/image_fit.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// docs/method.md §2.1: for one layer, one row per input x (its z) and one column per invariance sample v
// (the same v in every row): x̄ = D(t⁻¹(v | z)).
struct InvarianceSampleRequest {
    std::string layer;
    int inputs = 4;
    int samples = 8;
    std::uint64_t seed = 0;    // picks the inputs (test split) and draws the v's
    float temperature = 1.0f;  // v ~ N(0, temperature² I)
    int scale = 2;             // magnification of the 32x32 cells in the figure
    // The user's own images, as further rows after the `inputs` test images (which may then be 0).
    std::vector<NamedImage> extra_inputs;
    // The data set the test images come from when it is not the workspace's own (domain shift):
    // "colormnist" or "colorfashion"; recorded in the provenance, and the caller passes that set.
    std::string inputs_from;
};

struct InvarianceSamples {
    RgbaImage figure;                                  // input column, then the samples
    std::vector<std::size_t> input_indices;            // test-split indices of the first rows (the user's follow)
    std::vector<int> input_predictions;                // f(x)
    std::vector<std::vector<int>> sample_predictions;  // f(x̄), [row][column]
    MeanStd reencoded_cosine;                          // cos(Φ(x̄), z) over all samples
    MeanStd random_pair_cosine;                        // cos(z_i, z_j), i ≠ j, the baseline
    std::vector<RgbaImage> sample_images;              // x̄ at the model's size, [row * samples + column]
    std::vector<PixelRect> cells;                      // where each cell is in the figure: per row the input, then its samples
    std::vector<std::string> class_names;              // of the predictions
    std::string v_digest;                              // FNV-1a of the v's bytes: equal digests, equal v
    nlohmann::json provenance;                         // everything needed to make the figure again
};

// Needs the workspace's classifier, autoencoder and t for the layer; throws UserError naming the
// command that trains what is missing.
InvarianceSamples sample_invariances(const Workspace& workspace, const ImageDataset& test, const InvarianceSampleRequest& request,
                                     ComputeDevice device = ComputeDevice::Cpu);
// The same with networks already loaded (the GUI's engine keeps them between requests).
class AnalysisModels;
InvarianceSamples sample_invariances(AnalysisModels& models, const ImageDataset& test, const InvarianceSampleRequest& request);

nlohmann::json to_json(const InvarianceSamples& samples);

}  // namespace inv
