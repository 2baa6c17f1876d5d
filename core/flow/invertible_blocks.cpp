#include "core/flow/invertible_blocks.h"

#include "core/runtime/data_parallel.h"
#include "core/runtime/errors.h"
#include "core/runtime/random.h"

namespace inv {
namespace {

constexpr double kCouplingSlope = 0.01;
constexpr double kStdEpsilon = 1e-6;

std::string shape_text(const torch::Tensor& t) {
    std::string text = "[";
    for (std::int64_t i = 0; i < t.dim(); ++i) text += (i ? ", " : "") + std::to_string(t.size(i));
    return text + "]";
}

}  // namespace

torch::nn::Sequential make_mlp(std::int64_t in, std::int64_t out, int width, int depth) {
    torch::nn::Sequential mlp;
    std::int64_t features = in;
    for (int layer = 0; layer < depth; ++layer) {
        mlp->push_back(torch::nn::Linear(features, width));
        mlp->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(kCouplingSlope)));
        features = width;
    }
    // The last layer starts at zero, so every coupling starts as the identity and training begins
    // from a well-conditioned flow (as in Glow).
    torch::nn::Linear last(features, out);
    {
        torch::NoGradGuard no_grad;
        last->weight.zero_();
        last->bias.zero_();
    }
    mlp->push_back(last);
    return mlp;
}

// ------------------------------------------------------------------------------------ ActNorm

ActNormImpl::ActNormImpl(std::int64_t channels) {
    m_loc = register_parameter("loc", torch::zeros({channels}));
    m_scale = register_parameter("scale", torch::ones({channels}));
    m_initialized = register_buffer("initialized", torch::zeros({1}, torch::kUInt8));
}

bool ActNormImpl::initialized() const {
    return m_initialized.item<std::uint8_t>() != 0;
}

void ActNormImpl::to(torch::Dtype dtype, bool non_blocking) {
    for (torch::Tensor& parameter : parameters(/*recurse=*/false)) {
        parameter.set_data(parameter.to(dtype, non_blocking));
    }
}

void ActNormImpl::to(torch::Device device, torch::Dtype dtype, bool non_blocking) {
    torch::nn::Module::to(device, non_blocking);
    to(dtype, non_blocking);
}

torch::Tensor ActNormImpl::broadcastable(const torch::Tensor& per_channel, std::int64_t rank) const {
    std::vector<std::int64_t> shape(static_cast<std::size_t>(rank), 1);
    shape[1] = per_channel.size(0);
    return per_channel.view(shape);
}

void ActNormImpl::initialize_from(const torch::Tensor& x) {
    torch::NoGradGuard no_grad;
    if (current_batch_share()) {
        // In a data-parallel step: the statistics of the whole batch, gathered from every rank.
        const auto [mean, std] = channel_moments_over_shares(x);
        m_loc.copy_(-mean);
        m_scale.copy_(1.0 / (std + kStdEpsilon));
    } else {
        const torch::Tensor channels_first = x.transpose(0, 1).reshape({x.size(1), -1});
        m_loc.copy_(-channels_first.mean(1));
        m_scale.copy_(1.0 / (channels_first.std(1) + kStdEpsilon));
    }
    m_initialized.fill_(1);
}

FlowOutput ActNormImpl::forward_with_logdet(const torch::Tensor& x) {
    if (x.dim() != 2 && x.dim() != 4) {
        throw UserError("ActNorm expects [N, C] or [N, C, H, W], got " + shape_text(x) + ".");
    }
    if (x.size(1) != m_loc.size(0)) {
        throw UserError("ActNorm has " + std::to_string(m_loc.size(0)) + " channels, the input " + shape_text(x) + " has " +
                        std::to_string(x.size(1)) + ".");
    }
    if (is_training() && !initialized()) initialize_from(x);
    const torch::Tensor y = broadcastable(m_scale, x.dim()) * (x + broadcastable(m_loc, x.dim()));
    const std::int64_t pixels = x.dim() == 4 ? x.size(2) * x.size(3) : 1;
    const torch::Tensor logdet = (torch::log(torch::abs(m_scale)).sum() * pixels).expand({x.size(0)});
    return {y, logdet};
}

torch::Tensor ActNormImpl::forward(const torch::Tensor& x) {
    return forward_with_logdet(x).value;
}

torch::Tensor ActNormImpl::inverse(const torch::Tensor& y) const {
    return y / broadcastable(m_scale, y.dim()) - broadcastable(m_loc, y.dim());
}

// ------------------------------------------------------------------------------- DoubleCoupling

DoubleCouplingImpl::DoubleCouplingImpl(std::int64_t dim, std::int64_t condition_dim, int hidden_width, int hidden_depth)
    : m_first(dim / 2), m_second(dim - dim / 2), m_condition_dim(condition_dim) {
    m_scale0 = register_module("scale0", make_mlp(m_first + condition_dim, m_second, hidden_width, hidden_depth));
    m_shift0 = register_module("shift0", make_mlp(m_first + condition_dim, m_second, hidden_width, hidden_depth));
    m_scale1 = register_module("scale1", make_mlp(m_second + condition_dim, m_first, hidden_width, hidden_depth));
    m_shift1 = register_module("shift1", make_mlp(m_second + condition_dim, m_first, hidden_width, hidden_depth));
}

torch::Tensor DoubleCouplingImpl::with_condition(const torch::Tensor& part, const torch::Tensor& condition) const {
    if (m_condition_dim == 0) return part;
    if (!condition.defined() || condition.dim() != 2 || condition.size(1) != m_condition_dim ||
        condition.size(0) != part.size(0)) {
        throw UserError("the coupling expects a condition of shape [" + std::to_string(part.size(0)) + ", " +
                        std::to_string(m_condition_dim) + "], got " +
                        (condition.defined() ? shape_text(condition) : std::string("none")) + ".");
    }
    return torch::cat({part, condition}, 1);
}

FlowOutput DoubleCouplingImpl::forward(const torch::Tensor& x, const torch::Tensor& condition) {
    const torch::Tensor a = x.narrow(1, 0, m_first);
    const torch::Tensor b = x.narrow(1, m_first, m_second);
    const torch::Tensor input_a = with_condition(a, condition);
    const torch::Tensor s0 = torch::tanh(m_scale0->forward(input_a));
    const torch::Tensor b_out = b * torch::exp(s0) + m_shift0->forward(input_a);
    const torch::Tensor input_b = with_condition(b_out, condition);
    const torch::Tensor s1 = torch::tanh(m_scale1->forward(input_b));
    const torch::Tensor a_out = a * torch::exp(s1) + m_shift1->forward(input_b);
    return {torch::cat({a_out, b_out}, 1), s0.sum(1) + s1.sum(1)};
}

torch::Tensor DoubleCouplingImpl::inverse(const torch::Tensor& y, const torch::Tensor& condition) {
    const torch::Tensor a_out = y.narrow(1, 0, m_first);
    const torch::Tensor b_out = y.narrow(1, m_first, m_second);
    const torch::Tensor input_b = with_condition(b_out, condition);
    const torch::Tensor a = (a_out - m_shift1->forward(input_b)) * torch::exp(-torch::tanh(m_scale1->forward(input_b)));
    const torch::Tensor input_a = with_condition(a, condition);
    const torch::Tensor b = (b_out - m_shift0->forward(input_a)) * torch::exp(-torch::tanh(m_scale0->forward(input_a)));
    return torch::cat({a, b}, 1);
}

// -------------------------------------------------------------------------------------- Shuffle

ShuffleImpl::ShuffleImpl(std::int64_t dim, std::uint64_t seed) {
    std::vector<std::int64_t> order(static_cast<std::size_t>(dim));
    for (std::int64_t i = 0; i < dim; ++i) order[static_cast<std::size_t>(i)] = i;
    Rng rng(seed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    const torch::Tensor forward_order = torch::tensor(order, torch::kLong);
    m_forward = register_buffer("forward_order", forward_order);
    m_backward = register_buffer("backward_order", torch::argsort(forward_order));
}

torch::Tensor ShuffleImpl::forward(const torch::Tensor& x) const {
    return x.index_select(1, m_forward);
}
torch::Tensor ShuffleImpl::inverse(const torch::Tensor& y) const {
    return y.index_select(1, m_backward);
}

// ------------------------------------------------------------------------------------ FlowBlock

FlowBlockImpl::FlowBlockImpl(std::int64_t dim, std::int64_t condition_dim, int hidden_width, int hidden_depth,
                             std::uint64_t permutation_seed) {
    m_norm = register_module("norm", ActNorm(dim));
    m_coupling = register_module("coupling", DoubleCoupling(dim, condition_dim, hidden_width, hidden_depth));
    m_shuffle = register_module("shuffle", Shuffle(dim, permutation_seed));
}

FlowOutput FlowBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& condition) {
    const FlowOutput normed = m_norm->forward_with_logdet(x);
    const FlowOutput coupled = m_coupling->forward(normed.value, condition);
    return {m_shuffle->forward(coupled.value), normed.logdet + coupled.logdet};
}

torch::Tensor FlowBlockImpl::inverse(const torch::Tensor& y, const torch::Tensor& condition) {
    return m_norm->inverse(m_coupling->inverse(m_shuffle->inverse(y), condition));
}

}  // namespace inv
