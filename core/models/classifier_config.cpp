#include "core/models/classifier_config.h"

#include "core/errors.h"

namespace inv {

std::string to_string(ClassifierArchitecture architecture) {
    return architecture == ClassifierArchitecture::SqueezeNet ? "squeezenet" : "resnet";
}

ClassifierArchitecture parse_architecture(const std::string& text) {
    if (text == "squeezenet") return ClassifierArchitecture::SqueezeNet;
    if (text == "resnet") return ClassifierArchitecture::ResNet;
    throw UserError("unknown classifier architecture \"" + text + "\"; expected squeezenet or resnet.");
}

nlohmann::json to_json(const ClassifierConfig& c) {
    nlohmann::json j{{"type", "classifier"},         {"architecture", to_string(c.architecture)},
                     {"classes", c.classes},         {"input_channels", c.input_channels},
                     {"input_size", c.input_size},   {"width", c.width},
                     {"dropout", c.dropout},         {"colour_blind", c.colour_blind}};
    // Absent means none, so the files of older workspaces stay valid and resumable.
    if (c.architecture == ClassifierArchitecture::SqueezeNet && c.batch_norm) j["batch_norm"] = true;
    return j;
}

ClassifierConfig classifier_config_from_json(const nlohmann::json& j) {
    ClassifierConfig c;
    c.architecture = parse_architecture(j.at("architecture").get<std::string>());
    c.classes = j.at("classes").get<int>();
    c.input_channels = j.at("input_channels").get<int>();
    c.input_size = j.at("input_size").get<int>();
    c.width = j.at("width").get<double>();
    c.dropout = j.at("dropout").get<double>();
    c.colour_blind = j.value("colour_blind", false);  // workspaces from before the comparison have none
    c.batch_norm = j.value("batch_norm", false);
    return c;
}

std::string describe(const LayerInfo& layer) {
    std::string text = layer.name + " [";
    for (std::size_t i = 0; i < layer.shape.size(); ++i) text += (i ? ", " : "") + std::to_string(layer.shape[i]);
    return text + "]";
}

}  // namespace inv
