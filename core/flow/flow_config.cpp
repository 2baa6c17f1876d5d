#include "core/flow/flow_config.h"

#include "core/workspace/config_values.h"

#include "core/runtime/errors.h"

namespace inv {

using nlohmann::json;

json to_json(const FlowConfig& c) {
    return {{"dim", c.dim},
            {"blocks", c.blocks},
            {"hidden_width", c.hidden_width},
            {"hidden_depth", c.hidden_depth},
            {"permutation_seed", c.permutation_seed}};
}

json to_json(const ConditionalFlowConfig& c) {
    return {{"type", "conditional_flow"},
            {"flow", to_json(c.flow)},
            {"condition_shape", c.condition_shape},
            {"embedding_dim", c.embedding_dim}};
}

json to_json(const FactorFlowConfig& c) {
    json factors = json::array();
    for (const NamedFactor& f : c.factors) factors.push_back({{"name", f.name}, {"size", f.size}});
    return {{"type", "factor_flow"}, {"flow", to_json(c.flow)}, {"factors", factors}};
}

FlowConfig flow_config_from_json(const json& j) {
    FlowConfig c;
    c.dim = config_whole(j, "dim", 2, 65536, "invertible network");
    c.blocks = config_whole(j, "blocks", 1, 64, "invertible network");
    c.hidden_width = config_whole(j, "hidden_width", 1, 8192, "invertible network");
    c.hidden_depth = config_whole(j, "hidden_depth", 1, 8, "invertible network");
    c.permutation_seed = j.at("permutation_seed").get<std::uint64_t>();
    return c;
}

ConditionalFlowConfig conditional_flow_config_from_json(const json& j) {
    ConditionalFlowConfig c;
    c.flow = flow_config_from_json(j.at("flow"));
    c.condition_shape = j.at("condition_shape").get<std::vector<std::int64_t>>();
    c.embedding_dim = config_whole(j, "embedding_dim", 1, 65536, "invertible network");
    return c;
}

FactorFlowConfig factor_flow_config_from_json(const json& j) {
    FactorFlowConfig c;
    c.flow = flow_config_from_json(j.at("flow"));
    for (const json& f : j.at("factors")) c.factors.push_back({f.at("name").get<std::string>(), f.at("size").get<int>()});
    return c;
}

void validate(const FlowConfig& c) {
    if (c.dim < 2 || c.blocks < 1 || c.hidden_width < 1 || c.hidden_depth < 1) {
        throw UserError("invalid flow configuration " + to_json(c).dump() +
                        ": dim must be at least 2; blocks, hidden_width and hidden_depth at least 1.");
    }
}

void validate(const ConditionalFlowConfig& c) {
    validate(c.flow);
    const std::size_t rank = c.condition_shape.size();
    bool positive = rank == 1 || rank == 3;
    for (std::int64_t size : c.condition_shape) positive = positive && size > 0;
    if (!positive) {
        throw UserError("invalid condition shape " + json(c.condition_shape).dump() +
                        ": expected [features] for a flat z or [channels, height, width] for a spatial z.");
    }
    if (c.embedding_dim < 1) throw UserError("embedding_dim must be at least 1, got " + std::to_string(c.embedding_dim) + ".");
}

void validate(const FactorFlowConfig& c) {
    validate(c.flow);
    if (c.factors.size() < 2) {
        throw UserError("a factor flow needs the residual factor and at least one named factor; got " +
                        std::to_string(c.factors.size()) + " factor(s).");
    }
    int total = 0;
    for (const NamedFactor& f : c.factors) {
        if (f.size < 1)
            throw UserError("factor \"" + f.name + "\" has size " + std::to_string(f.size) + "; sizes must be at least 1.");
        total += f.size;
    }
    if (total != c.flow.dim) {
        throw UserError("factor sizes add up to " + std::to_string(total) + " but the flow has " + std::to_string(c.flow.dim) +
                        " dimensions.");
    }
}

std::optional<std::string> first_difference(const json& found, const json& expected, const std::string& path) {
    const std::string here = path.empty() ? "(root)" : path;
    if (found.type() != expected.type() && !(found.is_number() && expected.is_number())) {
        return here + ": found " + found.dump() + ", expected " + expected.dump();
    }
    if (expected.is_object()) {
        for (const auto& [key, value] : expected.items()) {
            const std::string child = path.empty() ? key : path + "." + key;
            if (!found.contains(key)) return child + ": missing in the file, expected " + value.dump();
            if (auto difference = first_difference(found.at(key), value, child)) return difference;
        }
        for (const auto& [key, value] : found.items()) {
            if (!expected.contains(key)) {
                return (path.empty() ? key : path + "." + key) + ": found " + value.dump() + ", not expected";
            }
        }
        return std::nullopt;
    }
    if (expected.is_array()) {
        if (found.size() != expected.size()) return here + ": found " + found.dump() + ", expected " + expected.dump();
        for (std::size_t i = 0; i < expected.size(); ++i) {
            if (auto difference = first_difference(found[i], expected[i], path + "[" + std::to_string(i) + "]")) {
                return difference;
            }
        }
        return std::nullopt;
    }
    if (found != expected) return here + ": found " + found.dump() + ", expected " + expected.dump();
    return std::nullopt;
}

}  // namespace inv
