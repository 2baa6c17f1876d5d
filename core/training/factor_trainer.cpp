#include "core/training/factor_trainer.h"

#include "core/errors.h"
#include "core/flow/flow_losses.h"
#include "core/flow/flows.h"
#include "core/pair_sampler.h"
#include "core/random.h"
#include "core/tensor_image.h"
#include "core/torch_device.h"
#include "core/training/training_run.h"
#include "core/training/workspace_models.h"

#include <cstdio>

namespace inv {
namespace {

constexpr const char* kModelName = "factors";
constexpr int kEvaluationPairs = 400;

// Pairs as tensors: images of both sides and the index of the shared factor in e's split (the
// residual is factor 0, so the data set's factor f is e's factor f + 1).
struct PairBatch {
    torch::Tensor a;
    torch::Tensor b;
    torch::Tensor shared;  // [N] in 1..K

    PairBatch to(const torch::Device& device) const { return {a.to(device), b.to(device), shared.to(device)}; }
};

PairBatch pair_batch(const std::shared_ptr<const ColorDataset>& dataset, std::uint64_t seed, int count) {
    PairSampler sampler(dataset, seed);
    std::vector<ImageSample> a;
    std::vector<ImageSample> b;
    std::vector<std::int64_t> shared;
    for (int i = 0; i < count; ++i) {
        FactorPair pair = sampler.next();
        a.push_back(std::move(pair.a));
        b.push_back(std::move(pair.b));
        shared.push_back(static_cast<std::int64_t>(pair.shared_factor) + 1);
    }
    return {tensor_from_samples(a, dataset->shape()), tensor_from_samples(b, dataset->shape()),
            torch::tensor(shared, torch::kLong)};
}

std::vector<NamedFactor> factor_layout(const FactorTrainingOptions& options, const ColorDataset& train,
                                       Autoencoder& autoencoder, const std::shared_ptr<const ColorDataset>& train_ptr) {
    std::vector<std::string> names{"residual"};
    for (const FactorSpec& spec : train.factors()) names.push_back(spec.name);
    const int dim = autoencoder->config().code_dim;
    std::vector<int> sizes = options.factor_sizes;
    if (sizes.empty()) {
        torch::NoGradGuard no_grad;
        const torch::Device device = autoencoder->parameters().front().device();
        const PairBatch pairs =
            pair_batch(train_ptr, mix64(options.schedule.seed, 0xE57ull), options.estimation_pairs).to(device);
        const FactorDimEstimate estimate =
            estimate_factor_dims(autoencoder->encode(pairs.a).mean, autoencoder->encode(pairs.b).mean, pairs.shared,
                                 static_cast<int>(names.size()) - 1, dim);
        sizes = estimate.sizes;
    }
    if (sizes.size() != names.size()) {
        throw UserError("expected " + std::to_string(names.size()) + " factor sizes (residual, " + names[1] +
                        ", foreground, background), got " + std::to_string(sizes.size()) + ".");
    }
    std::vector<NamedFactor> factors;
    for (std::size_t i = 0; i < names.size(); ++i) factors.push_back({names[i], sizes[i]});
    return factors;
}

// e(E(x)) of a batch, with one factor taken from `donor`, decoded.
torch::Tensor swap_and_decode(FactorFlow& e, Autoencoder& autoencoder, const torch::Tensor& receiver,
                              const torch::Tensor& donor, std::size_t factor) {
    std::vector<torch::Tensor> parts = e->split(e->forward(autoencoder->encode(receiver).mean).value);
    parts[factor] = e->split(e->forward(autoencoder->encode(donor).mean).value)[factor];
    return autoencoder->decode(e->inverse(e->join(parts)));
}

FactorQuality evaluate(FactorFlow& e, Autoencoder& autoencoder, Classifier& classifier, const ColorDataset& test) {
    torch::NoGradGuard no_grad;
    const bool was_training = e->is_training();
    e->eval();
    // Receivers and donors of different classes, fixed for every checkpoint.
    Rng rng(0xFAC7ull);
    std::vector<std::size_t> receivers;
    std::vector<std::size_t> donors;
    while (static_cast<int>(receivers.size()) < kEvaluationPairs) {
        const std::size_t i = rng.below(test.size());
        const std::size_t j = rng.below(test.size());
        if (test.label(i) == test.label(j)) continue;
        receivers.push_back(i);
        donors.push_back(j);
    }
    std::vector<ImageSample> receiver_samples;
    std::vector<ImageSample> donor_samples;
    std::vector<std::int64_t> receiver_labels;
    std::vector<std::int64_t> donor_labels;
    for (std::size_t k = 0; k < receivers.size(); ++k) {
        receiver_samples.push_back(test.get(receivers[k]));
        donor_samples.push_back(test.get(donors[k]));
        receiver_labels.push_back(test.label(receivers[k]));
        donor_labels.push_back(test.label(donors[k]));
    }
    const torch::Device device = autoencoder->parameters().front().device();
    const torch::Tensor a = tensor_from_samples(receiver_samples, test.shape()).to(device);
    const torch::Tensor b = tensor_from_samples(donor_samples, test.shape()).to(device);
    const torch::Tensor class_swapped = swap_and_decode(e, autoencoder, a, b, ColorDataset::kClassFactor + 1);
    const torch::Tensor background_swapped = swap_and_decode(e, autoencoder, a, b, ColorDataset::kBackgroundFactor + 1);

    FactorQuality quality;
    const double n = static_cast<double>(receivers.size());
    quality.class_swap_accuracy =
        (classifier->forward(class_swapped).argmax(1) == torch::tensor(donor_labels).to(device)).to(torch::kDouble).sum().item<double>() / n;
    quality.background_swap_class_kept =
        (classifier->forward(background_swapped).argmax(1) == torch::tensor(receiver_labels).to(device)).to(torch::kDouble).sum().item<double>() / n;
    const torch::Tensor background_swapped_on_cpu = background_swapped.to(torch::kCPU);
    for (std::size_t k = 0; k < receivers.size(); ++k) {
        quality.background_swap_error += colour_error(background_swapped_on_cpu[static_cast<std::int64_t>(k)],
                                                      test.coverage(receivers[k]), test.background(donors[k]),
                                                      ColourRegion::Background);
    }
    quality.background_swap_error /= n;
    e->train(was_training);
    return quality;
}

nlohmann::json to_json(const FactorQuality& q) {
    return {{"class_swap_accuracy", q.class_swap_accuracy},
            {"background_swap_error", q.background_swap_error},
            {"background_swap_class_kept", q.background_swap_class_kept}};
}

std::string summary(const FactorQuality& q) {
    char text[200];
    std::snprintf(text, sizeof text,
                  "class swap gives the donor's class %.1f %%; background swap: colour error %.3f, class kept %.1f %%",
                  100.0 * q.class_swap_accuracy, q.background_swap_error, 100.0 * q.background_swap_class_kept);
    return text;
}

}  // namespace

FactorTrainingResult train_factors(Workspace& workspace, const ColorDataset& train, const ColorDataset& test,
                                   const FactorTrainingOptions& options, const TrainingControl& control) {
    const torch::Device device = to_torch_device(control.device);
    Autoencoder autoencoder = load_autoencoder(workspace, device);
    LoadedClassifier classifier = load_classifier(workspace, std::nullopt, device);
    // PairSampler shares ownership of its data set; this one outlives the training.
    const auto train_ptr = std::shared_ptr<const ColorDataset>(std::shared_ptr<const ColorDataset>{}, &train);

    FactorFlowConfig config;
    config.flow = options.flow;
    config.flow.dim = autoencoder->config().code_dim;
    const auto found = workspace.manifest().models.find(kModelName);
    // A resumed run keeps the layout it started with; estimating again could differ.
    config.factors = found != workspace.manifest().models.end()
                         ? factor_flow_config_from_json(found->second.config).factors
                         : factor_layout(options, train, autoencoder, train_ptr);
    torch::manual_seed(options.schedule.seed);
    FactorFlow e(config);
    e->to(device);
    FusedAdam optimizer(e->parameters(), {options.schedule.learning_rate, 0.5, 0.9, 1e-8});
    nlohmann::json saved_config = to_json(config);
    saved_config["training"] = training_settings(options.schedule);
    TrainingRun run(workspace, kModelName, "factors", saved_config, *e, optimizer, control);

    e->train();
    const LoopResult loop = run_training_loop(
        run, optimizer, options.schedule, control, kModelName,
        [&](std::int64_t step) {
            const PairBatch pairs = pair_batch(train_ptr, mix64(options.schedule.seed, static_cast<std::uint64_t>(step)), options.schedule.batch_size)
                                      .to(device);
            torch::Tensor code_a;
            torch::Tensor code_b;
            {
                torch::NoGradGuard frozen;
                code_a = autoencoder->encode(pairs.a).sample();
                code_b = autoencoder->encode(pairs.b).sample();
            }
            return pair_loss(e->forward(code_a), e->forward(code_b), e->factor_mask(pairs.shared));
        },
        [&] {
            const FactorQuality quality = evaluate(e, autoencoder, classifier.model, test);
            return Evaluation{to_json(quality), summary(quality)};
        });
    FactorTrainingResult result;
    result.completed = loop.completed;
    result.steps_done = loop.steps_done;
    result.rollbacks = loop.rollbacks;
    result.factors = config.factors;
    if (loop.metrics.is_object()) {
        result.quality.class_swap_accuracy = loop.metrics.value("class_swap_accuracy", 0.0);
        result.quality.background_swap_error = loop.metrics.value("background_swap_error", 0.0);
        result.quality.background_swap_class_kept = loop.metrics.value("background_swap_class_kept", 0.0);
    }
    return result;
}

}  // namespace inv
