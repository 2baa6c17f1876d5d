#include "core/analysis/model_comparison.h"

#include "core/analysis/analysis_models.h"
#include "core/image/image_grid.h"
#include "core/runtime/errors.h"

namespace inv {
namespace {

std::string autoencoder_digest(AnalysisModels& models) {
    models.autoencoder();  // loads it, and records its file and checksum
    return models.model_records().at("autoencoder").value("fnv1a64", std::string());
}

}  // namespace

ModelComparison compare_models(const Workspace& first, const Workspace& second, const ImageDataset& test,
                               const ComparisonRequest& request, ComputeDevice device) {
    AnalysisModels a(first, std::nullopt, device);
    AnalysisModels b(second, std::nullopt, device);
    return compare_models(a, b, test, request);
}

ModelComparison compare_models(AnalysisModels& first, AnalysisModels& second, const ImageDataset& test,
                               const ComparisonRequest& request) {
    // The samples are only comparable when both t's invert into the same code space.
    if (autoencoder_digest(first) != autoencoder_digest(second)) {
        throw UserError(first.workspace().folder().string() + " and " + second.workspace().folder().string() +
                        " have different autoencoders, so the same v means different things in them; compare workspaces that "
                        "share one (the demo's colour-blind companion: invariances-cli demo colour-blind).");
    }
    ModelComparison result;
    result.first = sample_invariances(first, test, request.samples);
    result.second = sample_invariances(second, test, request.samples);
    // Same seed, same code size: the same v. Checked, since the comparison means nothing otherwise.
    if (result.first.v_digest != result.second.v_digest) {
        throw std::logic_error("the two models were sampled with different v (" + result.first.v_digest + " vs " +
                               result.second.v_digest + ").");
    }
    if (request.explained_inputs > 0) {
        ExplainedVarianceRequest explained;
        explained.layers = {request.samples.layer};
        explained.inputs = request.explained_inputs;
        explained.repeats = request.repeats;
        explained.seed = request.samples.seed;
        const ComputeDevice device = first.device().is_cuda() ? ComputeDevice::Cuda : ComputeDevice::Cpu;
        result.first_explained = explained_variance(first.workspace(), test, explained, device);
        result.second_explained = explained_variance(second.workspace(), test, explained, device);
    }
    GridLayout layout;
    layout.columns = 2;
    layout.spacing = 12;
    layout.cell_labels = {first.workspace().folder().filename().string(), second.workspace().folder().filename().string()};
    result.figure = compose_grid({result.first.figure, result.second.figure}, layout).image;

    result.provenance = provenance_header("compare", first.workspace(), test);
    result.provenance.update({{"with", second.workspace().folder().string()},
                              {"layer", request.samples.layer},
                              {"inputs", request.samples.inputs},
                              {"samples", request.samples.samples},
                              {"seed", request.samples.seed},
                              {"v_digest", result.first.v_digest}});
    result.provenance["reproduce"] =
        "invariances-cli compare --workspace " + first.workspace().folder().string() + " --with " +
        second.workspace().folder().string() + " --layer " + request.samples.layer + " --inputs " +
        std::to_string(request.samples.inputs) + " --samples " + std::to_string(request.samples.samples) + " --seed " +
        std::to_string(request.samples.seed) + " --explained-inputs " + std::to_string(request.explained_inputs) + " --repeats " +
        std::to_string(request.repeats) +
        (request.samples.inputs_from.empty() ? "" : " --inputs-from " + request.samples.inputs_from) + " --out FIGURE.png";
    return result;
}

nlohmann::json to_json(const ModelComparison& comparison) {
    nlohmann::json j{
        {"provenance", comparison.provenance}, {"first", to_json(comparison.first)}, {"second", to_json(comparison.second)}};
    if (comparison.first_explained) j["first_explained"] = to_json(*comparison.first_explained);
    if (comparison.second_explained) j["second_explained"] = to_json(*comparison.second_explained);
    return j;
}

}  // namespace inv
