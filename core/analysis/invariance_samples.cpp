#include "core/analysis/invariance_samples.h"

#include "core/analysis/analysis_models.h"
#include "core/errors.h"
#include "core/image_grid.h"
#include "core/sample_grid.h"
#include "core/tensor_image.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cmath>
#include <cstdio>

namespace inv {
namespace {

MeanStd tensor_mean_std(const torch::Tensor& values) {
    return {values.mean().item<double>(), values.numel() > 1 ? values.std().item<double>() : 0.0};
}

torch::Tensor cosine(const torch::Tensor& a, const torch::Tensor& b) {
    return torch::cosine_similarity(a.flatten(1), b.flatten(1), 1, 1e-8);
}

}  // namespace

InvarianceSamples sample_invariances(const Workspace& workspace, const ColorDataset& test,
                                     const InvarianceSampleRequest& request) {
    AnalysisModels models(workspace);
    return sample_invariances(models, test, request);
}

InvarianceSamples sample_invariances(AnalysisModels& models, const ColorDataset& test, const InvarianceSampleRequest& request) {
    if (request.inputs < 1 || request.inputs > 64 || request.samples < 1 || request.samples > 64) {
        throw UserError("asked for " + std::to_string(request.inputs) + " inputs and " + std::to_string(request.samples) +
                        " samples; each must be between 1 and 64.");
    }
    torch::NoGradGuard no_grad;
    Classifier& classifier = models.classifier();
    Autoencoder& autoencoder = models.autoencoder();
    ConditionalFlow& t = models.t(request.layer);

    InvarianceSamples result;
    result.input_indices = pick_sample_indices(test.size(), static_cast<std::size_t>(request.inputs), request.seed);
    const torch::Tensor x = test_images(test, result.input_indices);
    const torch::Tensor z = classifier->representation(x, request.layer);

    // The same v for every row: draw M codes once and repeat them per input.
    torch::Generator generator = at::detail::createCPUGenerator(request.seed);
    const std::int64_t dim = t->config().flow.dim;
    const torch::Tensor v = torch::randn({request.samples, dim}, generator, torch::kFloat) * request.temperature;
    const std::int64_t rows = request.inputs;
    const std::int64_t columns = request.samples;
    const torch::Tensor v_grid = v.unsqueeze(0).expand({rows, columns, dim}).reshape({rows * columns, dim});
    const torch::Tensor z_grid = z.repeat_interleave(columns, 0);
    const torch::Tensor samples = autoencoder->decode(t->inverse(v_grid, z_grid));

    const torch::Tensor input_predictions = classifier->forward(x).argmax(1);
    const torch::Tensor sample_predictions = classifier->forward(samples).argmax(1).reshape({rows, columns});
    result.input_predictions.assign(input_predictions.data_ptr<std::int64_t>(),
                                    input_predictions.data_ptr<std::int64_t>() + rows);
    for (std::int64_t r = 0; r < rows; ++r) {
        const torch::Tensor row = sample_predictions[r].contiguous();
        result.sample_predictions.emplace_back(row.data_ptr<std::int64_t>(), row.data_ptr<std::int64_t>() + columns);
    }

    result.reencoded_cosine = tensor_mean_std(cosine(classifier->representation(samples, request.layer), z_grid));
    if (rows > 1) {
        const torch::Tensor flat = z.flatten(1);
        const torch::Tensor all = cosine(flat.repeat_interleave(rows, 0), flat.repeat({rows, 1})).reshape({rows, rows});
        result.random_pair_cosine = tensor_mean_std(all.masked_select(~torch::eye(rows, torch::kBool)));
    }

    std::vector<RgbaImage> cells;
    std::vector<std::string> captions;
    const std::vector<RgbaImage> input_images = rgba_from_batch(x);
    const std::vector<RgbaImage> sample_images = rgba_from_batch(samples);
    const auto& names = test.class_names();
    for (std::int64_t r = 0; r < rows; ++r) {
        cells.push_back(input_images[static_cast<std::size_t>(r)]);
        captions.push_back("x: " + names.at(static_cast<std::size_t>(result.input_predictions[static_cast<std::size_t>(r)])));
        for (std::int64_t c = 0; c < columns; ++c) {
            cells.push_back(sample_images[static_cast<std::size_t>(r * columns + c)]);
            captions.push_back(names.at(static_cast<std::size_t>(result.sample_predictions[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)])));
        }
    }
    GridLayout layout;
    layout.columns = static_cast<int>(columns + 1);
    layout.scale = request.scale;
    layout.cell_labels = captions;
    result.figure = compose_grid(cells, layout).image;

    result.provenance = provenance_header("sample", models.workspace(), test);
    result.provenance.update({{"layer", request.layer},
                              {"inputs", request.inputs},
                              {"samples", request.samples},
                              {"seed", request.seed},
                              {"temperature", request.temperature},
                              {"models", models.model_records()}});
    char temperature[32];
    std::snprintf(temperature, sizeof temperature, "%g", static_cast<double>(request.temperature));
    result.provenance["reproduce"] = "invariances-cli sample --workspace " + models.workspace().folder().string() + " --layer " +
                                     request.layer + " --inputs " + std::to_string(request.inputs) + " --samples " +
                                     std::to_string(request.samples) + " --seed " + std::to_string(request.seed) +
                                     " --temperature " + temperature + " --scale " + std::to_string(request.scale) + " --out FIGURE.png";
    return result;
}

nlohmann::json to_json(const InvarianceSamples& s) {
    return {{"provenance", s.provenance},
            {"input_indices", s.input_indices},
            {"input_predictions", s.input_predictions},
            {"sample_predictions", s.sample_predictions},
            {"reencoded_cosine", {{"mean", s.reencoded_cosine.mean}, {"std", s.reencoded_cosine.std}}},
            {"random_pair_cosine", {{"mean", s.random_pair_cosine.mean}, {"std", s.random_pair_cosine.std}}}};
}

}  // namespace inv
