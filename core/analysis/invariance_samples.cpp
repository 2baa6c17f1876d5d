#include "core/analysis/invariance_samples.h"

#include "core/analysis/analysis_models.h"
#include "core/flow/flow_checkpoint.h"
#include "core/image/image_grid.h"
#include "core/image/sample_grid.h"
#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"

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

InvarianceSamples sample_invariances(const Workspace& workspace, const ImageDataset& test, const InvarianceSampleRequest& request,
                                     ComputeDevice device) {
    AnalysisModels models(workspace, std::nullopt, device);
    return sample_invariances(models, test, request);
}

InvarianceSamples sample_invariances(AnalysisModels& models, const ImageDataset& test, const InvarianceSampleRequest& request) {
    const int rows_asked = request.inputs + static_cast<int>(request.extra_inputs.size());
    if (request.inputs < 0 || rows_asked < 1 || rows_asked > 64 || request.samples < 1 || request.samples > 64) {
        throw UserError("asked for " + std::to_string(rows_asked) + " input rows and " + std::to_string(request.samples) +
                        " samples; each must be between 1 and 64.");
    }

    torch::NoGradGuard no_grad;
    Classifier& classifier = models.classifier();
    Autoencoder& autoencoder = models.autoencoder();
    ConditionalFlow& t = models.t(request.layer);

    InvarianceSamples result;
    if (request.inputs > 0) {
        result.input_indices = pick_sample_indices(test.size(), static_cast<std::size_t>(request.inputs), request.seed);
    }
    std::vector<RgbaImage> own;
    std::vector<std::string> own_names;
    for (const NamedImage& image : request.extra_inputs) own.push_back(image.image), own_names.push_back(image.name);
    const torch::Tensor x =
        torch::cat({test_images(test, result.input_indices, models.device()), user_images(test, own, models.device())});
    const torch::Tensor z = classifier->representation(x, request.layer);

    // The same v for every row: draw M codes once and repeat them per input.
    torch::Generator generator = at::detail::createCPUGenerator(request.seed);
    const std::int64_t dim = t->config().flow.dim;
    const torch::Tensor v_on_cpu = torch::randn({request.samples, dim}, generator, torch::kFloat) * request.temperature;
    result.v_digest = fnv1a_hex(std::string(static_cast<const char*>(v_on_cpu.contiguous().data_ptr()),
                                            static_cast<std::size_t>(v_on_cpu.numel()) * sizeof(float)));
    const torch::Tensor v = v_on_cpu.to(models.device());
    const std::int64_t rows = rows_asked;
    const std::int64_t columns = request.samples;
    const torch::Tensor v_grid = v.unsqueeze(0).expand({rows, columns, dim}).reshape({rows * columns, dim});
    const torch::Tensor z_grid = z.repeat_interleave(columns, 0);
    const torch::Tensor samples = autoencoder->decode(t->inverse(v_grid, z_grid));

    const torch::Tensor input_predictions = classifier->forward(x).argmax(1).to(torch::kCPU);
    const torch::Tensor sample_predictions = classifier->forward(samples).argmax(1).reshape({rows, columns}).to(torch::kCPU);
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
        result.random_pair_cosine = tensor_mean_std(all.masked_select(~torch::eye(rows, all.options().dtype(torch::kBool))));
    }

    std::vector<RgbaImage> cells;
    std::vector<std::string> captions;
    const std::vector<RgbaImage> input_images = rgba_from_batch(x);
    result.sample_images = rgba_from_batch(samples);
    const std::vector<RgbaImage>& sample_images = result.sample_images;
    const std::vector<std::string> names = models.prediction_names(test);
    result.class_names = names;
    for (std::int64_t r = 0; r < rows; ++r) {
        cells.push_back(input_images[static_cast<std::size_t>(r)]);
        const bool yours = r >= request.inputs;
        captions.push_back((yours ? "yours: " : "x: ") +
                           names.at(static_cast<std::size_t>(result.input_predictions[static_cast<std::size_t>(r)])));
        for (std::int64_t c = 0; c < columns; ++c) {
            cells.push_back(sample_images[static_cast<std::size_t>(r * columns + c)]);
            captions.push_back(names.at(
                static_cast<std::size_t>(result.sample_predictions[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)])));
        }
    }
    GridLayout layout;
    layout.columns = static_cast<int>(columns + 1);
    layout.scale = request.scale;
    layout.cell_labels = captions;
    ComposedGrid composed = compose_grid(cells, layout);
    result.figure = std::move(composed.image);
    result.cells = std::move(composed.cells);

    result.provenance = provenance_header("sample", models.workspace(), test);
    result.provenance.update(
        {{"layer", request.layer},
         {"inputs", request.inputs},
         {"samples", request.samples},
         {"seed", request.seed},
         {"temperature", request.temperature},
         {"extra_inputs", own_names},
         {"inputs_from", request.inputs_from.empty() ? nlohmann::json() : nlohmann::json(request.inputs_from)},
         {"models", models.model_records()}});
    char temperature[32];
    std::snprintf(temperature, sizeof temperature, "%g", static_cast<double>(request.temperature));
    std::string reproduce = "invariances-cli sample --workspace " + models.workspace().folder().string() + " --layer " +
                            request.layer + " --inputs " + std::to_string(request.inputs) + " --samples " +
                            std::to_string(request.samples) + " --seed " + std::to_string(request.seed) + " --temperature " +
                            temperature + " --scale " + std::to_string(request.scale);
    for (const std::string& name : own_names) reproduce += " --image " + name;
    if (!request.inputs_from.empty()) reproduce += " --inputs-from " + request.inputs_from;
    result.provenance["reproduce"] = reproduce + " --out FIGURE.png";
    return result;
}

nlohmann::json to_json(const InvarianceSamples& s) {
    return {{"provenance", s.provenance},
            {"input_indices", s.input_indices},
            {"input_predictions", s.input_predictions},
            {"sample_predictions", s.sample_predictions},
            {"class_names", s.class_names},  // what the prediction indices stand for
            {"v_digest", s.v_digest},
            {"reencoded_cosine", {{"mean", s.reencoded_cosine.mean}, {"std", s.reencoded_cosine.std}}},
            {"random_pair_cosine", {{"mean", s.random_pair_cosine.mean}, {"std", s.random_pair_cosine.std}}}};
}

}  // namespace inv
