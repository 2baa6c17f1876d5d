#include "core/models/model_card.h"

#include "core/workspace/json_file.h"

#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"

namespace inv {
namespace {

template <typename T>
T field(const nlohmann::json& json, const char* key, const T& fallback, const std::string& where, const char* expected) {
    if (!json.contains(key)) return fallback;
    try {
        return json.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
        throw UserError(where + ": field \"" + key + "\" should be " + expected + "; it is " + json.at(key).dump() + ".");
    }
}

}  // namespace

std::filesystem::path model_card_path(const std::filesystem::path& model) {
    return model.string() + ".card.json";
}

ModelCard model_card_from_json(const nlohmann::json& json, const std::string& where) {
    if (!json.is_object()) throw UserError(where + " should hold a JSON object (a model card); see tools/export_classifier.py.");
    ModelCard card;
    const auto shape = field<std::vector<std::int64_t>>(json, "input_shape", {}, where, "[channels, height, width]");
    if (shape.empty())
        throw UserError(where + ": field \"input_shape\" ([channels, height, width], e.g. [3, 32, 32]) is missing.");
    if (shape.size() != 3 || (shape[0] != 1 && shape[0] != 3) || shape[1] < 8 || shape[2] < 8) {
        throw UserError(where + ": \"input_shape\" should be [1 or 3, height >= 8, width >= 8]; it is " +
                        json.at("input_shape").dump() + ".");
    }
    card.channels = shape[0], card.height = shape[1], card.width = shape[2];
    card.channel_order = field<std::string>(json, "channel_order", "RGB", where, "\"RGB\" or \"BGR\"");
    if (card.channel_order != "RGB" && card.channel_order != "BGR") {
        throw UserError(where + ": \"channel_order\" should be \"RGB\" or \"BGR\"; it is \"" + card.channel_order + "\".");
    }
    const auto range = field<std::vector<double>>(json, "value_range", {0.0, 1.0}, where, "[low, high], e.g. [0, 1] or [0, 255]");
    if (range.size() != 2 || !(range[1] > range[0])) {
        throw UserError(where + ": \"value_range\" should be [low, high] with low < high; it is " +
                        json.at("value_range").dump() + ".");
    }
    card.value_range = {range[0], range[1]};
    card.mean = field<std::vector<double>>(json, "mean", {}, where, "one number per channel");
    card.std = field<std::vector<double>>(json, "std", {}, where, "one number per channel");
    const auto per_channel = static_cast<std::size_t>(card.channels);
    if ((!card.mean.empty() && card.mean.size() != per_channel) || (!card.std.empty() && card.std.size() != per_channel)) {
        throw UserError(where + ": \"mean\" and \"std\" need " + std::to_string(per_channel) +
                        " numbers each (one per channel).");
    }
    for (double s : card.std) {
        if (!(s > 0)) throw UserError(where + ": every \"std\" must be positive.");
    }
    card.class_names = field<std::vector<std::string>>(json, "class_names", {}, where, "a list of strings");
    return card;
}

ModelCard read_model_card(const std::filesystem::path& card) {
    if (!std::filesystem::exists(card)) {
        throw UserError("model card " + card.string() +
                        " does not exist; write one beside the model (input_shape, "
                        "value_range, mean, std, class_names), e.g. with tools/export_classifier.py.");
    }
    return model_card_from_json(read_json_file(card, ""), card.string());
}

nlohmann::json to_json(const ModelCard& card) {
    return {{"input_shape", {card.channels, card.height, card.width}},
            {"channel_order", card.channel_order},
            {"value_range", card.value_range},
            {"mean", card.mean},
            {"std", card.std},
            {"class_names", card.class_names}};
}

}  // namespace inv
