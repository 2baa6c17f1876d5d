#include "core/training/cinn_trainer.h"

#include "core/flow/flow_checkpoint.h"
#include "core/flow/flow_losses.h"
#include "core/runtime/errors.h"
#include "core/runtime/torch_device.h"
#include "core/training/batches.h"
#include "core/training/training_run.h"
#include "core/workspace/workspace_models.h"

#include <cstdio>

namespace inv {
namespace {

constexpr std::size_t kEvaluationImages = 500;
constexpr std::size_t kEvaluationBatch = 250;

struct FrozenModels {
    Classifier classifier{nullptr};
    Autoencoder autoencoder{nullptr};
    std::int64_t classifier_step = 0;
};

FrozenModels load_frozen(const Workspace& workspace, std::optional<std::int64_t> classifier_step, const torch::Device& device) {
    LoadedClassifier classifier = load_classifier(workspace, classifier_step, device);
    return {classifier.model, load_autoencoder(workspace, device), classifier.step};
}

CinnQuality evaluate(ConditionalFlow& t, FrozenModels& frozen, const std::string& layer, const ImageDataset& test,
                     const torch::Device& device, std::size_t images = kEvaluationImages) {
    torch::NoGradGuard no_grad;
    const bool was_training = t->is_training();
    t->eval();
    CinnQuality quality;
    double agreement = 0.0;
    double input_error = 0.0;
    const std::vector<std::size_t> chosen = evaluation_indices(test, images);
    const std::size_t count = chosen.size();
    for (const std::vector<std::size_t>& part : in_batches(chosen, kEvaluationBatch)) {
        const ImageBatch batch = dataset_samples(test, part).to(device);
        const torch::Tensor z = frozen.classifier->representation(batch.images, layer);
        const torch::Tensor code = frozen.autoencoder->encode(batch.images).sample();
        const torch::Tensor v = t->forward(code, z).value;
        const double n = static_cast<double>(batch.images.size(0));
        quality.half_squared_norm_per_dim += (0.5 * v.pow(2).sum(1) / v.size(1)).sum().item<double>();
        const torch::Tensor samples = frozen.autoencoder->decode(t->inverse(torch::randn_like(v), z));
        const torch::Tensor predicted = frozen.classifier->forward(batch.images).argmax(1);
        agreement += (frozen.classifier->forward(samples).argmax(1) == predicted).to(torch::kDouble).sum().item<double>();
        input_error += (samples - batch.images).abs().mean().item<double>() * n;
    }
    const double n = static_cast<double>(count);
    quality.half_squared_norm_per_dim /= n;
    if (layer == "logits" || layer == "softmax") quality.prediction_agreement = agreement / n;
    if (layer == "input") quality.input_sample_error = input_error / n;
    t->train(was_training);
    return quality;
}

nlohmann::json to_json(const CinnQuality& q) {
    nlohmann::json j{{"half_squared_norm_per_dim", q.half_squared_norm_per_dim}};
    if (q.prediction_agreement) j["prediction_agreement"] = *q.prediction_agreement;
    if (q.input_sample_error) j["input_sample_error"] = *q.input_sample_error;
    return j;
}

CinnQuality quality_from_json(const nlohmann::json& m) {
    CinnQuality q;
    if (!m.is_object()) return q;
    q.half_squared_norm_per_dim = m.value("half_squared_norm_per_dim", 0.0);
    if (m.contains("prediction_agreement")) q.prediction_agreement = m["prediction_agreement"].get<double>();
    if (m.contains("input_sample_error")) q.input_sample_error = m["input_sample_error"].get<double>();
    return q;
}

std::string summary(const CinnQuality& q) {
    char text[160];
    int used = std::snprintf(text, sizeof text, "held-out 1/2|v|^2 per dim %.3f", q.half_squared_norm_per_dim);
    if (q.prediction_agreement) {
        used += std::snprintf(text + used, sizeof text - used, ", samples keep the prediction %.1f %%",
                              100.0 * *q.prediction_agreement);
    }
    if (q.input_sample_error)
        std::snprintf(text + used, sizeof text - used, ", samples differ from x by %.3f", *q.input_sample_error);
    return text;
}

}  // namespace

CinnTrainingResult train_cinn(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                              const CinnTrainingOptions& options, const TrainingControl& control) {
    const torch::Device device = to_torch_device(control.device);
    FrozenModels frozen = load_frozen(workspace, options.classifier_step, device);
    const LayerInfo* layer = &frozen.classifier->layer(options.layer);

    torch::manual_seed(options.schedule.seed);
    ConditionalFlowConfig config;
    config.flow = options.flow;
    config.flow.dim = frozen.autoencoder->config().code_dim;
    config.condition_shape.assign(layer->shape.begin(), layer->shape.end());
    config.embedding_dim = options.embedding_dim;
    ConditionalFlow t(config);
    t->to(device);
    FusedAdam optimizer(t->parameters(), {options.schedule.learning_rate, 0.5, 0.9, 1e-8});
    nlohmann::json saved_config = to_json(config);
    saved_config["layer"] = options.layer;
    saved_config["classifier_step"] = frozen.classifier_step;
    saved_config["training"] = training_settings(options.schedule);
    const std::string name = cinn_model_name(options.layer, options.classifier_step);
    TrainingRun run(workspace, name, "cinn", saved_config, *t, optimizer, control);

    t->train();
    const LoopResult loop = run_training_loop(
        run, optimizer, options.schedule, control, name,
        [&](std::int64_t step) {
            const ImageBatch batch = training_batch(train, options.schedule.seed, step, options.schedule.batch_size).to(device);
            torch::Tensor z;
            torch::Tensor code;
            {
                torch::NoGradGuard frozen_models;
                z = frozen.classifier->representation(batch.images, options.layer);
                code = frozen.autoencoder->encode(batch.images).sample();
            }
            return flow_nll(t->forward(code, z));
        },
        [&] {
            const CinnQuality quality = evaluate(t, frozen, options.layer, test, device);
            return Evaluation{to_json(quality), summary(quality)};
        });
    CinnTrainingResult result;
    result.model_name = name;
    result.completed = loop.completed;
    result.steps_done = loop.steps_done;
    result.rollbacks = loop.rollbacks;
    result.quality = quality_from_json(loop.metrics);
    return result;
}

CinnQuality measure_cinn(const Workspace& workspace, const std::string& layer, const ImageDataset& test, std::size_t images,
                         std::uint64_t seed, ComputeDevice compute_device) {
    const torch::Device device = to_torch_device(compute_device);
    FrozenModels frozen = load_frozen(workspace, std::nullopt, device);
    ConditionalFlow t = load_cinn(workspace, layer, std::nullopt, device).flow;
    torch::manual_seed(seed);
    return evaluate(t, frozen, layer, test, device, images);
}

}  // namespace inv
