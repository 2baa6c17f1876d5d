#include "core/training/training_control.h"

namespace inv {

std::vector<std::int64_t> logarithmic_schedule(std::int64_t total_steps) {
    std::vector<std::int64_t> steps{0};
    for (std::int64_t decade = 10; decade < total_steps; decade *= 10) {
        for (std::int64_t factor : {2, 5, 10}) {
            const std::int64_t step = decade * factor;
            if (step < total_steps && step > steps.back()) steps.push_back(step);
        }
    }
    if (total_steps > steps.back()) steps.push_back(total_steps);
    return steps;
}

}  // namespace inv
