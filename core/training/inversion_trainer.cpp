#include "core/training/inversion_trainer.h"

#include "core/models/inversion_decoder.h"
#include "core/runtime/errors.h"
#include "core/runtime/torch_device.h"
#include "core/training/batches.h"
#include "core/training/training_run.h"
#include "core/workspace/workspace_models.h"

#include <cstdio>

namespace inv {
namespace {

constexpr std::size_t kEvaluationImages = 500;

double test_mse(InversionDecoder& decoder, Classifier& classifier, const std::string& layer, const ImageDataset& test,
                const torch::Device& device) {
    torch::NoGradGuard no_grad;
    const bool was_training = decoder->is_training();
    decoder->eval();
    const ImageBatch batch = dataset_samples(test, evaluation_indices(test, kEvaluationImages)).to(device);
    const double mse =
        (decoder->forward(classifier->representation(batch.images, layer)) - batch.images).pow(2).mean().item<double>();
    decoder->train(was_training);
    return mse;
}

}  // namespace

std::string inversion_model_name(const std::string& layer) {
    return "inversion-" + layer;
}

InversionTrainingResult train_inversion(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                                        const InversionTrainingOptions& options, const TrainingControl& control) {
    const torch::Device device = to_torch_device(control.device);
    LoadedClassifier classifier = load_classifier(workspace, std::nullopt, device);
    const Autoencoder autoencoder = load_autoencoder(workspace);
    const LayerInfo* layer = &classifier.model->layer(options.layer);

    torch::manual_seed(options.schedule.seed);
    const InversionDecoderConfig config{{layer->shape.begin(), layer->shape.end()}, autoencoder->config()};
    InversionDecoder decoder(config);
    decoder->to(device);
    FusedAdam optimizer(decoder->parameters(), {options.schedule.learning_rate, 0.5, 0.9, 1e-8});
    nlohmann::json saved_config = to_json(config);
    saved_config["layer"] = options.layer;
    saved_config["classifier_step"] = classifier.step;
    saved_config["training"] = training_settings(options.schedule);
    const std::string name = inversion_model_name(options.layer);
    TrainingRun run(workspace, name, "inversion", saved_config, *decoder, optimizer, control);

    decoder->train();
    const LoopResult loop = run_training_loop(
        run, optimizer, options.schedule, control, name,
        [&](std::int64_t step) {
            const ImageBatch batch = training_batch(train, options.schedule.seed, step, options.schedule.batch_size).to(device);
            torch::Tensor z;
            {
                torch::NoGradGuard frozen;
                z = classifier.model->representation(batch.images, options.layer);
            }
            return (decoder->forward(z) - batch.images).pow(2).sum({1, 2, 3}).mean();
        },
        [&] {
            const double mse = test_mse(decoder, classifier.model, options.layer, test, device);
            char text[64];
            std::snprintf(text, sizeof text, "test mean squared error %.4f", mse);
            return Evaluation{{{"test_mse", mse}}, text};
        });
    InversionTrainingResult result;
    result.model_name = name;
    result.completed = loop.completed;
    result.steps_done = loop.steps_done;
    result.rollbacks = loop.rollbacks;
    result.test_mse = loop.metrics.is_object() ? loop.metrics.value("test_mse", 0.0) : 0.0;
    return result;
}

}  // namespace inv
