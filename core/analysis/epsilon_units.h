#pragma once

namespace inv {

// Attack strengths: images live in [-1, 1], so one step of the 8-bit range (1/255) is 2/255 of
// those units. The CLI and the GUI accept and show both.
inline double epsilon_from_255(double steps_of_255) {
    return steps_of_255 * 2.0 / 255.0;
}
inline double epsilon_to_255(double epsilon) {
    return epsilon * 255.0 / 2.0;
}

}  // namespace inv
