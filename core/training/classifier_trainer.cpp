#include "core/training/classifier_trainer.h"

#include "core/models/classifier.h"
#include "core/runtime/errors.h"
#include "core/runtime/torch_device.h"
#include "core/training/batches.h"
#include "core/training/training_run.h"
#include "core/workspace/workspace_models.h"

#include <cstdio>

namespace inv {

ClassifierTrainingResult train_classifier(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                                          const ClassifierTrainingOptions& options, const TrainingControl& control) {
    if (train.class_names().size() < 2) {
        throw UserError(train.name() + " has no classes to learn; put the images in one sub-folder per class (at least two).");
    }
    if (options.model.classes != static_cast<int>(train.class_names().size()) ||
        options.model.input_size != train.shape().height || options.model.input_channels != train.shape().channels) {
        throw UserError("the classifier's configuration (" + std::to_string(options.model.classes) + " classes, " +
                        std::to_string(options.model.input_size) + " pixels) does not fit " + train.name() + " (" +
                        std::to_string(train.class_names().size()) + " classes, " + std::to_string(train.shape().height) +
                        " pixels).");
    }
    torch::manual_seed(options.schedule.seed);
    Classifier model(options.model);
    const torch::Device device = to_torch_device(control.device);
    model->to(device);
    FusedAdam optimizer(model->parameters(), {options.schedule.learning_rate, 0.9, 0.999, 1e-8});
    nlohmann::json config = to_json(options.model);
    config["class_names"] = train.class_names();  // what its outputs mean, whatever images it is shown later
    config["training"] = training_settings(options.schedule);
    if (options.max_shift > 0) config["training"]["max_shift"] = options.max_shift;  // older workspaces have none
    TrainingRun run(workspace, options.model_name, "classifier", config, *model, optimizer, control);

    model->train();
    const LoopResult loop = run_training_loop(
        run, optimizer, options.schedule, control, options.model_name,
        [&](std::int64_t step) {
            const ImageBatch batch =
                training_batch(train, options.schedule.seed, step, options.schedule.batch_size, true, options.max_shift)
                    .to(device);
            // Images outside every class folder (label -1) teach nothing here.
            return torch::nn::functional::cross_entropy(model->forward(batch.images), batch.labels,
                                                        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
        },
        [&] {
            const double accuracy = test_accuracy(model, test, device);
            char text[64];
            std::snprintf(text, sizeof text, "test accuracy %.2f %%", 100.0 * accuracy);
            return Evaluation{{{"test_accuracy", accuracy}}, text};
        });
    ClassifierTrainingResult result;
    result.completed = loop.completed;
    result.steps_done = loop.steps_done;
    result.rollbacks = loop.rollbacks;
    result.test_accuracy = loop.metrics.is_object() ? loop.metrics.value("test_accuracy", 0.0) : 0.0;
    return result;
}

double measure_classifier(const Workspace& workspace, const ImageDataset& test, ComputeDevice compute_device) {
    const torch::Device device = to_torch_device(compute_device);
    Classifier model = load_classifier(workspace, std::nullopt, device).model;
    return test_accuracy(model, test, device);
}

std::vector<std::string> classifier_layer_names(const Workspace& workspace) {
    // Held by name: a range over the temporary's layers would outlive the temporary.
    const Classifier model = load_classifier(workspace).model;
    std::vector<std::string> names;
    for (const LayerInfo& layer : model->layers()) names.push_back(layer.name);
    return names;
}

}  // namespace inv
