#include "core/workspace/model_names.h"

#include <charconv>

namespace inv {
namespace {

constexpr std::string_view kPrefix = "cinn-";

}  // namespace

std::string cinn_model_name(const std::string& layer, std::optional<std::int64_t> classifier_step) {
    return std::string(kPrefix) + layer + (classifier_step ? "@" + std::to_string(*classifier_step) : std::string());
}

std::optional<CinnModelName> parse_cinn_model_name(const std::string& model) {
    if (model.compare(0, kPrefix.size(), kPrefix) != 0 || model.size() == kPrefix.size()) return std::nullopt;
    const std::size_t at = model.find('@', kPrefix.size());
    CinnModelName name;
    name.layer = model.substr(kPrefix.size(), at == std::string::npos ? std::string::npos : at - kPrefix.size());
    if (name.layer.empty()) return std::nullopt;
    if (at != std::string::npos) {
        std::int64_t step = 0;
        const char* first = model.data() + at + 1;
        const char* last = model.data() + model.size();
        const auto [end, error] = std::from_chars(first, last, step);
        if (error != std::errc() || end != last || first == last || step < 0) return std::nullopt;
        name.classifier_step = step;
    }
    return name;
}

}  // namespace inv
