#include "core/analysis/fidelity.h"

#include "core/analysis/analysis_models.h"
#include "core/analysis/frechet_distance.h"
#include "core/image/line_plot.h"
#include "core/image/sample_grid.h"
#include "core/runtime/errors.h"
#include "core/training/inversion_trainer.h"

#include <ATen/CPUGeneratorImpl.h>

namespace inv {
namespace {

constexpr std::int64_t kBatch = 250;

// Global averages of every stage of the evaluation network, concatenated.
torch::Tensor features(Classifier& evaluator, const torch::Tensor& images) {
    std::vector<torch::Tensor> parts;
    for (std::int64_t start = 0; start < images.size(0); start += kBatch) {
        const torch::Tensor batch = images.narrow(0, start, std::min(kBatch, images.size(0) - start));
        std::vector<torch::Tensor> stages;
        for (const LayerInfo& layer : evaluator->layers()) {
            if (layer.name == "input" || layer.name == "softmax" || layer.name == "logits") continue;
            const torch::Tensor z = evaluator->representation(batch, layer.name);
            stages.push_back(z.dim() == 4 ? z.mean({2, 3}) : z.flatten(1));
        }
        parts.push_back(torch::cat(stages, 1));
    }
    return torch::cat(parts, 0);
}

torch::Tensor batched(const torch::Tensor& inputs, const std::function<torch::Tensor(const torch::Tensor&)>& map) {
    std::vector<torch::Tensor> parts;
    for (std::int64_t start = 0; start < inputs.size(0); start += kBatch) {
        parts.push_back(map(inputs.narrow(0, start, std::min(kBatch, inputs.size(0) - start))));
    }
    return torch::cat(parts, 0);
}

}  // namespace

FidelityReport evaluate_fidelity(const Workspace& workspace, const ImageDataset& test, const FidelityRequest& request,
                                 ComputeDevice device) {
    if (request.images < 10 || static_cast<std::size_t>(2 * request.images) > test.size()) {
        throw UserError("evaluate needs between 10 and " + std::to_string(test.size() / 2) +
                        " images per set (half the test split); got " + std::to_string(request.images) + ".");
    }
    torch::NoGradGuard no_grad;
    AnalysisModels models(workspace, std::nullopt, device);
    const LoadedEvaluator loaded_evaluator = load_evaluator(workspace, models.device());
    Classifier evaluator = loaded_evaluator.model;

    std::vector<std::string> layers = request.layers;
    if (layers.empty()) {
        for (const std::string& layer : models.layers_with_t()) {
            if (has_trained(workspace, inversion_model_name(layer))) layers.push_back(layer);
        }
        if (layers.empty()) {
            throw UserError(
                "no layer has both t and the inversion baseline trained; run `invariances-cli train inversion --workspace " +
                workspace.folder().string() + " --layers all` first.");
        }
    }

    // Disjoint halves of the test split: inputs (whose z are decoded) and the real references.
    const auto order = pick_sample_indices(test.size(), test.size(), request.seed);
    const std::vector<std::size_t> input_indices(order.begin(), order.begin() + request.images);
    const std::vector<std::size_t> reference_indices(order.begin() + request.images, order.begin() + 2 * request.images);
    const torch::Tensor inputs = test_images(test, input_indices, models.device());
    const torch::Tensor reference = features(evaluator, test_images(test, reference_indices, models.device()));

    FidelityReport report;
    report.real_to_real = frechet_distance(features(evaluator, inputs), reference);
    report.reconstructions = frechet_distance(
        features(evaluator, batched(inputs,
                                    [&](const torch::Tensor& x) {
                                        return models.autoencoder()->decode(models.autoencoder()->encode(x).mean);
                                    })),
        reference);
    nlohmann::json files = models.model_records();
    files["evaluator"] = model_file_record(workspace, loaded_evaluator.file);
    torch::Generator generator = at::detail::createCPUGenerator(request.seed);
    for (const std::string& layer : layers) {
        models.require_layer(layer);
        const LoadedInversion loaded = load_inversion(workspace, layer, models.device());
        InversionDecoder baseline = loaded.decoder;
        files["inversion/" + layer] = model_file_record(workspace, loaded.file);

        ConditionalFlow& t = models.t(layer);
        const torch::Tensor v =
            torch::randn({inputs.size(0), t->config().flow.dim}, generator, torch::kFloat).to(models.device());
        const torch::Tensor samples =
            batched(torch::arange(inputs.size(0), inputs.options().dtype(torch::kLong)), [&](const torch::Tensor& rows) {
                const torch::Tensor x = inputs.index_select(0, rows);
                return models.autoencoder()->decode(
                    t->inverse(v.index_select(0, rows), models.classifier()->representation(x, layer)));
            });
        const torch::Tensor inversions = batched(
            inputs, [&](const torch::Tensor& x) { return baseline->forward(models.classifier()->representation(x, layer)); });
        report.layers.push_back({layer, frechet_distance(features(evaluator, samples), reference),
                                 frechet_distance(features(evaluator, inversions), reference)});
    }

    LinePlot plot;
    plot.title = "Frechet distance, own evaluation-net features (not Inception)";
    plot.x_label = "layer";
    plot.y_label = "Frechet distance";
    PlotSeries ours{"ours: D(t^-1(v|z))", {}, {}, {}, {}, false};
    PlotSeries baseline{"inversion baseline", {}, {}, {}, {}, false};
    PlotSeries reconstruction{"autoencoder D(E(x))", {}, {}, {}, {}, false};
    PlotSeries real{"real vs real", {}, {}, {}, {}, false};
    for (std::size_t i = 0; i < report.layers.size(); ++i) {
        plot.x_ticks.push_back(report.layers[i].layer);
        const double x = static_cast<double>(i);
        ours.x.push_back(x), ours.y.push_back(report.layers[i].samples);
        baseline.x.push_back(x), baseline.y.push_back(report.layers[i].baseline);
        reconstruction.x.push_back(x), reconstruction.y.push_back(report.reconstructions);
        real.x.push_back(x), real.y.push_back(report.real_to_real);
    }
    plot.series = {ours, baseline, reconstruction, real};
    report.figure = render_line_plot(plot);

    report.provenance = provenance_header("evaluate", workspace, test);
    report.provenance.update(
        {{"images", request.images},
         {"seed", request.seed},
         {"features", "global averages of every stage of the workspace's evaluation network (not Inception)"},
         {"models", files}});
    return report;
}

nlohmann::json to_json(const FidelityReport& report) {
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerFidelity& layer : report.layers) {
        layers.push_back(
            {{"layer", layer.layer}, {"frechet_samples", layer.samples}, {"frechet_inversion_baseline", layer.baseline}});
    }
    return {{"provenance", report.provenance},
            {"layers", layers},
            {"frechet_autoencoder_reconstructions", report.reconstructions},
            {"frechet_real_to_real", report.real_to_real}};
}

}  // namespace inv
