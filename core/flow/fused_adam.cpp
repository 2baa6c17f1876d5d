#include "core/flow/fused_adam.h"

#include "core/runtime/errors.h"

#include <ATen/Parallel.h>
#include <cmath>

namespace inv {
namespace {

constexpr std::int64_t kGrain = 1 << 15;

struct StepScalars {
    float beta1, one_minus_beta1, beta2, one_minus_beta2, step_size, inverse_bias2_sqrt, eps;
};

void fused_cpu_update(float* __restrict p, const float* __restrict g, float* __restrict m, float* __restrict v,
                      std::int64_t begin, std::int64_t end, const StepScalars& s) {
    for (std::int64_t i = begin; i < end; ++i) {
        const float grad = g[i];
        const float m_next = s.beta1 * m[i] + s.one_minus_beta1 * grad;
        const float v_next = s.beta2 * v[i] + s.one_minus_beta2 * grad * grad;
        m[i] = m_next;
        v[i] = v_next;
        p[i] -= s.step_size * m_next / (std::sqrt(v_next) * s.inverse_bias2_sqrt + s.eps);
    }
}

bool fusable(const torch::Tensor& p, const torch::Tensor& g) {
    return p.device().is_cpu() && p.scalar_type() == torch::kFloat && g.scalar_type() == torch::kFloat && p.is_contiguous() &&
           g.is_contiguous();
}

// Parameters the fused CPU pass cannot take (CUDA above all), updated together with torch's
// multi-tensor ("foreach") kernels: on a GPU each of the few operations below is one launch for
// all of a network's parameters instead of one per parameter, which is what bounded t's step there.
// The arithmetic is the plain Adam update, element for element.
struct TensorGroup {
    std::vector<torch::Tensor> parameters, gradients, exp_avg, exp_avg_sq;

    void add(const torch::Tensor& p, const torch::Tensor& g, const torch::Tensor& m, const torch::Tensor& v) {
        parameters.push_back(p);
        gradients.push_back(g);
        exp_avg.push_back(m);
        exp_avg_sq.push_back(v);
    }

    void update(const FusedAdam::Options& options, double bias2, double step_size) {
        if (parameters.empty()) return;
        at::_foreach_mul_(exp_avg, at::Scalar(options.beta1));
        at::_foreach_add_(exp_avg, gradients, at::Scalar(1.0 - options.beta1));
        at::_foreach_mul_(exp_avg_sq, at::Scalar(options.beta2));
        at::_foreach_addcmul_(exp_avg_sq, gradients, gradients, at::Scalar(1.0 - options.beta2));
        std::vector<torch::Tensor> denominator = at::_foreach_sqrt(exp_avg_sq);
        at::_foreach_div_(denominator, at::Scalar(std::sqrt(bias2)));
        at::_foreach_add_(denominator, at::Scalar(options.eps));
        at::_foreach_addcdiv_(parameters, exp_avg, denominator, at::Scalar(-step_size));
    }
};

}  // namespace

FusedAdam::FusedAdam(std::vector<torch::Tensor> parameters, Options options)
    : m_parameters(std::move(parameters)), m_options(options) {
    for (const torch::Tensor& p : m_parameters) {
        m_exp_avg.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
        m_exp_avg_sq.push_back(torch::zeros_like(p, torch::MemoryFormat::Contiguous));
    }
}

void FusedAdam::zero_grad() {
    for (torch::Tensor& p : m_parameters) p.mutable_grad().reset();
}

void FusedAdam::step() {
    torch::NoGradGuard no_grad;
    ++m_step;
    const double bias1 = 1.0 - std::pow(m_options.beta1, static_cast<double>(m_step));
    const double bias2 = 1.0 - std::pow(m_options.beta2, static_cast<double>(m_step));
    const double step_size = m_options.lr / bias1;
    const StepScalars scalars{static_cast<float>(m_options.beta1), static_cast<float>(1.0 - m_options.beta1),
                              static_cast<float>(m_options.beta2), static_cast<float>(1.0 - m_options.beta2),
                              static_cast<float>(step_size),       static_cast<float>(1.0 / std::sqrt(bias2)),
                              static_cast<float>(m_options.eps)};
    // Parameters without a gradient this step are left alone, as torch.optim.Adam does.
    TensorGroup grouped;
    for (std::size_t i = 0; i < m_parameters.size(); ++i) {
        torch::Tensor& p = m_parameters[i];
        const torch::Tensor& grad = p.grad();
        if (!grad.defined()) continue;
        if (fusable(p, grad)) {
            float* pp = p.data_ptr<float>();
            const float* gp = grad.data_ptr<float>();
            float* mp = m_exp_avg[i].data_ptr<float>();
            float* vp = m_exp_avg_sq[i].data_ptr<float>();
            at::parallel_for(0, p.numel(), kGrain, [&](std::int64_t begin, std::int64_t end) {
                fused_cpu_update(pp, gp, mp, vp, begin, end, scalars);
            });
        } else {
            grouped.add(p, grad, m_exp_avg[i], m_exp_avg_sq[i]);
        }
    }
    grouped.update(m_options, bias2, step_size);
}

void FusedAdam::save(torch::serialize::OutputArchive& archive) const {
    archive.write("step", torch::tensor(m_step, torch::kLong));
    for (std::size_t i = 0; i < m_parameters.size(); ++i) {
        archive.write("exp_avg." + std::to_string(i), m_exp_avg[i], /*is_buffer=*/true);
        archive.write("exp_avg_sq." + std::to_string(i), m_exp_avg_sq[i], /*is_buffer=*/true);
    }
}

void FusedAdam::load(torch::serialize::InputArchive& archive) {
    torch::Tensor step;
    archive.read("step", step);
    for (std::size_t i = 0; i < m_parameters.size(); ++i) {
        torch::Tensor m;
        torch::Tensor v;
        archive.read("exp_avg." + std::to_string(i), m, /*is_buffer=*/true);
        archive.read("exp_avg_sq." + std::to_string(i), v, /*is_buffer=*/true);
        if (!m.sizes().equals(m_parameters[i].sizes()) || !v.sizes().equals(m_parameters[i].sizes())) {
            throw UserError("the optimiser state does not fit the network (parameter " + std::to_string(i) +
                            " changed shape); it was saved for another configuration.");
        }
        m_exp_avg[i] = m.to(m_parameters[i].device()).contiguous();
        m_exp_avg_sq[i] = v.to(m_parameters[i].device()).contiguous();
    }
    m_step = step.item<std::int64_t>();
}

}  // namespace inv
