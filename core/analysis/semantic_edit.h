#pragma once

#include "core/data/image_dataset.h"
#include "core/image/image_fit.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace inv {

// docs/method.md §2.3: replace or set one factor e_i of an image, keep the others, decode:
// x̄* = D(e⁻¹(e_0, …, e_i*, …, e_K)).
struct SemanticEditRequest {
    std::size_t index = 0;                  // test-split image to edit …
    std::optional<NamedImage> image;        // … or this image of the user's
    std::string factor;                     // a factor name of e (see `factor_names`)
    std::optional<std::size_t> from_index;  // take e_i from this image …
    double amount = 1.0;                    // … this far: e_i* = (1 − a) e_i(x) + a e_i(donor)
    std::vector<double> values;             // … or set e_i* to these (one per dimension of the factor)
    int scale = 4;
};

struct SemanticEdit {
    RgbaImage figure;              // x, D(E(x)), the edit, and the donor when there is one
    int original_prediction = -1;  // f(x)
    int reconstruction_prediction = -1;
    int edited_prediction = -1;           // f(x̄*)
    int donor_prediction = -1;            // f(donor), when there is one
    std::vector<double> original_values;  // e_i(x)
    std::vector<double> edited_values;    // e_i*
    double mean_pixel_change = 0.0;       // mean |x̄* − D(E(x))| in [-1, 1] units
    nlohmann::json provenance;
};

// Throws UserError for an unknown factor (listing e's factors), an index out of range, or values
// of the wrong length (naming the factor's size).
SemanticEdit edit_semantics(const Workspace& workspace, const ImageDataset& test, const SemanticEditRequest& request,
                            ComputeDevice device = ComputeDevice::Cpu);
nlohmann::json to_json(const SemanticEdit& edit);

// The semantic sliders: every factor of e moved part way towards a donor image's,
// e_i* = e_i(x) + a_i (e_i(donor) − e_i(x)); a_i = 0 keeps the image's own value, 1 takes the donor's.
struct FactorBlendRequest {
    std::size_t index = 0;
    std::size_t donor = 1;
    std::vector<double> amounts;     // one per factor of e (residual first); missing ones are 0
    std::optional<RgbaImage> image;  // the user's image in place of test image `index`
};

struct FactorBlend {
    std::vector<std::string> factors;  // e's factor names, residual first
    RgbaImage image, reconstruction, edited, donor;
    int image_prediction = -1, edited_prediction = -1, donor_prediction = -1;
    double edited_probability = 0.0;
    double mean_pixel_change = 0.0;  // mean |x̄* − D(E(x))|
};

class AnalysisModels;
FactorBlend blend_factors(AnalysisModels& models, const ImageDataset& test, const FactorBlendRequest& request);

}  // namespace inv
