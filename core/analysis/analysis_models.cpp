#include "core/analysis/analysis_models.h"

#include "core/data/color_dataset.h"
#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"
#include "core/runtime/torch_device.h"
#include "core/training/cinn_trainer.h"

#include <algorithm>

namespace inv {
namespace {

const std::string& last_file(const Workspace& workspace, const std::string& model) {
    return workspace.manifest().models.at(model).checkpoints.back().file;
}

}  // namespace

AnalysisModels::AnalysisModels(const Workspace& workspace, std::optional<std::int64_t> classifier_step, ComputeDevice device)
    : m_workspace(workspace),
      m_device(to_torch_device(device)),
      m_requested_step(classifier_step),
      m_classifier(load_classifier(workspace, classifier_step, m_device)) {
    const auto& checkpoints = workspace.manifest().models.at("classifier").checkpoints;
    // The last checkpoint's t is stored without a step suffix; any other checkpoint's with one.
    if (m_requested_step && *m_requested_step == checkpoints.back().step) m_requested_step.reset();
    const auto found = std::find_if(checkpoints.begin(), checkpoints.end(),
                                    [&](const CheckpointEntry& c) { return c.step == m_classifier.step; });
    m_records["classifier"] = model_file_record(workspace, found->file);
    m_records["classifier"]["step"] = m_classifier.step;
}

Autoencoder& AnalysisModels::autoencoder() {
    if (!m_autoencoder) {
        m_autoencoder = load_autoencoder(m_workspace, m_device);
        m_records["autoencoder"] = model_file_record(m_workspace, last_file(m_workspace, "autoencoder"));
    }
    return *m_autoencoder;
}

ConditionalFlow& AnalysisModels::t(const std::string& layer) {
    require_layer(layer);
    auto found = m_t.find(layer);
    if (found == m_t.end()) {
        LoadedConditionalFlow loaded = load_cinn(m_workspace, layer, m_requested_step, m_device);
        m_records["t/" + layer] = model_file_record(m_workspace, loaded.file);
        found = m_t.emplace(layer, loaded.flow).first;
    }
    return found->second;
}

FactorFlow& AnalysisModels::e() {
    if (!m_e) {
        LoadedFactorFlow loaded = load_factor_network(m_workspace, m_device);
        m_records["e"] = model_file_record(m_workspace, loaded.file);
        m_e = loaded.flow;
    }
    return *m_e;
}

std::vector<std::string> AnalysisModels::layer_names() const {
    std::vector<std::string> names;
    for (const LayerInfo& layer : m_classifier.model->layers()) names.push_back(layer.name);
    return names;
}

std::vector<std::string> AnalysisModels::layers_with_t() const {
    std::vector<std::string> layers;
    for (const std::string& name : layer_names()) {
        if (has_trained(m_workspace, cinn_model_name(name, m_requested_step))) layers.push_back(name);
    }
    return layers;
}

void AnalysisModels::require_layer(const std::string& layer) const {
    const std::vector<std::string> names = layer_names();
    if (std::find(names.begin(), names.end(), layer) == names.end()) {
        throw UserError("unknown layer '" + layer + "'; this classifier's layers are: " + joined(names) + ".");
    }
}

std::vector<std::string> AnalysisModels::factor_names() {
    std::vector<std::string> names;
    for (const NamedFactor& factor : e()->config().factors) names.push_back(factor.name);
    return names;
}

std::size_t AnalysisModels::factor_index(const std::string& name) {
    const std::vector<std::string> names = factor_names();
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) throw UserError("unknown factor '" + name + "'; e's factors are: " + joined(names) + ".");
    return static_cast<std::size_t>(found - names.begin());
}

nlohmann::json AnalysisModels::model_records() const {
    return m_records;
}

std::vector<std::string> AnalysisModels::prediction_names(const ImageDataset& test) const {
    const std::size_t classes = static_cast<std::size_t>(m_classifier.model->layers().back().shape.at(0));
    const nlohmann::json& config = m_workspace.manifest().models.at("classifier").config;
    for (const nlohmann::json& source : {config, config.value("card", nlohmann::json::object())}) {
        const std::vector<std::string> named = source.value("class_names", std::vector<std::string>{});
        if (named.size() == classes) return named;
    }
    if (test.class_names().size() == classes) return test.class_names();
    std::vector<std::string> numbered;
    for (std::size_t c = 0; c < classes; ++c) numbered.push_back(std::to_string(c));
    return numbered;
}

nlohmann::json provenance_header(const std::string& command, const Workspace& workspace, const ImageDataset& test) {
    nlohmann::json header{{"command", command},
                          {"written_by", std::string("invariances ") + INVARIANCES_VERSION},
                          {"workspace", workspace.folder().string()},
                          {"dataset", test.name()}};
    if (const auto* coloured = dynamic_cast<const ColorDataset*>(&test)) header["colour_seed"] = coloured->colour_seed();
    return header;
}

torch::Tensor test_images(const ImageDataset& test, const std::vector<std::size_t>& indices, const torch::Device& device) {
    std::vector<ImageSample> samples;
    for (std::size_t index : indices) {
        if (index >= test.size()) {
            throw UserError("image index " + std::to_string(index) + " is out of range; the test split of " + test.name() +
                            " has indices 0.." + std::to_string(test.size() - 1) + ".");
        }
        samples.push_back(test.get(index));
    }
    return tensor_from_samples(samples, test.shape()).to(device);
}

torch::Tensor user_images(const ImageDataset& test, const std::vector<RgbaImage>& images, const torch::Device& device) {
    std::vector<torch::Tensor> tensors;
    for (const RgbaImage& image : images) {
        if (image.width != test.shape().width || image.height != test.shape().height) {
            throw UserError("an input image is " + std::to_string(image.width) + "x" + std::to_string(image.height) +
                            "; the models of this workspace take " + std::to_string(test.shape().width) + "x" +
                            std::to_string(test.shape().height) + " (open files through read_model_input, which fits them).");
        }
        tensors.push_back(tensor_from_rgba(image));
    }
    if (tensors.empty()) return torch::empty({0, 3, test.shape().height, test.shape().width}, torch::TensorOptions(device));
    return torch::stack(tensors).to(device);
}

}  // namespace inv
