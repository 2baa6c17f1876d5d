#include "core/training/workspace_models.h"

#include "core/errors.h"
#include "core/flow/flow_checkpoint.h"
#include "core/training/cinn_trainer.h"

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

LoadedClassifier load_classifier(const Workspace& workspace, std::optional<std::int64_t> step) {
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
    LoadedClassifier loaded{Classifier(classifier_config_from_json(entry.config)), checkpoint->step};
    load_module(*loaded.model, entry.config, workspace.resolve(checkpoint->file), torch::kCPU);
    loaded.model->eval();
    return loaded;
}

Autoencoder load_autoencoder(const Workspace& workspace) {
    const ModelEntry& entry = trained_model(workspace, "autoencoder", "train autoencoder");
    Autoencoder model(autoencoder_config_from_json(entry.config));
    load_module(*model, entry.config, workspace.resolve(entry.checkpoints.back().file), torch::kCPU);
    model->eval();
    return model;
}

LoadedConditionalFlow load_cinn(const Workspace& workspace, const std::string& layer,
                                std::optional<std::int64_t> classifier_step) {
    const std::string step_argument = classifier_step ? " --classifier-step " + std::to_string(*classifier_step) : "";
    const ModelEntry& entry =
        trained_model(workspace, cinn_model_name(layer, classifier_step), "train cinn", " --layer " + layer + step_argument);
    LoadedConditionalFlow loaded{load_conditional_flow(workspace.resolve(entry.checkpoints.back().file), torch::kCPU),
                                 entry.checkpoints.back().file};
    loaded.flow->eval();
    return loaded;
}

LoadedFactorFlow load_factor_network(const Workspace& workspace) {
    const ModelEntry& entry = trained_model(workspace, "factors", "train factors");
    LoadedFactorFlow loaded{load_factor_flow(workspace.resolve(entry.checkpoints.back().file), torch::kCPU),
                            entry.checkpoints.back().file};
    loaded.flow->eval();
    return loaded;
}

double colour_error(const torch::Tensor& image, const std::vector<float>& coverage, const Rgb& truth, ColourRegion region) {
    const std::int64_t plane = image.size(1) * image.size(2);
    const torch::Tensor pixels = ((image.reshape({3, plane}) + 1.0) * 0.5).clamp(0, 1);
    std::vector<std::int64_t> chosen;
    for (std::int64_t p = 0; p < plane; ++p) {
        const float m = coverage[static_cast<std::size_t>(p)];
        if (region == ColourRegion::Foreground ? m >= kPureForeground : m <= kPureBackground) chosen.push_back(p);
    }
    if (chosen.empty()) return 0.0;
    const torch::Tensor mean = pixels.index_select(1, torch::tensor(chosen, torch::kLong)).mean(1);
    return (mean - torch::tensor({truth[0], truth[1], truth[2]})).abs().mean().item<double>();
}

}  // namespace inv
