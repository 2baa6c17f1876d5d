#include "core/config_values.h"

#include "core/errors.h"

#include <cmath>
#include <sstream>

namespace inv {
namespace {

[[noreturn]] void refuse(const std::string& network, const char* key, const std::string& found, double low, double high) {
    std::ostringstream expected;
    expected << low << " to " << high;
    throw UserError("the " + network + " configuration has \"" + key + "\": " + found + ", where a number from " + expected.str() +
                    " belongs. The workspace's manifest or the model's side-car is damaged: restore it from a backup, or "
                    "train the model again in a new workspace.");
}

const nlohmann::json& entry(const nlohmann::json& config, const char* key, const std::string& network) {
    if (!config.is_object() || !config.contains(key)) {
        throw UserError("the " + network + " configuration has no \"" + std::string(key) +
                        "\"; the workspace's manifest or the model's side-car is damaged.");
    }
    return config.at(key);
}

}  // namespace

double config_number(const nlohmann::json& config, const char* key, double low, double high, const std::string& network) {
    const nlohmann::json& value = entry(config, key, network);
    if (!value.is_number()) refuse(network, key, value.dump(), low, high);
    const double number = value.get<double>();
    if (!std::isfinite(number) || number < low || number > high) refuse(network, key, value.dump(), low, high);
    return number;
}

int config_whole(const nlohmann::json& config, const char* key, int low, int high, const std::string& network) {
    const nlohmann::json& value = entry(config, key, network);
    if (!value.is_number_integer() || value.get<std::int64_t>() < low || value.get<std::int64_t>() > high) {
        refuse(network, key, value.dump(), low, high);
    }
    return value.get<int>();
}

}  // namespace inv
