#include "core/workspace/workspace_models.h"

#include "core/workspace/shipped_demo.h"

#include "core/workspace/json_file.h"

#include "core/flow/flow_checkpoint.h"
#include "core/models/scripted_classifier.h"
#include "core/runtime/errors.h"
#include "core/training/batches.h"
#include "core/training/cinn_trainer.h"
#include "core/training/inversion_trainer.h"
#include "core/workspace/atomic_file.h"

#include <algorithm>

namespace inv {
namespace {

constexpr float kPureForeground = 0.9f;
constexpr float kPureBackground = 0.05f;

// `arguments` follow --workspace in the suggested command.
const ModelEntry& trained_model(const Workspace& workspace, const std::string& name, const std::string& command,
                                const std::string& arguments = "") {
    const auto found = workspace.manifest().models.find(name);
    if (found == workspace.manifest().models.end() || found->second.checkpoints.empty()) {
        throw UserError(workspace.folder().string() + " has no trained " + name + "; run `invariances-cli " + command +
                        " --workspace " + workspace.folder().string() + arguments + "` first.");
    }
    return found->second;
}

}  // namespace

bool has_trained(const Workspace& workspace, const std::string& model_name) {
    const auto found = workspace.manifest().models.find(model_name);
    return found != workspace.manifest().models.end() && !found->second.checkpoints.empty();
}

LoadedClassifier load_classifier(const Workspace& workspace, std::optional<std::int64_t> step, const torch::Device& device) {
    const ModelEntry& entry = trained_model(workspace, "classifier", "train classifier");
    const CheckpointEntry* checkpoint = &entry.checkpoints.back();
    if (step) {
        const auto found = std::find_if(entry.checkpoints.begin(), entry.checkpoints.end(),
                                        [&](const CheckpointEntry& c) { return c.step == *step; });
        if (found == entry.checkpoints.end()) {
            std::string steps;
            for (const CheckpointEntry& c : entry.checkpoints) steps += (steps.empty() ? "" : ", ") + std::to_string(c.step);
            throw UserError("the classifier has no checkpoint at step " + std::to_string(*step) + "; it has: " + steps + ".");
        }
        checkpoint = &*found;
    }
    if (entry.config.value("type", std::string()) == kScriptedClassifierType) {
        // A user's TorchScript model: the checksum in its side-car guards against a replaced file.
        const std::filesystem::path file = workspace.resolve(checkpoint->file);
        const nlohmann::json side_car = read_json_file(side_car_path(file), "");
        if (fnv1a_hex(read_file(file)) != side_car.at("weights_fnv1a64").get<std::string>()) {
            throw UserError(file.string() +
                            " does not match its side-car checksum: the model was changed or is corrupt. "
                            "Make a new workspace for a new model (invariances-cli workspace create --model FILE).");
        }
        auto scripted = std::make_shared<ScriptedClassifier>(ScriptedClassifier::load(file, device));
        return {Classifier(std::make_shared<ClassifierImpl>(std::move(scripted))), checkpoint->step};
    }
    LoadedClassifier loaded{Classifier(classifier_config_from_json(entry.config)), checkpoint->step};
    load_module(*loaded.model, entry.config, workspace.resolve(checkpoint->file), device);
    loaded.model->eval();
    return loaded;
}

Autoencoder load_autoencoder(const Workspace& workspace, const torch::Device& device) {
    const ModelEntry& entry = trained_model(workspace, "autoencoder", "train autoencoder");
    Autoencoder model(autoencoder_config_from_json(entry.config));
    load_module(*model, entry.config, workspace.resolve(entry.checkpoints.back().file), device);
    model->eval();
    return model;
}

LoadedConditionalFlow load_cinn(const Workspace& workspace, const std::string& layer, std::optional<std::int64_t> classifier_step,
                                const torch::Device& device) {
    const std::string step_argument = classifier_step ? " --classifier-step " + std::to_string(*classifier_step) : "";
    const ModelEntry& entry =
        trained_model(workspace, cinn_model_name(layer, classifier_step), "train cinn", " --layer " + layer + step_argument);
    LoadedConditionalFlow loaded{load_conditional_flow(workspace.resolve(entry.checkpoints.back().file), device),
                                 entry.checkpoints.back().file};
    loaded.flow->eval();
    return loaded;
}

LoadedEvaluator load_evaluator(const Workspace& workspace, const torch::Device& device) {
    const ModelEntry& entry = trained_model(workspace, "evaluator", "train evaluator");
    LoadedEvaluator loaded{Classifier(classifier_config_from_json(entry.config)), entry.checkpoints.back().file};
    load_module(*loaded.model, entry.config, workspace.resolve(loaded.file), device);
    loaded.model->eval();
    return loaded;
}

LoadedInversion load_inversion(const Workspace& workspace, const std::string& layer, const torch::Device& device) {
    const ModelEntry& entry = trained_model(workspace, inversion_model_name(layer), "train inversion --layer " + layer);
    LoadedInversion loaded{InversionDecoder(inversion_decoder_config_from_json(entry.config)), entry.checkpoints.back().file};
    load_module(*loaded.decoder, entry.config, workspace.resolve(loaded.file), device);
    loaded.decoder->eval();
    return loaded;
}

nlohmann::json model_file_record(const Workspace& workspace, const std::string& relative) {
    const nlohmann::json side_car = read_json_file(side_car_path(workspace.resolve(relative)), "");
    return {{"file", relative}, {"fnv1a64", side_car.at("weights_fnv1a64")}};
}

LoadedFactorFlow load_factor_network(const Workspace& workspace, const torch::Device& device) {
    const ModelEntry& entry = trained_model(workspace, "factors", "train factors");
    LoadedFactorFlow loaded{load_factor_flow(workspace.resolve(entry.checkpoints.back().file), device),
                            entry.checkpoints.back().file};
    loaded.flow->eval();
    return loaded;
}

double test_accuracy(Classifier& model, const ImageDataset& test, const torch::Device& device) {
    // 500 images of 32 x 32 pixels at once, and as many pixels in all for larger images: the
    // activations of one batch, not the count, set the evaluation's memory (a batch of 500
    // images of 64 pixels dominated a streamed folder's peak). Accuracy does not depend on it.
    constexpr std::size_t kEvaluationPixels = 500 * 32 * 32;
    const std::size_t pixels = static_cast<std::size_t>(test.shape().width) * static_cast<std::size_t>(test.shape().height);
    const std::size_t evaluation_batch = std::clamp<std::size_t>(kEvaluationPixels / std::max<std::size_t>(pixels, 1), 1, 500);
    torch::NoGradGuard no_grad;
    const bool was_training = model->is_training();
    model->eval();
    std::int64_t correct = 0;
    std::int64_t labelled = 0;  // a user's folder may hold images without a class
    for (std::size_t start = 0; start < test.size(); start += evaluation_batch) {
        const ImageBatch batch = dataset_range(test, start, start + evaluation_batch).to(device);
        const torch::Tensor known = batch.labels >= 0;
        correct += ((model->forward(batch.images).argmax(1) == batch.labels) & known).sum().item<std::int64_t>();
        labelled += known.sum().item<std::int64_t>();
    }
    model->train(was_training);
    return labelled == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(labelled);
}

double colour_error(const torch::Tensor& image, const std::vector<float>& coverage, const Rgb& truth, ColourRegion region) {
    const std::int64_t plane = image.size(1) * image.size(2);
    const torch::Tensor pixels = ((image.to(torch::kCPU).reshape({3, plane}) + 1.0) * 0.5).clamp(0, 1);
    std::vector<std::int64_t> chosen;
    for (std::int64_t p = 0; p < plane; ++p) {
        const float m = coverage[static_cast<std::size_t>(p)];
        if (region == ColourRegion::Foreground ? m >= kPureForeground : m <= kPureBackground) chosen.push_back(p);
    }
    if (chosen.empty()) return 0.0;
    const torch::Tensor mean = pixels.index_select(1, torch::tensor(chosen, torch::kLong)).mean(1);
    return (mean - torch::tensor({truth[0], truth[1], truth[2]})).abs().mean().item<double>();
}

std::vector<std::string> store_weights_in_half_precision(const std::filesystem::path& folder) {
    const Workspace workspace = Workspace::open(folder);
    std::vector<std::string> stored;
    for (const auto& [name, entry] : workspace.manifest().models) {
        if (entry.checkpoints.empty()) continue;
        const std::filesystem::path path = workspace.resolve(entry.checkpoints.back().file);
        const nlohmann::json config = read_saved_config(path);
        std::shared_ptr<torch::nn::Module> module;
        if (entry.kind == "autoencoder") {
            Autoencoder autoencoder(autoencoder_config_from_json(config));
            load_module(*autoencoder, config, path, torch::kCPU);
            module = autoencoder.ptr();
        } else if (entry.kind == "cinn") {
            module = load_conditional_flow(path, torch::kCPU).ptr();
        } else if (entry.kind == "factors") {
            module = load_factor_flow(path, torch::kCPU).ptr();
        } else {
            continue;
        }
        convert_tensors(*module, torch::kFloat, torch::kHalf);
        save_module(*module, config, path);
        stored.push_back(entry.checkpoints.back().file);
    }
    return stored;
}

}  // namespace inv
