#include "core/analysis/explained_variance.h"

#include "core/analysis/explained_variance_statistic.h"
#include "core/errors.h"
#include "core/random.h"
#include "core/sample_grid.h"
#include "core/tensor_image.h"
#include "core/training/cinn_trainer.h"
#include "core/training/workspace_models.h"

#include <ATen/CPUGeneratorImpl.h>

namespace inv {
namespace {

// The layers whose t is trained, in the network's order.
std::vector<std::string> layers_with_t(const Workspace& workspace, Classifier& classifier) {
    std::vector<std::string> layers;
    for (const LayerInfo& layer : classifier->layers()) {
        const auto found = workspace.manifest().models.find(cinn_model_name(layer.name, std::nullopt));
        if (found != workspace.manifest().models.end() && !found->second.checkpoints.empty()) layers.push_back(layer.name);
    }
    return layers;
}

}  // namespace

double explained_fraction(const torch::Tensor& a, const torch::Tensor& b) {
    const torch::Tensor both = torch::cat({a, b}, 0).to(torch::kDouble);
    const torch::Tensor mean = both.mean(0);
    const double variance = both.var(0, /*unbiased=*/false).sum().item<double>();
    const double covariance = ((a.to(torch::kDouble) - mean) * (b.to(torch::kDouble) - mean)).mean(0).sum().item<double>();
    return variance > 0 ? covariance / variance : 0.0;
}

ExplainedVarianceReport explained_variance(const Workspace& workspace, const ColorDataset& test,
                                           const ExplainedVarianceRequest& request) {
    if (request.inputs < 2 || request.repeats < 1) {
        throw UserError("explained variance needs at least 2 inputs and 1 repeat; got " + std::to_string(request.inputs) +
                        " and " + std::to_string(request.repeats) + ".");
    }
    torch::NoGradGuard no_grad;
    LoadedClassifier classifier = load_classifier(workspace);
    const LoadedFactorFlow factors = load_factor_network(workspace);
    FactorFlow e = factors.flow;
    const std::vector<std::string> layers = request.layers.empty() ? layers_with_t(workspace, classifier.model) : request.layers;

    ExplainedVarianceReport report;
    nlohmann::json model_files{{"factors", factors.file}};
    for (const std::string& layer : layers) {
        const LoadedConditionalFlow loaded_t = load_cinn(workspace, layer);
        ConditionalFlow t = loaded_t.flow;
        model_files[layer] = loaded_t.file;
        std::vector<std::vector<double>> shares(e->config().factors.size());
        for (int repeat = 0; repeat < request.repeats; ++repeat) {
            const std::uint64_t seed = mix64(request.seed, static_cast<std::uint64_t>(repeat));
            std::vector<ImageSample> images;
            for (std::size_t index : pick_sample_indices(test.size(), static_cast<std::size_t>(request.inputs), seed)) {
                images.push_back(test.get(index));
            }
            const torch::Tensor z = classifier.model->representation(tensor_from_samples(images, test.shape()), layer);
            torch::Generator generator = at::detail::createCPUGenerator(seed);
            const std::int64_t dim = t->config().flow.dim;
            const torch::Tensor v_a = torch::randn({request.inputs, dim}, generator, torch::kFloat);
            const torch::Tensor v_b = torch::randn({request.inputs, dim}, generator, torch::kFloat);
            const auto parts_a = e->split(e->forward(t->inverse(v_a, z)).value);
            const auto parts_b = e->split(e->forward(t->inverse(v_b, z)).value);
            for (std::size_t f = 0; f < parts_a.size(); ++f) shares[f].push_back(explained_fraction(parts_a[f], parts_b[f]));
        }
        LayerShares layer_shares{layer, {}};
        for (std::size_t f = 0; f < shares.size(); ++f) {
            const torch::Tensor values = torch::tensor(shares[f], torch::kDouble);
            layer_shares.factors.push_back({e->config().factors[f].name, values.mean().item<double>(),
                                            values.numel() > 1 ? values.std().item<double>() : 0.0});
        }
        report.layers.push_back(std::move(layer_shares));
    }
    report.provenance = {{"command", "analyze explained-variance"},
                         {"written_by", std::string("invariances ") + INVARIANCES_VERSION},
                         {"workspace", workspace.folder().string()},
                         {"dataset", test.name()},
                         {"inputs", request.inputs},
                         {"repeats", request.repeats},
                         {"seed", request.seed},
                         {"classifier_step", classifier.step},
                         {"models", model_files}};
    return report;
}

nlohmann::json to_json(const ExplainedVarianceReport& report) {
    nlohmann::json layers = nlohmann::json::array();
    for (const LayerShares& layer : report.layers) {
        nlohmann::json factors = nlohmann::json::object();
        for (const FactorShare& f : layer.factors) factors[f.factor] = {{"mean", f.mean}, {"std", f.std}};
        layers.push_back({{"layer", layer.layer}, {"explained_by_z", factors}});
    }
    return {{"provenance", report.provenance}, {"layers", layers}};
}

}  // namespace inv
