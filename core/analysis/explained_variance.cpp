#include "core/analysis/explained_variance.h"

#include <cstdio>

#include "core/analysis/analysis_models.h"
#include "core/analysis/explained_variance_statistic.h"
#include "core/analysis/mean_std.h"
#include "core/image/line_plot.h"
#include "core/image/sample_grid.h"
#include "core/runtime/errors.h"
#include "core/runtime/random.h"
#include "core/training/cinn_trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <cmath>
#include <map>

namespace inv {
namespace {

// The checkpoints to analyse: as asked, or every one with a t for some wanted layer.
std::vector<std::int64_t> steps_to_analyse(const Workspace& workspace, const ExplainedVarianceRequest& request,
                                           const std::vector<std::string>& layer_names) {
    const auto& checkpoints = workspace.manifest().models.at("classifier").checkpoints;
    const std::int64_t last = checkpoints.back().step;
    if (!request.all_checkpoints)
        return request.classifier_steps.empty() ? std::vector<std::int64_t>{last} : request.classifier_steps;
    std::vector<std::int64_t> steps;
    for (const CheckpointEntry& checkpoint : checkpoints) {
        const std::optional<std::int64_t> suffix = checkpoint.step == last ? std::nullopt : std::optional(checkpoint.step);
        for (const std::string& layer : layer_names) {
            if ((request.layers.empty() ||
                 std::find(request.layers.begin(), request.layers.end(), layer) != request.layers.end()) &&
                has_trained(workspace, cinn_model_name(layer, suffix))) {
                steps.push_back(checkpoint.step);
                break;
            }
        }
    }
    return steps;
}

std::optional<double> checkpoint_accuracy(const Workspace& workspace, std::int64_t step) {
    for (const CheckpointEntry& checkpoint : workspace.manifest().models.at("classifier").checkpoints) {
        if (checkpoint.step == step && checkpoint.metrics.contains("test_accuracy"))
            return checkpoint.metrics["test_accuracy"].get<double>();
    }
    return std::nullopt;
}

LayerShares analyse_layer(AnalysisModels& models, const ImageDataset& test, const std::string& layer,
                          const ExplainedVarianceRequest& request) {
    ConditionalFlow& t = models.t(layer);
    FactorFlow& e = models.e();
    const std::size_t factor_count = e->config().factors.size();
    std::vector<std::vector<double>> shares(factor_count), moment_shares(factor_count), far_shares(factor_count);
    for (int repeat = 0; repeat < request.repeats; ++repeat) {
        const std::uint64_t seed = mix64(request.seed, static_cast<std::uint64_t>(repeat));
        const torch::Tensor x =
            test_images(test, pick_sample_indices(test.size(), static_cast<std::size_t>(request.inputs), seed), models.device());
        const torch::Tensor z = models.classifier()->representation(x, layer);
        torch::Generator generator = at::detail::createCPUGenerator(seed);
        const std::int64_t dim = t->config().flow.dim;
        const torch::Tensor v_a = torch::randn({request.inputs, dim}, generator, torch::kFloat).to(models.device());
        const torch::Tensor v_b = torch::randn({request.inputs, dim}, generator, torch::kFloat).to(models.device());
        const auto parts_a = e->split(e->forward(t->inverse(v_a, z)).value);
        const auto parts_b = e->split(e->forward(t->inverse(v_b, z)).value);
        for (std::size_t f = 0; f < parts_a.size(); ++f) {
            shares[f].push_back(rank_explained_fraction(parts_a[f], parts_b[f]));
            moment_shares[f].push_back(explained_fraction(parts_a[f], parts_b[f]));
            far_shares[f].push_back(far_row_share(parts_a[f], parts_b[f]));
        }
    }
    LayerShares result{layer, models.classifier_step(), checkpoint_accuracy(models.workspace(), models.classifier_step()), {}};
    for (std::size_t f = 0; f < shares.size(); ++f) {
        const MeanStd share = mean_std(shares[f]);
        const MeanStd moments = mean_std(moment_shares[f]);
        FactorShare factor;
        factor.factor = e->config().factors[f].name;
        factor.mean = share.mean;
        factor.std = share.std;
        factor.moments_mean = moments.mean;
        factor.moments_std = moments.std;
        factor.far_sample_share = mean_std(far_shares[f]).mean;
        result.factors.push_back(factor);
    }
    return result;
}

PlotSeries factor_series(const std::vector<const LayerShares*>& rows, std::size_t factor, bool by_index) {
    PlotSeries series{rows.front()->factors[factor].factor, {}, {}, {}, {}, false};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const FactorShare& share = rows[i]->factors[factor];
        series.x.push_back(by_index ? static_cast<double>(i) : static_cast<double>(rows[i]->classifier_step));
        series.y.push_back(100 * share.mean);
        series.lower.push_back(100 * (share.mean - share.std));
        series.upper.push_back(100 * (share.mean + share.std));
    }
    return series;
}

RgbaImage layer_figure(const std::vector<const LayerShares*>& rows, const std::string& dataset) {
    LinePlot plot;
    plot.title = "variance explained by z per layer (" + dataset + ", classifier step " +
                 std::to_string(rows.front()->classifier_step) + ")";
    plot.x_label = "layer";
    plot.y_label = "explained variance (%)";
    for (const LayerShares* row : rows) plot.x_ticks.push_back(row->layer);
    for (std::size_t f = 0; f < rows.front()->factors.size(); ++f) plot.series.push_back(factor_series(rows, f, true));
    return render_line_plot(plot);
}

RgbaImage training_figure(const std::vector<const LayerShares*>& rows, const std::string& dataset) {
    LinePlot plot;
    plot.title = "variance explained by z at " + rows.front()->layer + " over training (" + dataset + ")";
    plot.x_label = "classifier training step";
    plot.y_label = "explained variance (%)";
    plot.secondary_y_label = "test accuracy (%)";
    for (const LayerShares* row : rows) plot.x_ticks.push_back(std::to_string(row->classifier_step));
    for (std::size_t f = 0; f < rows.front()->factors.size(); ++f) plot.series.push_back(factor_series(rows, f, true));
    PlotSeries accuracy{"classifier accuracy", {}, {}, {}, {}, true};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!rows[i]->classifier_accuracy) continue;
        accuracy.x.push_back(static_cast<double>(i));
        accuracy.y.push_back(100 * *rows[i]->classifier_accuracy);
    }
    if (!accuracy.x.empty()) plot.series.push_back(accuracy);
    return render_line_plot(plot);
}

}  // namespace

double explained_fraction(const torch::Tensor& a, const torch::Tensor& b) {
    const torch::Tensor both = torch::cat({a, b}, 0).to(torch::kDouble);
    const torch::Tensor mean = both.mean(0);
    const double variance = both.var(0, /*unbiased=*/false).sum().item<double>();
    const double covariance = ((a.to(torch::kDouble) - mean) * (b.to(torch::kDouble) - mean)).mean(0).sum().item<double>();
    return variance > 0 ? covariance / variance : 0.0;
}

namespace {

// The median of each column, with its robust deviation: 1.4826 × the median absolute deviation, the
// standard deviation of a normal column, unmoved by a few values far out.
struct RobustSpread {
    torch::Tensor median;
    torch::Tensor deviation;
};

RobustSpread robust_spread(const torch::Tensor& samples) {
    const torch::Tensor median = std::get<0>(samples.median(0));
    return {median, 1.4826 * std::get<0>((samples - median).abs().median(0))};
}

}  // namespace

torch::Tensor scaled_normal_scores(const torch::Tensor& samples) {
    const torch::Tensor x = samples.to(torch::kDouble);
    const std::int64_t n = x.size(0);
    const torch::Tensor order = std::get<1>(x.sort(0));
    torch::Tensor ranks = torch::empty_like(order);
    ranks.scatter_(0, order, torch::arange(n, order.options()).unsqueeze(1).expand_as(order).contiguous());
    const torch::Tensor quantile = (ranks.to(torch::kDouble) + 0.5) / static_cast<double>(n);
    return torch::erfinv(2 * quantile - 1) * std::sqrt(2.0) * robust_spread(x).deviation;
}

double rank_explained_fraction(const torch::Tensor& a, const torch::Tensor& b) {
    const torch::Tensor scores = scaled_normal_scores(torch::cat({a, b}, 0));
    const std::int64_t n = a.size(0);
    return explained_fraction(scores.slice(0, 0, n), scores.slice(0, n));
}

double far_row_share(const torch::Tensor& a, const torch::Tensor& b, double robust_deviations) {
    const torch::Tensor x = torch::cat({a, b}, 0).to(torch::kDouble);
    const RobustSpread spread = robust_spread(x);
    const torch::Tensor far = ((x - spread.median).abs() > robust_deviations * spread.deviation).any(1);
    return far.to(torch::kDouble).mean().item<double>();
}

ExplainedVarianceReport explained_variance(const Workspace& workspace, const ImageDataset& test,
                                           const ExplainedVarianceRequest& request, ComputeDevice device) {
    if (request.inputs < 2 || request.repeats < 1) {
        throw UserError("explained variance needs at least 2 inputs and 1 repeat; got " + std::to_string(request.inputs) +
                        " and " + std::to_string(request.repeats) + ".");
    }
    torch::NoGradGuard no_grad;
    ExplainedVarianceReport report;
    nlohmann::json models_by_step = nlohmann::json::object();
    const std::vector<std::string> all_layers = AnalysisModels(workspace).layer_names();
    const std::vector<std::int64_t> steps = steps_to_analyse(workspace, request, all_layers);
    if (steps.empty()) {
        throw UserError(
            "no classifier checkpoint has a trained t for the asked layers; train one with `invariances-cli train cinn "
            "--workspace " +
            workspace.folder().string() + " --layer NAME --classifier-step STEP`.");
    }
    for (std::int64_t step : steps) {
        AnalysisModels models(workspace, step, device);
        std::vector<std::string> layers = request.layers;
        if (layers.empty() || request.all_checkpoints) {
            const std::vector<std::string> trained = models.layers_with_t();
            if (layers.empty())
                layers = trained;
            else
                layers.erase(std::remove_if(layers.begin(), layers.end(),
                                            [&](const std::string& l) {
                                                return std::find(trained.begin(), trained.end(), l) == trained.end();
                                            }),
                             layers.end());
        }
        if (layers.empty()) {
            throw UserError("no layer has a trained t for classifier step " + std::to_string(step) +
                            "; run `invariances-cli train cinn --workspace " + workspace.folder().string() +
                            " --layers all` first.");
        }
        for (const std::string& layer : layers) report.layers.push_back(analyse_layer(models, test, layer, request));
        models_by_step[std::to_string(step)] = models.model_records();
    }

    // Per layer at the last analysed step; over steps at the deepest layer seen at several steps.
    std::vector<const LayerShares*> last_step, deepest;
    for (const LayerShares& row : report.layers) {
        if (row.classifier_step == steps.back()) last_step.push_back(&row);
    }
    std::map<std::string, std::vector<const LayerShares*>> by_layer;
    for (const LayerShares& row : report.layers) by_layer[row.layer].push_back(&row);
    for (auto it = all_layers.rbegin(); it != all_layers.rend(); ++it) {
        const auto found = by_layer.find(*it);
        if (found != by_layer.end() && found->second.size() > 1) {
            deepest = found->second;
            break;
        }
    }
    report.layer_figure = layer_figure(last_step, test.name());
    if (!deepest.empty()) report.training_figure = training_figure(deepest, test.name());

    report.provenance = provenance_header("analyze explained-variance", workspace, test);
    report.provenance.update({{"inputs", request.inputs},
                              {"repeats", request.repeats},
                              {"seed", request.seed},
                              {"classifier_steps", steps},
                              {"models", models_by_step}});
    return report;
}

nlohmann::json to_json(const ExplainedVarianceReport& report) {
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerShares& layer : report.layers) {
        nlohmann::json factors = nlohmann::json::object();
        for (const FactorShare& f : layer.factors) {
            factors[f.factor] = {{"mean", f.mean},
                                 {"std", f.std},
                                 {"moments_mean", f.moments_mean},
                                 {"moments_std", f.moments_std},
                                 {"far_sample_share", f.far_sample_share}};
        }
        nlohmann::json entry{{"layer", layer.layer}, {"classifier_step", layer.classifier_step}, {"explained_by_z", factors}};
        if (layer.classifier_accuracy) entry["classifier_test_accuracy"] = *layer.classifier_accuracy;
        layers.push_back(entry);
    }
    return {{"provenance", report.provenance}, {"layers", layers}};
}

std::string describe_shares(const ExplainedVarianceReport& report) {
    std::string text;
    for (const LayerShares& layer : report.layers) {
        for (const FactorShare& share : layer.factors) {
            char line[96];
            std::snprintf(line, sizeof line, "%s%s %.1f %%", text.empty() ? "" : ", ", share.factor.c_str(), 100.0 * share.mean);
            text += line;
        }
    }
    return text;
}

}  // namespace inv
