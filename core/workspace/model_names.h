#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace inv {

// How a workspace names t, the conditional INN of a layer: "cinn-<layer>" for the classifier's last
// checkpoint, "cinn-<layer>@<step>" for t trained against an earlier one. The only place that
// builds or reads these names.
std::string cinn_model_name(const std::string& layer, std::optional<std::int64_t> classifier_step = std::nullopt);

struct CinnModelName {
    std::string layer;
    std::optional<std::int64_t> classifier_step;  // none: the last checkpoint
};
// None for a name that is not t's (or whose step is not a number).
std::optional<CinnModelName> parse_cinn_model_name(const std::string& model);

}  // namespace inv
