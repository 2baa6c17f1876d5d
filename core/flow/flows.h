#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/flow/condition_embedder.h"
#include "core/flow/flow_config.h"
#include "core/flow/invertible_blocks.h"

#include <vector>

namespace inv {

// A stack of flow blocks over `dim` features with an optional condition of `condition_dim`.
class FlowStackImpl : public torch::nn::Module {
public:
    FlowStackImpl(const FlowConfig& config, std::int64_t condition_dim);

    FlowOutput forward(const torch::Tensor& x, const torch::Tensor& condition = {});
    torch::Tensor inverse(const torch::Tensor& y, const torch::Tensor& condition = {});

private:
    void check_input(const torch::Tensor& x) const;

    std::int64_t m_dim;
    std::vector<FlowBlock> m_blocks;
};
TORCH_MODULE(FlowStack);

// t: v = t(z̄ | z) and z̄ = t⁻¹(v | z). One embedding of z feeds every coupling.
class ConditionalFlowImpl : public torch::nn::Module {
public:
    explicit ConditionalFlowImpl(ConditionalFlowConfig config);

    FlowOutput forward(const torch::Tensor& code, const torch::Tensor& condition);
    torch::Tensor inverse(const torch::Tensor& v, const torch::Tensor& condition);
    const ConditionalFlowConfig& config() const { return m_config; }

private:
    ConditionalFlowConfig m_config;
    ConditionEmbedder m_embedder{nullptr};
    FlowStack m_flow{nullptr};
};
TORCH_MODULE(ConditionalFlow);

// e: an unconditional flow whose output splits into factors (residual first).
class FactorFlowImpl : public torch::nn::Module {
public:
    explicit FactorFlowImpl(FactorFlowConfig config);

    FlowOutput forward(const torch::Tensor& code);
    torch::Tensor inverse(const torch::Tensor& factors);
    // [N, dim] -> one [N, size_i] tensor per factor, and back.
    std::vector<torch::Tensor> split(const torch::Tensor& factors) const;
    torch::Tensor join(const std::vector<torch::Tensor>& parts) const;
    // [N] factor index per sample -> [N, dim] mask that is 1 on that factor's dimensions.
    torch::Tensor factor_mask(const torch::Tensor& factor_index) const;
    const FactorFlowConfig& config() const { return m_config; }

private:
    FactorFlowConfig m_config;
    FlowStack m_flow{nullptr};
};
TORCH_MODULE(FactorFlow);

}  // namespace inv
