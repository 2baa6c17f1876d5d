#include "core/training/factor_trainer.h"

#include "core/data/color_dataset.h"
#include "core/data/pair_sampler.h"
#include "core/flow/flow_losses.h"
#include "core/flow/flows.h"
#include "core/image/tensor_image.h"
#include "core/runtime/data_parallel.h"
#include "core/runtime/errors.h"
#include "core/runtime/random.h"
#include "core/runtime/torch_device.h"
#include "core/training/training_run.h"
#include "core/workspace/workspace_models.h"

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

PairBatch pair_batch(PairSampler& sampler, const ImageShape& shape, std::uint64_t seed, int count) {
    sampler.reseed(seed);
    std::vector<ImageSample> a;
    std::vector<ImageSample> b;
    std::vector<std::int64_t> shared;
    for (int i = 0; i < count; ++i) {
        FactorPair pair = sampler.next();
        a.push_back(std::move(pair.a));
        b.push_back(std::move(pair.b));
        shared.push_back(static_cast<std::int64_t>(pair.shared_factor) + 1);
    }
    return {tensor_from_samples(a, shape), tensor_from_samples(b, shape), torch::tensor(shared, torch::kLong)};
}

std::vector<NamedFactor> factor_layout(const FactorTrainingOptions& options, const ImageDataset& train, Autoencoder& autoencoder,
                                       PairSampler& sampler) {
    std::vector<std::string> names{"residual"};
    for (const FactorSpec& spec : train.factors()) names.push_back(spec.name);
    const int dim = autoencoder->config().code_dim;
    std::vector<int> sizes = options.factor_sizes;
    if (sizes.empty()) {
        torch::NoGradGuard no_grad;
        const torch::Device device = autoencoder->parameters().front().device();
        const PairBatch pairs =
            pair_batch(sampler, train.shape(), mix64(options.schedule.seed, 0xE57ull), options.estimation_pairs).to(device);
        const FactorDimEstimate estimate =
            estimate_factor_dims(autoencoder->encode(pairs.a).mean, autoencoder->encode(pairs.b).mean, pairs.shared,
                                 static_cast<int>(names.size()) - 1, dim);
        sizes = estimate.sizes;
    }
    if (sizes.size() != names.size()) {
        std::string listed;
        for (const std::string& name : names) listed += (listed.empty() ? "" : ", ") + name;
        throw UserError("expected " + std::to_string(names.size()) + " factor sizes (" + listed + "), got " +
                        std::to_string(sizes.size()) + ".");
    }
    std::vector<NamedFactor> factors;
    for (std::size_t i = 0; i < names.size(); ++i) factors.push_back({names[i], sizes[i]});
    return factors;
}

// e(E(x)) of a batch, with one factor taken from `donor`, decoded.
torch::Tensor swap_and_decode(FactorFlow& e, Autoencoder& autoencoder, const torch::Tensor& receiver, const torch::Tensor& donor,
                              std::size_t factor) {
    std::vector<torch::Tensor> parts = e->split(e->forward(autoencoder->encode(receiver).mean).value);
    parts[factor] = e->split(e->forward(autoencoder->encode(donor).mean).value)[factor];
    return autoencoder->decode(e->inverse(e->join(parts)));
}

FactorQuality evaluate(FactorFlow& e, Autoencoder& autoencoder, Classifier& classifier, const ImageDataset& test,
                       int pair_count = kEvaluationPairs) {
    FactorQuality quality;
    // The class swap is judged by the classifier: it needs labelled images, a "class" factor (the
    // first one of every labelled data set) and a classifier of those same classes.
    const std::size_t classes = test.class_names().size();
    if (classes < 2 || classifier->layers().back().shape.at(0) != static_cast<long>(classes)) return quality;
    torch::NoGradGuard no_grad;
    const bool was_training = e->is_training();
    e->eval();
    // Receivers and donors of different classes, fixed for every checkpoint.
    std::vector<int> labels;
    labels.reserve(test.size());
    for (std::size_t i = 0; i < test.size(); ++i) labels.push_back(test.get(i).label);
    Rng rng(0xFAC7ull);
    std::vector<std::size_t> receivers;
    std::vector<std::size_t> donors;
    for (int tries = 0; static_cast<int>(receivers.size()) < pair_count && tries < 100 * pair_count; ++tries) {
        const std::size_t i = rng.below(test.size());
        const std::size_t j = rng.below(test.size());
        if (labels[i] < 0 || labels[j] < 0 || labels[i] == labels[j]) continue;
        receivers.push_back(i);
        donors.push_back(j);
    }
    if (receivers.empty()) return quality;
    std::vector<ImageSample> receiver_samples;
    std::vector<ImageSample> donor_samples;
    std::vector<std::int64_t> receiver_labels;
    std::vector<std::int64_t> donor_labels;
    for (std::size_t k = 0; k < receivers.size(); ++k) {
        receiver_samples.push_back(test.get(receivers[k]));
        donor_samples.push_back(test.get(donors[k]));
        receiver_labels.push_back(labels[receivers[k]]);
        donor_labels.push_back(labels[donors[k]]);
    }
    const torch::Device device = autoencoder->parameters().front().device();
    const torch::Tensor a = tensor_from_samples(receiver_samples, test.shape()).to(device);
    const torch::Tensor b = tensor_from_samples(donor_samples, test.shape()).to(device);
    const double n = static_cast<double>(receivers.size());
    const torch::Tensor class_swapped = swap_and_decode(e, autoencoder, a, b, 1);
    quality.class_swap_accuracy = (classifier->forward(class_swapped).argmax(1) == torch::tensor(donor_labels).to(device))
                                      .to(torch::kDouble)
                                      .sum()
                                      .item<double>() /
                                  n;

    if (const auto* coloured = dynamic_cast<const ColorDataset*>(&test)) {
        const torch::Tensor background_swapped = swap_and_decode(e, autoencoder, a, b, ColorDataset::kBackgroundFactor + 1);
        quality.background_swap_class_kept =
            (classifier->forward(background_swapped).argmax(1) == torch::tensor(receiver_labels).to(device))
                .to(torch::kDouble)
                .sum()
                .item<double>() /
            n;
        const torch::Tensor background_swapped_on_cpu = background_swapped.to(torch::kCPU);
        double error = 0.0;
        for (std::size_t k = 0; k < receivers.size(); ++k) {
            error += colour_error(background_swapped_on_cpu[static_cast<std::int64_t>(k)], coloured->coverage(receivers[k]),
                                  coloured->background(donors[k]), ColourRegion::Background);
        }
        quality.background_swap_error = error / n;
    }
    e->train(was_training);
    return quality;
}

nlohmann::json to_json(const FactorQuality& q) {
    nlohmann::json j = nlohmann::json::object();
    if (q.class_swap_accuracy) j["class_swap_accuracy"] = *q.class_swap_accuracy;
    if (q.background_swap_error) j["background_swap_error"] = *q.background_swap_error;
    if (q.background_swap_class_kept) j["background_swap_class_kept"] = *q.background_swap_class_kept;
    return j;
}

std::string summary(const FactorQuality& q) {
    if (!q.class_swap_accuracy) return "no swap measures for this data set and classifier";
    char text[200];
    std::snprintf(text, sizeof text, "class swap gives the donor's class %.1f %%", 100.0 * *q.class_swap_accuracy);
    std::string line = text;
    if (q.background_swap_error && q.background_swap_class_kept) {
        std::snprintf(text, sizeof text, "; background swap: colour error %.3f, class kept %.1f %%", *q.background_swap_error,
                      100.0 * *q.background_swap_class_kept);
        line += text;
    }
    return line;
}

}  // namespace

FactorTrainingResult train_factors(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                                   const FactorTrainingOptions& options, const TrainingControl& control) {
    const torch::Device device = to_torch_device(control.device);
    Autoencoder autoencoder = load_autoencoder(workspace, device);
    LoadedClassifier classifier = load_classifier(workspace, std::nullopt, device);
    // PairSampler shares ownership of its data set; this one outlives the training. It indexes the
    // data set's categories once; every batch reseeds it, so a batch stays a function of its step.
    PairSampler sampler(std::shared_ptr<const ImageDataset>(std::shared_ptr<const ImageDataset>{}, &train),
                        options.schedule.seed);

    FactorFlowConfig config;
    config.flow = options.flow;
    config.flow.dim = autoencoder->config().code_dim;
    const auto found = workspace.manifest().models.find(kModelName);
    // A resumed run keeps the layout it started with; estimating again could differ. Without a
    // training state the run starts afresh and the manifest's entry is an earlier run's.
    config.factors = found != workspace.manifest().models.end() && has_training_state(workspace, kModelName)
                         ? factor_flow_config_from_json(found->second.config).factors
                         : factor_layout(options, train, autoencoder, sampler);
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
            // The sampler draws pairs one after another, so every rank draws the whole batch and keeps
            // its share.
            const PairBatch whole =
                pair_batch(sampler, train.shape(), mix64(options.schedule.seed, static_cast<std::uint64_t>(step)),
                           options.schedule.batch_size);
            const PairBatch pairs =
                PairBatch{rows_of_share(whole.a), rows_of_share(whole.b), rows_of_share(whole.shared)}.to(device);
            // Both sides of every pair go through E and e as one batch: the flow's layers are small,
            // so a step costs about as much per call as per row, and one call of 2N rows takes
            // little more time than one of N.
            const std::int64_t n = pairs.a.size(0);
            torch::Tensor codes;
            {
                torch::NoGradGuard frozen;
                codes = autoencoder->encode(torch::cat({pairs.a, pairs.b}, 0)).sample();
            }
            const FlowOutput both = e->forward(codes);
            const FlowOutput side_a{both.value.narrow(0, 0, n), both.logdet.narrow(0, 0, n)};
            const FlowOutput side_b{both.value.narrow(0, n, n), both.logdet.narrow(0, n, n)};
            return pair_loss(side_a, side_b, e->factor_mask(pairs.shared));
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
        for (const auto& [key, field] : {std::pair{"class_swap_accuracy", &FactorQuality::class_swap_accuracy},
                                         std::pair{"background_swap_error", &FactorQuality::background_swap_error},
                                         std::pair{"background_swap_class_kept", &FactorQuality::background_swap_class_kept}}) {
            if (loop.metrics.contains(key)) result.quality.*field = loop.metrics[key].get<double>();
        }
    }
    return result;
}

FactorQuality measure_factors(const Workspace& workspace, const ImageDataset& test, int pairs, ComputeDevice compute_device) {
    const torch::Device device = to_torch_device(compute_device);
    Autoencoder autoencoder = load_autoencoder(workspace, device);
    LoadedClassifier classifier = load_classifier(workspace, std::nullopt, device);
    FactorFlow e = load_factor_network(workspace, device).flow;
    return evaluate(e, autoencoder, classifier.model, test, pairs);
}

}  // namespace inv
