#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace inv {

enum class ClassifierArchitecture { SqueezeNet, ResNet };

// The classifier under study. Widths scale with `width`, a multiplier of the reference channel
// counts (SqueezeNet 1.1 fire modules; a small ResNet of basic blocks).
struct ClassifierConfig {
    ClassifierArchitecture architecture = ClassifierArchitecture::SqueezeNet;
    int classes = 10;
    int input_channels = 3;
    int input_size = 32;
    double width = 0.5;
    double dropout = 0.2;
    // Sees luminance only (a fixed grey conversion before the first stage; `input` stays x): the
    // colour-blind model of the model comparison.
    bool colour_blind = false;
    // SqueezeNet only (the ResNet always has it): batch norm after every convolution before the
    // logits. It lets SqueezeNet train at three times the learning rate and reach 97.9 % on
    // ColorMNIST in the demo's budget instead of 95.9 %. Workspaces made before the option have none.
    bool batch_norm = true;
};

nlohmann::json to_json(const ClassifierConfig& config);
ClassifierConfig classifier_config_from_json(const nlohmann::json& j);
std::string to_string(ClassifierArchitecture architecture);
// Throws UserError naming the accepted values.
ClassifierArchitecture parse_architecture(const std::string& text);

// One place z = Φ(x) can be taken: its name and the shape of one sample's representation.
struct LayerInfo {
    std::string name;
    std::vector<long> shape;  // [C, H, W] or [D]
};

std::string describe(const LayerInfo& layer);

}  // namespace inv

namespace inv {

// The layers of the network a configuration describes, with shapes (builds it once to probe them).
std::vector<LayerInfo> classifier_layers(const ClassifierConfig& config);

// The configuration a workspace records for a user's TorchScript classifier has this "type"; it
// lists the layers where z can be taken (see core/workspace/scripted_workspace.h).
inline constexpr const char* kScriptedClassifierType = "scripted";

// The layers of a workspace's classifier from its recorded configuration, built-in or scripted.
std::vector<LayerInfo> workspace_classifier_layers(const nlohmann::json& config);

}  // namespace inv
