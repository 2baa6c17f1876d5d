#pragma once

#include "core/data/color_dataset.h"
#include "core/runtime/random.h"

#include <memory>
#include <vector>

namespace inv {

// Two samples that share exactly one named factor (docs/method.md §4–5), for training e.
struct FactorPair {
    ImageSample a;
    ImageSample b;
    std::size_t shared_factor = 0;  // index into the data set's factors()
    std::size_t index_a = 0;        // data-set indices of the images used
    std::size_t index_b = 0;
};

// Draws pairs: the shared factor is chosen uniformly.
// On ColorMNIST/ColorFashion every other factor differs, and colours are drawn fresh for every
// pair, so "same digit" means another image of that class in new colours, "same foreground" a
// digit of another class on a new background in the same foreground colour, and likewise for the
// background.
// On other data sets (an image folder's classes and attribute columns, all categorical) B is an
// image with A's value of the shared factor, preferring one that differs from A in the others.
class PairSampler {
public:
    PairSampler(std::shared_ptr<const ImageDataset> dataset, std::uint64_t seed);
    FactorPair next();
    // Restarts the draws as a sampler made with this seed would make them.
    void reseed(std::uint64_t seed) { m_rng = Rng(seed); }

private:
    FactorPair next_coloured(const ColorDataset& dataset);
    FactorPair next_categorical();
    Rgb fresh_colour();
    std::size_t index_of_other_class(const ColorDataset& dataset, int label);
    std::size_t other_index_of_same_class(const ColorDataset& dataset, std::size_t index);

    std::shared_ptr<const ImageDataset> m_dataset;
    const ColorDataset* m_coloured = nullptr;
    // For categorical data sets: every image's category per factor, and the images of each
    // category: m_members[factor][category].
    std::vector<std::vector<int>> m_categories;
    std::vector<std::vector<std::vector<std::size_t>>> m_members;
    Rng m_rng;
};

}  // namespace inv
