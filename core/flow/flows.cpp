#include "core/flow/flows.h"

#include "core/runtime/errors.h"
#include "core/runtime/random.h"

namespace inv {

// ------------------------------------------------------------------------------------ FlowStack

FlowStackImpl::FlowStackImpl(const FlowConfig& config, std::int64_t condition_dim) : m_dim(config.dim) {
    validate(config);
    for (int b = 0; b < config.blocks; ++b) {
        m_blocks.push_back(register_module("block" + std::to_string(b),
                                           FlowBlock(config.dim, condition_dim, config.hidden_width, config.hidden_depth,
                                                     mix64(config.permutation_seed, static_cast<std::uint64_t>(b)))));
    }
}

void FlowStackImpl::check_input(const torch::Tensor& x) const {
    if (x.dim() != 2 || x.size(1) != m_dim) {
        std::string shape = "[";
        for (std::int64_t i = 0; i < x.dim(); ++i) shape += (i ? ", " : "") + std::to_string(x.size(i));
        throw UserError("this flow works on codes of shape [N, " + std::to_string(m_dim) + "], got " + shape + "].");
    }
}

FlowOutput FlowStackImpl::forward(const torch::Tensor& x, const torch::Tensor& condition) {
    check_input(x);
    torch::Tensor value = x;
    torch::Tensor logdet = torch::zeros({x.size(0)}, x.options());
    for (FlowBlock& block : m_blocks) {
        FlowOutput out = block->forward(value, condition);
        value = out.value;
        logdet = logdet + out.logdet;
    }
    return {value, logdet};
}

torch::Tensor FlowStackImpl::inverse(const torch::Tensor& y, const torch::Tensor& condition) {
    check_input(y);
    torch::Tensor value = y;
    for (auto block = m_blocks.rbegin(); block != m_blocks.rend(); ++block) value = (*block)->inverse(value, condition);
    return value;
}

// ------------------------------------------------------------------------------ ConditionalFlow

ConditionalFlowImpl::ConditionalFlowImpl(ConditionalFlowConfig config) : m_config(std::move(config)) {
    validate(m_config);
    m_embedder = register_module("embedder", ConditionEmbedder(m_config.condition_shape, m_config.embedding_dim));
    m_flow = register_module("flow", FlowStack(m_config.flow, m_config.embedding_dim));
}

FlowOutput ConditionalFlowImpl::forward(const torch::Tensor& code, const torch::Tensor& condition) {
    return m_flow->forward(code, m_embedder->forward(condition));
}

torch::Tensor ConditionalFlowImpl::inverse(const torch::Tensor& v, const torch::Tensor& condition) {
    return m_flow->inverse(v, m_embedder->forward(condition));
}

// ---------------------------------------------------------------------------------- FactorFlow

FactorFlowImpl::FactorFlowImpl(FactorFlowConfig config) : m_config(std::move(config)) {
    validate(m_config);
    m_flow = register_module("flow", FlowStack(m_config.flow, 0));
}

FlowOutput FactorFlowImpl::forward(const torch::Tensor& code) {
    return m_flow->forward(code);
}

torch::Tensor FactorFlowImpl::inverse(const torch::Tensor& factors) {
    return m_flow->inverse(factors);
}

std::vector<torch::Tensor> FactorFlowImpl::split(const torch::Tensor& factors) const {
    std::vector<torch::Tensor> parts;
    std::int64_t start = 0;
    for (const NamedFactor& factor : m_config.factors) {
        parts.push_back(factors.narrow(1, start, factor.size));
        start += factor.size;
    }
    return parts;
}

torch::Tensor FactorFlowImpl::join(const std::vector<torch::Tensor>& parts) const {
    if (parts.size() != m_config.factors.size()) {
        throw UserError("expected " + std::to_string(m_config.factors.size()) + " factor tensors, got " +
                        std::to_string(parts.size()) + ".");
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].dim() != 2 || parts[i].size(1) != m_config.factors[i].size) {
            throw UserError("factor \"" + m_config.factors[i].name + "\" must have " + std::to_string(m_config.factors[i].size) +
                            " dimensions per sample.");
        }
    }
    return torch::cat(parts, 1);
}

torch::Tensor FactorFlowImpl::factor_mask(const torch::Tensor& factor_index) const {
    const auto options = torch::TensorOptions().dtype(torch::kFloat).device(factor_index.device());
    std::vector<std::int64_t> owner;
    for (std::size_t f = 0; f < m_config.factors.size(); ++f) {
        owner.insert(owner.end(), static_cast<std::size_t>(m_config.factors[f].size), static_cast<std::int64_t>(f));
    }
    const torch::Tensor owners = torch::tensor(owner, torch::kLong).to(factor_index.device());
    return (owners.unsqueeze(0) == factor_index.to(torch::kLong).unsqueeze(1)).to(options);
}

}  // namespace inv
