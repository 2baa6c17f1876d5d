#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/data/color_dataset.h"
#include "core/flow/flows.h"
#include "core/models/autoencoder.h"
#include "core/models/classifier.h"
#include "core/models/inversion_decoder.h"
#include "core/workspace/workspace.h"

#include <optional>

namespace inv {

// The trained networks a later stage builds on, loaded from a workspace in eval mode. Each throws
// UserError saying which command to run when the network is not trained yet.
struct LoadedClassifier {
    Classifier model{nullptr};
    std::int64_t step = 0;
};
LoadedClassifier load_classifier(const Workspace& workspace, std::optional<std::int64_t> step = std::nullopt,
                                 const torch::Device& device = torch::kCPU);
Autoencoder load_autoencoder(const Workspace& workspace, const torch::Device& device = torch::kCPU);

// t for a layer (trained against the last classifier checkpoint) and e, with the files they came
// from (relative to the workspace, for provenance).
struct LoadedConditionalFlow {
    ConditionalFlow flow{nullptr};
    std::string file;
};
// With a classifier step: the t trained against that checkpoint (`train cinn --classifier-step`).
LoadedConditionalFlow load_cinn(const Workspace& workspace, const std::string& layer,
                                std::optional<std::int64_t> classifier_step = std::nullopt,
                                const torch::Device& device = torch::kCPU);
struct LoadedFactorFlow {
    FactorFlow flow{nullptr};
    std::string file;
};
LoadedFactorFlow load_factor_network(const Workspace& workspace, const torch::Device& device = torch::kCPU);
bool has_trained(const Workspace& workspace, const std::string& model_name);

// The evaluation network of `evaluate` (`train evaluator`) and the inversion baseline of a layer
// (`train inversion`), with the files they came from.
struct LoadedEvaluator {
    Classifier model{nullptr};
    std::string file;
};
LoadedEvaluator load_evaluator(const Workspace& workspace, const torch::Device& device = torch::kCPU);
struct LoadedInversion {
    InversionDecoder decoder{nullptr};
    std::string file;
};
LoadedInversion load_inversion(const Workspace& workspace, const std::string& layer, const torch::Device& device = torch::kCPU);

// {"file", "fnv1a64"} of a model file (relative to the workspace), from its side-car, for provenance.
nlohmann::json model_file_record(const Workspace& workspace, const std::string& relative);

// The share of the test split the classifier labels right (batches on `device`).
double test_accuracy(Classifier& model, const ImageDataset& test, const torch::Device& device);

// Mean absolute colour error in [0, 1] between `truth` and the mean colour of the pixels of
// `image` ([3, H, W] in [-1, 1]) that are pure foreground (coverage ≥ 0.9) or pure background
// (coverage ≤ 0.05). `image` may live on any device.
enum class ColourRegion { Foreground, Background };
double colour_error(const torch::Tensor& image, const std::vector<float>& coverage, const Rgb& truth, ColourRegion region);

}  // namespace inv
