#pragma once

// Torch-free: the layers of a user's TorchScript classifier, for the command line and the GUI.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace inv {

// One place z can be taken in a user's model: `input`, every submodule called in forward (by its
// qualified name, e.g. "features.3"), `logits` and `softmax`. `problem` is empty when z can be
// taken there, else it says why not (the layer is still listed).
struct ScriptedLayer {
    std::string name;
    std::vector<std::int64_t> shape;  // of z for one image; empty when it cannot be taken
    std::string problem;
};

// Loads the model and its card (see core/models/scripted_classifier.h) and lists its layers;
// throws UserError as loading does.
std::vector<ScriptedLayer> list_scripted_layers(const std::filesystem::path& model);

}  // namespace inv
