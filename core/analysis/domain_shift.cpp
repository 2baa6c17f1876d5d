#include "core/analysis/domain_shift.h"

#include "core/analysis/analysis_models.h"
#include "core/image/image_grid.h"
#include "core/image/sample_grid.h"
#include "core/runtime/errors.h"

#include <cstdio>

namespace inv {
namespace {

constexpr std::size_t kReconstructionImages = 200;
// Beyond this ratio of reconstruction errors the autoencoder is said not to represent the foreign
// domain: its decodes then show what it can draw more than what the layer keeps.
constexpr double kRepresentableRatio = 1.5;

double reconstruction_l1(AnalysisModels& models, const ImageDataset& images, std::uint64_t seed) {
    torch::NoGradGuard no_grad;
    const auto indices = pick_sample_indices(images.size(), std::min(kReconstructionImages, images.size()), seed);
    const torch::Tensor x = test_images(images, indices, models.device());
    Autoencoder& autoencoder = models.autoencoder();
    return (autoencoder->decode(autoencoder->encode(x).mean) - x).abs().mean().item<double>();
}

}  // namespace

DomainShift analyse_domain_shift(const Workspace& workspace, const ImageDataset& native, const ImageDataset& foreign,
                                 const DomainShiftRequest& request, ComputeDevice device) {
    if (native.shape().height != foreign.shape().height || native.shape().channels != foreign.shape().channels) {
        throw UserError(foreign.name() + " images are not the size of " + native.name() + "'s; the networks take " +
                        std::to_string(native.shape().height) + "x" + std::to_string(native.shape().width) + ".");
    }
    AnalysisModels models(workspace, std::nullopt, device);
    DomainShift result;
    const std::vector<std::string> layers = request.layers.empty() ? models.layers_with_t() : request.layers;
    if (layers.empty())
        throw UserError(workspace.folder().string() + " has no trained t; run `invariances-cli train cinn` first.");

    result.native_reconstruction_l1 = reconstruction_l1(models, native, request.seed);
    result.foreign_reconstruction_l1 = reconstruction_l1(models, foreign, request.seed);
    result.autoencoder_represents_foreign =
        result.foreign_reconstruction_l1 <= kRepresentableRatio * result.native_reconstruction_l1;
    if (!result.autoencoder_represents_foreign) {
        char text[400];
        std::snprintf(text, sizeof text,
                      "the autoencoder cannot represent %s well: it reconstructs them with mean error %.3f against %.3f on %s, "
                      "so the samples show what it can draw rather than all that the layers keep (for a faithful picture, "
                      "train the autoencoder of a workspace on both: train autoencoder --second-domain)",
                      foreign.name().c_str(), result.foreign_reconstruction_l1, result.native_reconstruction_l1,
                      native.name().c_str());
        result.warning = text;
    }

    std::vector<RgbaImage> grids;
    for (const std::string& layer : layers) {
        InvarianceSampleRequest sample;
        sample.layer = layer;
        sample.inputs = request.inputs;
        sample.samples = request.samples;
        sample.seed = request.seed;
        sample.inputs_from = request.inputs_from;
        grids.push_back(sample_invariances(models, foreign, sample).figure);
    }
    GridLayout layout;
    layout.columns = 1;
    layout.spacing = 8;
    layout.cell_labels = layers;
    result.figure = compose_grid(grids, layout).image;

    if (request.explained_inputs > 0) {
        ExplainedVarianceRequest explained;
        explained.layers = layers;
        explained.inputs = request.explained_inputs;
        explained.repeats = request.repeats;
        explained.seed = request.seed;
        const ExplainedVarianceReport on_native = explained_variance(workspace, native, explained, device);
        const ExplainedVarianceReport on_foreign = explained_variance(workspace, foreign, explained, device);
        for (std::size_t i = 0; i < on_native.layers.size() && i < on_foreign.layers.size(); ++i) {
            result.layers.push_back({on_native.layers[i].layer, on_native.layers[i].factors, on_foreign.layers[i].factors});
        }
    } else {
        for (const std::string& layer : layers) result.layers.push_back({layer, {}, {}});
    }

    result.provenance = provenance_header("analyze domain-shift", workspace, foreign);
    result.provenance.update({{"native", native.name()},
                              {"inputs_from", request.inputs_from},
                              {"layers", layers},
                              {"seed", request.seed},
                              {"models", models.model_records()}});
    std::string layer_list;
    for (const std::string& layer : layers) layer_list += (layer_list.empty() ? "" : ",") + layer;
    result.provenance["reproduce"] =
        "invariances-cli analyze domain-shift --workspace " + workspace.folder().string() + " --inputs-from " +
        request.inputs_from + " --layers " + layer_list + " --inputs " + std::to_string(request.inputs) + " --samples " +
        std::to_string(request.samples) + " --explained-inputs " + std::to_string(request.explained_inputs) + " --repeats " +
        std::to_string(request.repeats) + " --seed " + std::to_string(request.seed) + " --out FIGURE.png";
    return result;
}

nlohmann::json to_json(const DomainShift& shift) {
    const auto shares = [](const std::vector<FactorShare>& factors) {
        nlohmann::json j = nlohmann::json::object();
        for (const FactorShare& f : factors) j[f.factor] = {{"mean", f.mean}, {"std", f.std}};
        return j;
    };
    nlohmann::json layers = nlohmann::json::array();
    for (const DomainShiftLayer& layer : shift.layers) {
        layers.push_back({{"layer", layer.layer}, {"native", shares(layer.native)}, {"foreign", shares(layer.foreign)}});
    }
    return {{"provenance", shift.provenance},
            {"layers", layers},
            {"autoencoder",
             {{"native_reconstruction_l1", shift.native_reconstruction_l1},
              {"foreign_reconstruction_l1", shift.foreign_reconstruction_l1},
              {"represents_foreign", shift.autoencoder_represents_foreign}}},
            {"warning", shift.warning}};
}

}  // namespace inv
