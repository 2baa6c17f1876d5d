#include "core/analysis/adversarial.h"

#include "core/runtime/errors.h"

#include <ATen/CPUGeneratorImpl.h>

namespace inv {
namespace {

// ∇ₓ of the summed cross-entropy against fixed labels: each image's gradient is its own.
torch::Tensor loss_gradient(Classifier& classifier, const torch::Tensor& x, const torch::Tensor& labels) {
    torch::Tensor input = x.detach().clone().requires_grad_(true);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(
        classifier->forward(input), labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
    return torch::autograd::grad({loss}, {input})[0];
}

torch::Tensor project(const torch::Tensor& candidate, const torch::Tensor& x, double epsilon) {
    return torch::min(torch::max(candidate, x - epsilon), x + epsilon).clamp(-1.0, 1.0);
}

}  // namespace

std::string to_string(AttackMethod method) {
    switch (method) {
        case AttackMethod::Fgsm:
            return "fgsm";
        case AttackMethod::Pgd:
            return "pgd";
        case AttackMethod::RandomSign:
            return "random-sign";
    }
    return "?";
}

std::optional<AttackMethod> parse_attack_method(const std::string& name) {
    for (AttackMethod m : {AttackMethod::Fgsm, AttackMethod::Pgd, AttackMethod::RandomSign}) {
        if (name == to_string(m)) return m;
    }
    return std::nullopt;
}

torch::Tensor perturb(Classifier& classifier, const torch::Tensor& x, const AttackSettings& settings) {
    if (!(settings.epsilon >= 0.0) || settings.epsilon > 2.0) {
        throw UserError("epsilon must be between 0 and 2 (in [-1, 1] image units); got " + std::to_string(settings.epsilon) +
                        ".");
    }
    const double eps = settings.epsilon;
    torch::Generator generator = at::detail::createCPUGenerator(settings.seed);
    if (settings.method == AttackMethod::RandomSign) {
        return (x + eps * torch::randn(x.sizes(), generator, torch::kFloat).to(x.device()).sign()).clamp(-1.0, 1.0);
    }
    torch::Tensor labels;
    {
        torch::NoGradGuard no_grad;
        labels = classifier->forward(x).argmax(1);
    }
    if (settings.method == AttackMethod::Fgsm) {
        return (x + eps * loss_gradient(classifier, x, labels).sign()).clamp(-1.0, 1.0).detach();
    }
    if (settings.pgd_steps < 1) throw UserError("PGD needs at least one step; got " + std::to_string(settings.pgd_steps) + ".");
    const double step = settings.pgd_step_size > 0 ? settings.pgd_step_size : 2.5 * eps / settings.pgd_steps;
    torch::Tensor current = project(x + (torch::rand(x.sizes(), generator, torch::kFloat).to(x.device()) * 2 - 1) * eps, x, eps);
    for (int i = 0; i < settings.pgd_steps; ++i) {
        current = project(current + step * loss_gradient(classifier, current, labels).sign(), x, eps).detach();
    }
    return current;
}

}  // namespace inv
