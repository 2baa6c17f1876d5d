#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace inv {

// The numbers of a network configuration read back from a workspace (its manifest or a side-car),
// checked before any network is built from them: a width of 1e6 would ask for petabytes, a string
// would stop the program with a library's message. Throws UserError naming the network, the key,
// the value found and the range expected. The ranges are those the command line accepts.
// The integer `value` holds when it is a whole JSON number within [low, high], else nothing:
// nlohmann's own conversion turns 1e20 or -1 into a wrapped-around int.
std::optional<std::int64_t> whole_in_range(const nlohmann::json& value, std::int64_t low, std::int64_t high);

double config_number(const nlohmann::json& config, const char* key, double low, double high, const std::string& network);
int config_whole(const nlohmann::json& config, const char* key, int low, int high, const std::string& network);

}  // namespace inv
