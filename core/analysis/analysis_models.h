#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/data/image_dataset.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"
#include "core/workspace/workspace_models.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// The networks one analysis runs on, loaded once from a workspace: the classifier (at a chosen
// checkpoint), the autoencoder, t per layer (trained against that checkpoint) and e, each loaded
// on first use. Every file it loads is recorded with its checksum for the figure's provenance.
class AnalysisModels {
public:
    explicit AnalysisModels(const Workspace& workspace, std::optional<std::int64_t> classifier_step = std::nullopt,
                            ComputeDevice device = ComputeDevice::Cpu);

    const Workspace& workspace() const { return m_workspace; }
    // Where the networks live; analyses move their inputs here and bring results back to the CPU.
    const torch::Device& device() const { return m_device; }
    Classifier& classifier() { return m_classifier.model; }
    std::int64_t classifier_step() const { return m_classifier.step; }
    Autoencoder& autoencoder();
    ConditionalFlow& t(const std::string& layer);
    FactorFlow& e();

    // The classifier's layers in order, and those among them with a trained t (for this checkpoint).
    std::vector<std::string> layer_names() const;
    std::vector<std::string> layers_with_t() const;
    // Throws UserError listing the valid layer names when `layer` is not one of them.
    void require_layer(const std::string& layer) const;
    // Factor names of e in order (residual first); throws UserError listing them for an unknown one.
    std::vector<std::string> factor_names();
    std::size_t factor_index(const std::string& name);

    // The names of the classifier's outputs, for captions: those recorded when it was trained (or a
    // user's model's card), else the data set's classes when the counts agree, else "0", "1", …
    // (images from another domain are still named by what the classifier was trained on).
    std::vector<std::string> prediction_names(const ImageDataset& test) const;

    // {"classifier": {"file", "fnv1a64", "step"}, "autoencoder": …, "t/<layer>": …, "e": …}.
    nlohmann::json model_records() const;

private:
    const Workspace& m_workspace;
    torch::Device m_device;
    std::optional<std::int64_t> m_requested_step;
    LoadedClassifier m_classifier;
    std::optional<Autoencoder> m_autoencoder;
    std::map<std::string, ConditionalFlow> m_t;
    std::optional<FactorFlow> m_e;
    nlohmann::json m_records = nlohmann::json::object();
};

// The fields every analysis writes first: command, version, workspace, data set.
nlohmann::json provenance_header(const std::string& command, const Workspace& workspace, const ImageDataset& test);

// Test images by index, as one [N, 3, 32, 32] batch on `device`; throws UserError for an index out
// of range.
torch::Tensor test_images(const ImageDataset& test, const std::vector<std::size_t>& indices, const torch::Device& device);

// A user's images (see core/image/image_fit.h) as one batch on `device`; throws UserError for an image
// whose size is not the data set's.
torch::Tensor user_images(const ImageDataset& test, const std::vector<RgbaImage>& images, const torch::Device& device);

}  // namespace inv
