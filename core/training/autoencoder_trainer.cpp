#include "core/training/autoencoder_trainer.h"

#include "core/models/patch_discriminator.h"
#include "core/runtime/data_parallel.h"
#include "core/runtime/errors.h"
#include "core/runtime/torch_device.h"
#include "core/training/batches.h"
#include "core/training/training_run.h"
#include "core/workspace/workspace_models.h"

#include <cmath>
#include <cstdio>

namespace inv {
namespace {

constexpr const char* kModelName = "autoencoder";
constexpr std::size_t kEvaluationImages = 1000;
constexpr std::size_t kEvaluationBatch = 250;

// 1 + weight x (each pixel's distance to the mean colour of the image's outermost ring, over the
// image's largest such distance): see AutoencoderTrainingOptions::stroke_weight.
torch::Tensor stroke_weights(const torch::Tensor& images, double weight) {
    const torch::Tensor top = images.select(2, 0);
    const torch::Tensor bottom = images.select(2, -1);
    const torch::Tensor left = images.select(3, 0);
    const torch::Tensor right = images.select(3, -1);
    const torch::Tensor border = torch::cat({top, bottom, left, right}, 2).mean(2).unsqueeze(2).unsqueeze(3);
    const torch::Tensor distance = (images - border).abs().sum(1, true);
    const torch::Tensor farthest = std::get<0>(distance.flatten(1).max(1)).clamp_min(1e-3).view({-1, 1, 1, 1});
    return 1.0 + weight * (distance / farthest);
}

// The workspace's last classifier, when it has one that predicts `test`'s classes. A user's model may
// classify other things than the data set's labels: then its accuracy on reconstructions would mean
// nothing.
std::optional<Classifier> label_reader(const Workspace& workspace, const ImageDataset& test, const torch::Device& device) {
    if (!has_trained(workspace, "classifier")) return std::nullopt;
    Classifier classifier = load_classifier(workspace, std::nullopt, device).model;
    if (classifier->layers().back().shape.at(0) != static_cast<long>(test.class_names().size())) return std::nullopt;
    return classifier;
}

AutoencoderQuality evaluate(Autoencoder& model, const ImageDataset& test, std::optional<Classifier>& classifier,
                            const torch::Device& device, std::size_t images = kEvaluationImages) {
    torch::NoGradGuard no_grad;
    const bool was_training = model->is_training();
    model->eval();
    AutoencoderQuality quality;
    // Colours are known only for ColorMNIST/ColorFashion; classes only for labelled images.
    const auto* coloured = dynamic_cast<const ColorDataset*>(&test);
    double foreground_error = 0.0;
    double background_error = 0.0;
    std::int64_t correct = 0;
    std::int64_t labelled = 0;
    const std::vector<std::size_t> chosen = evaluation_indices(test, images);
    const std::size_t count = chosen.size();
    for (const std::vector<std::size_t>& part : in_batches(chosen, kEvaluationBatch)) {
        const ImageBatch batch = dataset_samples(test, part).to(device);
        const torch::Tensor reconstruction = model->decode(model->encode(batch.images).mean);
        quality.reconstruction_l1 += (reconstruction - batch.images).abs().mean().item<double>() * batch.labels.size(0);
        if (coloured) {
            const torch::Tensor reconstruction_on_cpu = reconstruction.to(torch::kCPU);
            for (std::int64_t i = 0; i < batch.labels.size(0); ++i) {
                const std::size_t index = part[static_cast<std::size_t>(i)];
                const std::vector<float> coverage = coloured->coverage(index);
                foreground_error +=
                    colour_error(reconstruction_on_cpu[i], coverage, coloured->foreground(index), ColourRegion::Foreground);
                background_error +=
                    colour_error(reconstruction_on_cpu[i], coverage, coloured->background(index), ColourRegion::Background);
            }
        }
        if (classifier) {
            const torch::Tensor known = batch.labels >= 0;
            correct += (((*classifier)->forward(reconstruction).argmax(1) == batch.labels) & known).sum().item<std::int64_t>();
            labelled += known.sum().item<std::int64_t>();
        }
    }
    const double n = static_cast<double>(count);
    quality.reconstruction_l1 /= n;
    if (coloured) {
        quality.foreground_colour_error = foreground_error / n;
        quality.background_colour_error = background_error / n;
    }
    if (classifier && labelled > 0) quality.classifier_accuracy = static_cast<double>(correct) / static_cast<double>(labelled);
    model->train(was_training);
    return quality;
}

nlohmann::json to_json(const AutoencoderQuality& q) {
    nlohmann::json j{{"reconstruction_l1", q.reconstruction_l1}};
    if (q.foreground_colour_error) j["foreground_colour_error"] = *q.foreground_colour_error;
    if (q.background_colour_error) j["background_colour_error"] = *q.background_colour_error;
    if (q.classifier_accuracy) j["classifier_accuracy_on_reconstructions"] = *q.classifier_accuracy;
    return j;
}

AutoencoderQuality quality_from_json(const nlohmann::json& m) {
    AutoencoderQuality q;
    if (!m.is_object()) return q;
    q.reconstruction_l1 = m.value("reconstruction_l1", 0.0);
    if (m.contains("foreground_colour_error")) q.foreground_colour_error = m["foreground_colour_error"].get<double>();
    if (m.contains("background_colour_error")) q.background_colour_error = m["background_colour_error"].get<double>();
    if (m.contains("classifier_accuracy_on_reconstructions")) {
        q.classifier_accuracy = m["classifier_accuracy_on_reconstructions"].get<double>();
    }
    return q;
}

std::string summary(const AutoencoderQuality& q) {
    char text[160];
    std::snprintf(text, sizeof text, "L1 %.4f", q.reconstruction_l1);
    std::string line = text;
    if (q.foreground_colour_error && q.background_colour_error) {
        std::snprintf(text, sizeof text, ", colour error fg %.3f bg %.3f", *q.foreground_colour_error,
                      *q.background_colour_error);
        line += text;
    }
    if (q.classifier_accuracy) {
        std::snprintf(text, sizeof text, ", classifier on reconstructions %.2f %%", 100.0 * *q.classifier_accuracy);
        line += text;
    }
    return line;
}

// The autoencoder's configuration with its training settings, after checking every option; the
// keys that older autoencoders lack are written only when set, so that absent keeps its meaning.
nlohmann::json checked_config(const AutoencoderTrainingOptions& options, const ImageDataset& train, const ImageDataset& test) {
    if (options.model.image_size != test.shape().height || options.model.image_channels != test.shape().channels) {
        throw UserError("the autoencoder's configuration (" + std::to_string(options.model.image_size) +
                        " pixels) does not fit " + test.name() + " (" + std::to_string(test.shape().height) + " pixels).");
    }
    if (options.reconstruction_loss != "l1" && options.reconstruction_loss != "l2") {
        throw UserError("unknown reconstruction loss \"" + options.reconstruction_loss + "\"; expected l1 or l2.");
    }
    if (!std::isfinite(options.stroke_weight) || options.stroke_weight < 0.0 || options.max_shift < 0) {
        throw UserError("the stroke weight and the largest shift must be 0 or more; got " +
                        std::to_string(options.stroke_weight) + " and " + std::to_string(options.max_shift) + ".");
    }
    if (options.second_domain && (options.second_domain->shape().height != train.shape().height ||
                                  options.second_domain->shape().channels != train.shape().channels)) {
        throw UserError(options.second_domain->name() + " images are not the size of " + train.name() +
                        "'s; both domains must match.");
    }
    if (options.adversarial_weight < 0.0 || options.adversarial_start < 0 || options.discriminator_channels < 1) {
        throw UserError(
            "the adversarial term needs a weight of 0 or more, a start step of 0 or more and at least one "
            "discriminator channel; got " +
            std::to_string(options.adversarial_weight) + ", " + std::to_string(options.adversarial_start) + ", " +
            std::to_string(options.discriminator_channels) + ".");
    }
    nlohmann::json config = to_json(options.model);
    nlohmann::json& training = config["training"];
    training = training_settings(options.schedule);
    training["kl_weight"] = options.kl_weight;
    // Absent means L1, no stroke weight, no shifts, one domain and no adversarial term: the
    // autoencoders made before each option.
    if (options.reconstruction_loss == "l2") training["reconstruction_loss"] = "l2";
    if (options.stroke_weight > 0.0) training["stroke_weight"] = options.stroke_weight;
    if (options.max_shift > 0) training["max_shift"] = options.max_shift;
    if (options.second_domain) training["second_domain"] = options.second_domain->name();
    if (options.adversarial_weight > 0.0) {
        training["adversarial"] = {{"weight", options.adversarial_weight},
                                   {"start", options.adversarial_start},
                                   {"discriminator_channels", options.discriminator_channels}};
    }
    return config;
}

// One step's images: the data set's, or half from each domain when there are two.
ImageBatch autoencoder_batch(const ImageDataset& train, const AutoencoderTrainingOptions& options, std::int64_t step) {
    const int batch_size = options.schedule.batch_size;
    const int own = options.second_domain ? batch_size - batch_size / 2 : batch_size;
    ImageBatch batch = training_batch(train, options.schedule.seed, step, own, true, options.max_shift);
    if (!options.second_domain) return batch;
    const ImageBatch other =
        training_batch(*options.second_domain, options.schedule.seed ^ 0xD0A1ull, step, batch_size / 2, true, options.max_shift);
    return {torch::cat({batch.images, other.images}), torch::cat({batch.labels, other.labels})};
}

// The optional PatchGAN term. Small images get two halvings (32 pixels: 6x6 patches of about 22
// pixels), larger ones three; without the term the discriminator has no parameters at all.
struct AdversarialTerm {
    PatchDiscriminator discriminator{nullptr};
    std::vector<torch::Tensor> parameters;
    std::unique_ptr<GradientAveraging> averaging;

    AdversarialTerm(const AutoencoderTrainingOptions& options, const torch::Device& device) {
        if (options.adversarial_weight <= 0.0) return;
        discriminator = PatchDiscriminator(options.model.image_channels, options.discriminator_channels,
                                           options.model.image_size >= 64 ? 3 : 2);
        discriminator->to(device);
        parameters = discriminator->parameters();
    }

    // Trains the discriminator one step on this batch, then gives the generator's term, weighted so
    // that its gradient at the decoder's last layer matches the reconstruction loss's.
    // In a data-parallel run the discriminator's gradients are averaged over the ranks too, and the
    // balance weighs the whole batch's gradients.
    torch::Tensor generator_term(Autoencoder& model, FusedAdam& discriminator_optimizer, const torch::Tensor& images,
                                 const torch::Tensor& reconstruction, const torch::Tensor& reconstruction_loss,
                                 DataParallelGroup* group) {
        discriminator->train();
        if (group && !averaging) averaging = group->average_gradients(parameters);
        const torch::Tensor discriminator_loss =
            discriminator_hinge_loss(discriminator->forward(images), discriminator->forward(reconstruction.detach()));
        discriminator_optimizer.zero_grad();
        if (averaging) averaging->prepare_for_backward();
        discriminator_loss.backward();
        discriminator_optimizer.step();
        const torch::Tensor fool = generator_hinge_loss(discriminator->forward(reconstruction));
        const torch::Tensor output_weight = model->output_layer_weight();
        const torch::Tensor reconstruction_gradient =
            mean_over_shares(torch::autograd::grad({reconstruction_loss}, {output_weight}, {}, true)[0]);
        const torch::Tensor fool_gradient = mean_over_shares(torch::autograd::grad({fool}, {output_weight}, {}, true)[0]);
        const torch::Tensor balance = (reconstruction_gradient.norm() / (fool_gradient.norm() + 1e-4)).clamp(0.0, 1e4).detach();
        return balance * fool;
    }
};

}  // namespace

AutoencoderTrainingResult train_autoencoder(Workspace& workspace, const ImageDataset& train, const ImageDataset& test,
                                            const AutoencoderTrainingOptions& options, const TrainingControl& control) {
    const nlohmann::json config = checked_config(options, train, test);
    torch::manual_seed(options.schedule.seed);
    Autoencoder model(options.model);
    const torch::Device device = to_torch_device(control.device);
    model->to(device);
    FusedAdam optimizer(model->parameters(), {options.schedule.learning_rate, 0.5, 0.9, 1e-8});
    const bool squared = options.reconstruction_loss == "l2";
    const bool adversarial = options.adversarial_weight > 0.0;
    AdversarialTerm adversary(options, device);
    FusedAdam discriminator_optimizer(adversary.parameters, {options.schedule.learning_rate, 0.5, 0.9, 1e-8});
    TrainingRun run(workspace, kModelName, "autoencoder", config, *model, optimizer, control);
    if (adversarial) run.add_companion("discriminator", *adversary.discriminator, discriminator_optimizer);
    std::optional<Classifier> classifier = label_reader(workspace, test, device);

    model->train();
    AutoencoderQuality last;
    const LoopResult loop = run_training_loop(
        run, optimizer, options.schedule, control, kModelName,
        [&](std::int64_t step) {
            const ImageBatch batch = autoencoder_batch(train, options, step).to(device);
            const Posterior posterior = model->encode(batch.images);
            const torch::Tensor reconstruction = model->decode(posterior.sample());
            const torch::Tensor difference = reconstruction - batch.images;
            torch::Tensor error = squared ? difference.pow(2) : difference.abs();
            if (options.stroke_weight > 0.0) error = error * stroke_weights(batch.images, options.stroke_weight);
            const torch::Tensor reconstruction_loss = error.sum({1, 2, 3}).mean();
            const torch::Tensor loss = reconstruction_loss + options.kl_weight * posterior.kl().mean();
            if (!adversarial || step < options.adversarial_start) return loss;
            // The discriminator learns at the autoencoder's learning rate.
            discriminator_optimizer.set_lr(optimizer.lr());
            return loss + options.adversarial_weight * adversary.generator_term(model, discriminator_optimizer, batch.images,
                                                                                reconstruction, reconstruction_loss,
                                                                                control.data_parallel);
        },
        [&] {
            last = evaluate(model, test, classifier, device);
            return Evaluation{to_json(last), summary(last)};
        });
    AutoencoderTrainingResult result;
    result.completed = loop.completed;
    result.steps_done = loop.steps_done;
    result.rollbacks = loop.rollbacks;
    result.quality = quality_from_json(loop.metrics);
    return result;
}

AutoencoderQuality measure_autoencoder(const Workspace& workspace, const ImageDataset& test, std::size_t images,
                                       ComputeDevice compute_device) {
    const torch::Device device = to_torch_device(compute_device);
    Autoencoder model = load_autoencoder(workspace, device);
    std::optional<Classifier> classifier = label_reader(workspace, test, device);
    return evaluate(model, test, classifier, device, images);
}

}  // namespace inv
