#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/analysis/epsilon_units.h"
#include "core/models/classifier.h"

#include <cstdint>
#include <optional>
#include <string>

namespace inv {

enum class AttackMethod { Fgsm, Pgd, RandomSign };

std::string to_string(AttackMethod method);
// "fgsm", "pgd", "random-sign"; nullopt otherwise.
std::optional<AttackMethod> parse_attack_method(const std::string& name);

// ε is in the images' own units, [-1, 1] (1/255 of the 8-bit range is 2/255 of these units).
struct AttackSettings {
    AttackMethod method = AttackMethod::Fgsm;
    double epsilon = 0.02;
    int pgd_steps = 10;
    double pgd_step_size = 0.0;  // 0: 2.5 ε / steps, enough to cross the ball
    std::uint64_t seed = 0;      // the control's noise and PGD's random start
};

// x' for a batch x in [-1, 1] against the classifier's own predictions on x (docs/method.md §7):
// FGSM x' = clamp(x + ε sign ∇ₓ CE(f(x), ŷ)); PGD iterates that step from a random start inside the
// L∞ ball and projects back onto it; the random-sign control is x + ε sign(n), n ~ N(0, I).
// Every x' stays within ε of x in L∞ and inside [-1, 1]. Throws UserError for ε < 0 or steps < 1.
torch::Tensor perturb(Classifier& classifier, const torch::Tensor& x, const AttackSettings& settings);

}  // namespace inv
