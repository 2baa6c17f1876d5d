#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/models/classifier_config.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace inv {

class ScriptedClassifier;

// A classifier f = Ψ∘Φ built as an ordered list of named stages. z = Φ(x) can be taken after any
// stage, and also at `input` (x itself), `logits` (the last stage) and `softmax`.
class ClassifierImpl : public torch::nn::Module {
public:
    explicit ClassifierImpl(ClassifierConfig config);
    // A user's TorchScript classifier behind the same interface (core/models/scripted_classifier.h):
    // its layers are those where z can be taken.
    explicit ClassifierImpl(std::shared_ptr<ScriptedClassifier> scripted);

    torch::Tensor forward(const torch::Tensor& x);  // logits
    // The representation at a named layer; throws UserError naming the known layers.
    torch::Tensor representation(const torch::Tensor& x, const std::string& layer);
    // Every layer in order, input first, softmax last, with the shape of one sample's z.
    const std::vector<LayerInfo>& layers() const { return m_layers; }
    // One layer by name; throws UserError naming the known layers.
    const LayerInfo& layer(const std::string& name) const;
    const ClassifierConfig& config() const { return m_config; }

private:
    void add_stage(const std::string& name, torch::nn::Sequential stage);
    void probe_layer_shapes();
    torch::Tensor what_the_first_stage_sees(const torch::Tensor& x) const;

    ClassifierConfig m_config;
    std::vector<std::pair<std::string, torch::nn::Sequential>> m_stages;
    std::vector<LayerInfo> m_layers;
    std::shared_ptr<ScriptedClassifier> m_scripted;
};
TORCH_MODULE(Classifier);

}  // namespace inv
