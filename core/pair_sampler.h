#pragma once

#include "core/color_dataset.h"
#include "core/random.h"

#include <memory>

namespace inv {

// Two samples that share exactly one named factor (method.md §4–5), for training e.
struct FactorPair {
    ImageSample a;
    ImageSample b;
    std::size_t shared_factor = 0;  // index into ColorDataset::factors()
    std::size_t index_a = 0;        // data-set indices of the grey images used
    std::size_t index_b = 0;
};

// Draws pairs: the shared factor is chosen uniformly; every other factor differs. Colours are
// drawn fresh for every pair, so "same digit" means another image of that class in new colours,
// "same foreground" a digit of another class on a new background in the same foreground colour,
// and likewise for the background.
class PairSampler {
public:
    PairSampler(std::shared_ptr<const ColorDataset> dataset, std::uint64_t seed);
    FactorPair next();

private:
    Rgb fresh_colour();
    std::size_t index_of_other_class(int label);
    std::size_t other_index_of_same_class(std::size_t index);

    std::shared_ptr<const ColorDataset> m_dataset;
    Rng m_rng;
};

}  // namespace inv
