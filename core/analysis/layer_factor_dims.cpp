#include "core/analysis/layer_factor_dims.h"

#include "core/analysis/analysis_models.h"
#include "core/data/pair_sampler.h"
#include "core/flow/flow_losses.h"
#include "core/image/line_plot.h"
#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"

namespace inv {

FactorDimsReport estimate_layer_factor_dims(const Workspace& workspace, std::shared_ptr<const ImageDataset> test,
                                            const FactorDimsRequest& request, ComputeDevice device) {
    if (request.pairs < 10)
        throw UserError("the factor-size estimate needs at least 10 pairs; got " + std::to_string(request.pairs) + ".");
    torch::NoGradGuard no_grad;
    AnalysisModels models(workspace, std::nullopt, device);
    const std::vector<std::string> layers = request.layers.empty() ? models.layer_names() : request.layers;
    for (const std::string& layer : layers) models.require_layer(layer);

    PairSampler sampler(test, request.seed);
    std::vector<ImageSample> a, b;
    std::vector<std::int64_t> shared;
    for (int i = 0; i < request.pairs; ++i) {
        FactorPair pair = sampler.next();
        a.push_back(std::move(pair.a));
        b.push_back(std::move(pair.b));
        shared.push_back(static_cast<std::int64_t>(pair.shared_factor) + 1);  // 0 is the residual
    }
    const torch::Tensor xa = tensor_from_samples(a, test->shape()).to(models.device());
    const torch::Tensor xb = tensor_from_samples(b, test->shape()).to(models.device());
    const torch::Tensor shared_factor = torch::tensor(shared, torch::kLong);
    const int factor_count = static_cast<int>(test->factors().size());

    FactorDimsReport report;
    for (const std::string& layer : layers) {
        const torch::Tensor za = models.classifier()->representation(xa, layer).flatten(1);
        const torch::Tensor zb = models.classifier()->representation(xb, layer).flatten(1);
        const FactorDimEstimate estimate =
            estimate_factor_dims(za, zb, shared_factor, factor_count, static_cast<int>(za.size(1)));
        LayerFactorDims entry{layer, za.size(1), {"residual"}, estimate.scores, estimate.sizes};
        for (const FactorSpec& spec : test->factors()) entry.factors.push_back(spec.name);
        report.layers.push_back(std::move(entry));
    }
    LinePlot plot;
    plot.title = "factor scores of z per layer (" + test->name() + ")";
    plot.x_label = "layer";
    plot.y_label = "score: share of z's variance that pairs sharing the factor have in common";
    for (const LayerFactorDims& layer : report.layers) plot.x_ticks.push_back(layer.layer);
    for (std::size_t f = 1; f < report.layers.front().factors.size(); ++f) {
        PlotSeries series{report.layers.front().factors[f], {}, {}, {}, {}, false};
        for (std::size_t l = 0; l < report.layers.size(); ++l) {
            series.x.push_back(static_cast<double>(l));
            series.y.push_back(report.layers[l].scores[f]);
        }
        plot.series.push_back(series);
    }
    report.figure = render_line_plot(plot);
    report.provenance = provenance_header("analyze factor-dims", workspace, *test);
    report.provenance.update({{"pairs", request.pairs}, {"seed", request.seed}, {"models", models.model_records()}});
    return report;
}

nlohmann::json to_json(const FactorDimsReport& report) {
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerFactorDims& layer : report.layers) {
        nlohmann::json factors = nlohmann::json::object();
        for (std::size_t f = 0; f < layer.factors.size(); ++f) {
            factors[layer.factors[f]] = {{"score", layer.scores[f]}, {"dims", layer.sizes[f]}};
        }
        layers.push_back({{"layer", layer.layer}, {"z_dims", layer.dims}, {"factors", factors}});
    }
    return {{"provenance", report.provenance}, {"layers", layers}};
}

}  // namespace inv
