#include "core/training/classifier_trainer.h"

#include "core/models/classifier.h"
#include "core/random.h"
#include "core/tensor_image.h"
#include "core/training/training_run.h"

#include <cstdio>
#include <limits>

namespace inv {
namespace {

constexpr const char* kModelName = "classifier";
constexpr int kEvaluationBatch = 500;
constexpr std::int64_t kStateEvery = 100;

// The batch of a step is a pure function of (seed, step): a resumed run sees the same batches.
torch::Tensor batch_indices(std::uint64_t seed, std::int64_t step, int batch_size, std::size_t dataset_size) {
    std::vector<std::int64_t> indices(static_cast<std::size_t>(batch_size));
    const std::uint64_t key = mix64(seed, static_cast<std::uint64_t>(step));
    for (int i = 0; i < batch_size; ++i) {
        indices[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(mix64(key, static_cast<std::uint64_t>(i)) % dataset_size);
    }
    return torch::tensor(indices, torch::kLong);
}

std::pair<torch::Tensor, torch::Tensor> load_batch(const ColorDataset& dataset, const torch::Tensor& indices) {
    std::vector<ImageSample> samples;
    std::vector<std::int64_t> labels;
    const auto* index = indices.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < indices.numel(); ++i) {
        samples.push_back(dataset.get(static_cast<std::size_t>(index[i])));
        labels.push_back(samples.back().label);
    }
    return {tensor_from_samples(samples, dataset.shape()), torch::tensor(labels, torch::kLong)};
}

double test_accuracy(Classifier& model, const ColorDataset& test) {
    torch::NoGradGuard no_grad;
    const bool was_training = model->is_training();
    model->eval();
    std::int64_t correct = 0;
    for (std::size_t start = 0; start < test.size(); start += kEvaluationBatch) {
        const std::size_t end = std::min(test.size(), start + kEvaluationBatch);
        const auto [images, labels] =
            load_batch(test, torch::arange(static_cast<std::int64_t>(start), static_cast<std::int64_t>(end), torch::kLong));
        correct += (model->forward(images).argmax(1) == labels).sum().item<std::int64_t>();
    }
    model->train(was_training);
    return static_cast<double>(correct) / static_cast<double>(test.size());
}

}  // namespace

ClassifierTrainingResult train_classifier(Workspace& workspace, const ColorDataset& train, const ColorDataset& test,
                                          const ClassifierTrainingOptions& options, const TrainingControl& control) {
    torch::manual_seed(options.seed);
    Classifier model(options.model);
    FusedAdam optimizer(model->parameters(), {options.learning_rate, 0.9, 0.999, 1e-8});
    nlohmann::json config = to_json(options.model);
    // The step count stays out: a finished run can be extended by asking for more steps.
    config["training"] = {{"batch_size", options.batch_size}, {"learning_rate", options.learning_rate},
                          {"seed", options.seed}};
    TrainingRun run(workspace, kModelName, "classifier", config, *model, optimizer, control);

    const std::vector<std::int64_t> schedule = logarithmic_schedule(options.steps);
    std::int64_t step = run.resume();
    if (step == 0) run.save_state(0);
    bool nan_injected = false;
    ClassifierTrainingResult result;

    const auto checkpoint_if_due = [&](std::int64_t at) {
        if (std::find(schedule.begin(), schedule.end(), at) == schedule.end() || run.has_checkpoint(at)) return;
        result.test_accuracy = test_accuracy(model, test);
        run.record_checkpoint(at, {{"test_accuracy", result.test_accuracy}});
        run.save_state(at);
        TrainingProgress progress{kModelName, at, options.steps, 0.0, optimizer.lr(), {}};
        char text[96];
        std::snprintf(text, sizeof text, "checkpoint at step %lld: test accuracy %.2f %%", static_cast<long long>(at),
                      100.0 * result.test_accuracy);
        progress.message = text;
        control.report(progress);
    };

    model->train();
    checkpoint_if_due(step);
    while (step < options.steps) {
        if (control.should_stop()) {
            run.save_state(step);
            result.steps_done = step;
            result.rollbacks = run.rollbacks();
            return result;
        }
        torch::manual_seed(mix64(options.seed, static_cast<std::uint64_t>(step) + 1));
        const auto [images, labels] = load_batch(train, batch_indices(options.seed, step, options.batch_size, train.size()));
        torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(images), labels);
        if (options.inject_nan_at && *options.inject_nan_at == step && !nan_injected) {
            nan_injected = true;
            loss = loss * std::numeric_limits<double>::quiet_NaN();
        }
        if (!all_finite(loss)) {
            step = run.roll_back(step, options.max_rollbacks);
            continue;
        }
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        ++step;
        control.report({kModelName, step, options.steps, loss.item<double>(), optimizer.lr(), {}});
        checkpoint_if_due(step);
        if (step % kStateEvery == 0) run.save_state(step);
    }
    if (std::filesystem::exists(run.state_path()) && result.test_accuracy == 0.0) {
        // A finished run re-opened: report the final checkpoint's accuracy.
        const auto& checkpoints = workspace.manifest().models.at(kModelName).checkpoints;
        result.test_accuracy = checkpoints.back().metrics.value("test_accuracy", 0.0);
    }
    result.completed = true;
    result.steps_done = step;
    result.rollbacks = run.rollbacks();
    return result;
}

}  // namespace inv
