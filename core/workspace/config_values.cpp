#include "core/workspace/config_values.h"

#include "core/runtime/errors.h"

#include <cmath>
#include <limits>
#include <sstream>

namespace inv {
namespace {

[[noreturn]] void refuse(const std::string& network, const char* key, const std::string& found, double low, double high) {
    std::ostringstream expected;
    expected << low << " to " << high;
    throw UserError("the " + network + " configuration has \"" + key + "\": " + found + ", where a number from " +
                    expected.str() +
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

std::optional<std::int64_t> whole_in_range(const nlohmann::json& value, std::int64_t low, std::int64_t high) {
    if (!value.is_number_integer()) return std::nullopt;
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    const std::int64_t number = value.get<std::int64_t>();
    if (number < low || number > high) return std::nullopt;
    return number;
}

double config_number(const nlohmann::json& config, const char* key, double low, double high, const std::string& network) {
    const nlohmann::json& value = entry(config, key, network);
    if (!value.is_number()) refuse(network, key, value.dump(), low, high);
    const double number = value.get<double>();
    if (!std::isfinite(number) || number < low || number > high) refuse(network, key, value.dump(), low, high);
    return number;
}

int config_whole(const nlohmann::json& config, const char* key, int low, int high, const std::string& network) {
    const nlohmann::json& value = entry(config, key, network);
    const std::optional<std::int64_t> number = whole_in_range(value, low, high);
    if (!number) refuse(network, key, value.dump(), low, high);
    return static_cast<int>(*number);
}

}  // namespace inv
