#pragma once

#include <cmath>
#include <vector>

namespace inv {

// A statistic over repeats or samples, as every analysis reports it.
struct MeanStd {
    double mean = 0.0;
    double std = 0.0;  // sample standard deviation; 0 for a single value
};

inline MeanStd mean_std(const std::vector<double>& values) {
    MeanStd result;
    if (values.empty()) return result;
    for (double v : values) result.mean += v;
    result.mean /= static_cast<double>(values.size());
    if (values.size() > 1) {
        double squares = 0.0;
        for (double v : values) squares += (v - result.mean) * (v - result.mean);
        result.std = std::sqrt(squares / static_cast<double>(values.size() - 1));
    }
    return result;
}

}  // namespace inv
