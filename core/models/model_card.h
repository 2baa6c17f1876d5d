#pragma once

// Torch-free: what a classifier of the user's expects, read from FILE.card.json beside FILE.
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace inv {

// How the model wants its input; the app converts its own images (RGB in [-1, 1]) to this, so a
// user never normalises by hand, and an attack's epsilon is given in these pixel units.
struct ModelCard {
    std::int64_t channels = 3;  // 3, or 1 (the images are converted to grey)
    std::int64_t height = 32;
    std::int64_t width = 32;
    std::string channel_order = "RGB";            // or "BGR"
    std::array<double, 2> value_range{0.0, 1.0};  // pixel values before normalisation
    std::vector<double> mean;                     // per channel, subtracted after scaling; empty: none
    std::vector<double> std;                      // per channel, divided by; empty: none
    std::vector<std::string> class_names;         // empty: "0", "1", ...
};

// FILE.card.json for a model FILE.
std::filesystem::path model_card_path(const std::filesystem::path& model);

// Reads and checks a card; throws UserError naming the file and the field that is missing or
// wrong, and what it should be.
ModelCard read_model_card(const std::filesystem::path& card);
ModelCard model_card_from_json(const nlohmann::json& json, const std::string& where);
nlohmann::json to_json(const ModelCard& card);

}  // namespace inv
