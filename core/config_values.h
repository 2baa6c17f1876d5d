#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace inv {

// The numbers of a network configuration read back from a workspace (its manifest or a side-car),
// checked before any network is built from them: a width of 1e6 would ask for petabytes, a string
// would stop the program with a library's message. Throws UserError naming the network, the key,
// the value found and the range expected. The ranges are those the command line accepts.
double config_number(const nlohmann::json& config, const char* key, double low, double high, const std::string& network);
int config_whole(const nlohmann::json& config, const char* key, int low, int high, const std::string& network);

}  // namespace inv
