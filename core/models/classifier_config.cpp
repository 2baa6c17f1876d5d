#include "core/models/classifier_config.h"

#include "core/workspace/config_values.h"

#include "core/runtime/errors.h"

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
    nlohmann::json j{{"type", "classifier"},       {"architecture", to_string(c.architecture)},
                     {"classes", c.classes},       {"input_channels", c.input_channels},
                     {"input_size", c.input_size}, {"width", c.width},
                     {"dropout", c.dropout},       {"colour_blind", c.colour_blind}};
    // Absent means none, so the files of older workspaces stay valid and resumable.
    if (c.architecture == ClassifierArchitecture::SqueezeNet && c.batch_norm) j["batch_norm"] = true;
    return j;
}

ClassifierConfig classifier_config_from_json(const nlohmann::json& j) {
    ClassifierConfig c;
    c.architecture = parse_architecture(j.at("architecture").get<std::string>());
    c.classes = config_whole(j, "classes", 1, 100000, "classifier");
    c.input_channels = config_whole(j, "input_channels", 1, 4, "classifier");
    c.input_size = config_whole(j, "input_size", 8, 512, "classifier");
    c.width = config_number(j, "width", 0.05, 4.0, "classifier");
    c.dropout = config_number(j, "dropout", 0.0, 1.0, "classifier");
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
