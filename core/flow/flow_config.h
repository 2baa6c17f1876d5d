#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// The stack of flow blocks (ActNorm -> double affine coupling -> fixed permutation) shared by t
// and e. Paper sizes: t 20 blocks x width 1024 x depth 2 on 128 dims; e 12 x 512 x 2.
struct FlowConfig {
    int dim = 64;  // size of z̄ (the autoencoder's code)
    int blocks = 12;
    int hidden_width = 512;  // width of the coupling MLPs
    int hidden_depth = 2;    // hidden layers of the coupling MLPs
    std::uint64_t permutation_seed = 0;
};

// t: the conditional flow, v = t(z̄ | z). The condition's shape picks the embedder: one entry
// (a flat z) or three (C, H, W: a spatial z).
struct ConditionalFlowConfig {
    FlowConfig flow;
    std::vector<std::int64_t> condition_shape{10};
    int embedding_dim = 64;
};

struct NamedFactor {
    std::string name;
    int size = 0;
};

// e: the unconditional flow whose output is split into factors. factors[0] is always the residual
// e_0; factors[1..K] are the named concepts. Sizes add up to flow.dim.
struct FactorFlowConfig {
    FlowConfig flow;
    std::vector<NamedFactor> factors;
};

nlohmann::json to_json(const FlowConfig& config);
nlohmann::json to_json(const ConditionalFlowConfig& config);
nlohmann::json to_json(const FactorFlowConfig& config);
FlowConfig flow_config_from_json(const nlohmann::json& j);
ConditionalFlowConfig conditional_flow_config_from_json(const nlohmann::json& j);
FactorFlowConfig factor_flow_config_from_json(const nlohmann::json& j);

// Throws UserError when a configuration cannot be built (sizes that do not add up, …).
void validate(const FlowConfig& config);
void validate(const ConditionalFlowConfig& config);
void validate(const FactorFlowConfig& config);

// The first place where two JSON documents differ, as "key.path: found X, expected Y"; nullopt
// when they are equal.
std::optional<std::string> first_difference(const nlohmann::json& found, const nlohmann::json& expected,
                                            const std::string& path = "");

}  // namespace inv
