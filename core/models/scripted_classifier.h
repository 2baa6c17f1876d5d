#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/models/model_card.h"
#include "core/models/scripted_layers.h"

#include <torch/script.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace torch::jit {
struct GraphFunction;
}

namespace inv {

// A classifier exported from PyTorch as TorchScript (torch.jit.trace or torch.jit.script of a
// module mapping an image batch to logits), with its model card. The layers are found without a
// hand-written list: every `forward` call of a submodule in the forward graph is a layer, and
// containers (modules whose forward calls their own submodules, like nn.Sequential) are inlined
// so their children are layers too. One probe input of the card's shape gives every layer's shape.
class ScriptedClassifier {
public:
    // Throws UserError naming the file for a missing or corrupt model or card, and naming the
    // expected input shape when the probe input fails.
    static ScriptedClassifier load(const std::filesystem::path& model, const torch::Device& device = torch::kCPU);

    const ModelCard& card() const { return m_card; }
    const std::vector<ScriptedLayer>& layers() const { return m_layers; }
    // Images in the app's convention (RGB in [-1, 1], [N, 3, H, W] at the card's size) to the
    // model's own input (channels, order, range, normalisation from the card).
    torch::Tensor to_model_input(const torch::Tensor& images) const;
    torch::Tensor forward(const torch::Tensor& images);
    // z at a layer, for images in the app's convention; throws UserError for an unknown layer (listing
    // them) or one whose z cannot be taken (saying why).
    torch::Tensor representation(const torch::Tensor& images, const std::string& layer);

private:
    ScriptedClassifier() = default;
    std::vector<torch::Tensor> run(const torch::Tensor& model_input);

    std::filesystem::path m_file;
    ModelCard m_card;
    torch::Device m_device = torch::kCPU;
    torch::jit::Module m_module;
    std::shared_ptr<torch::jit::GraphFunction> m_function;  // forward, returning logits and every layer's z
    std::map<std::string, std::size_t> m_output_of;         // layer -> index in the function's outputs
    std::vector<ScriptedLayer> m_layers;
    torch::Tensor m_mean;  // the card's normalisation as [1, C, 1, 1] on the device; undefined: none
    torch::Tensor m_std;
};

}  // namespace inv
