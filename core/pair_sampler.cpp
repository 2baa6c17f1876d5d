#include "core/pair_sampler.h"

#include "core/errors.h"

namespace inv {

PairSampler::PairSampler(std::shared_ptr<const ColorDataset> dataset, std::uint64_t seed)
    : m_dataset(std::move(dataset)), m_rng(seed) {
    if (m_dataset->size() < 2) {
        throw UserError("pair sampling needs at least two images; " + m_dataset->name() + " has " +
                        std::to_string(m_dataset->size()) + ".");
    }
}

Rgb PairSampler::fresh_colour() {
    return random_rgb(m_rng.next_bits(), m_rng.next_bits(), m_rng.next_bits());
}

std::size_t PairSampler::index_of_other_class(int label) {
    for (;;) {
        const std::size_t candidate = m_rng.below(m_dataset->size());
        if (m_dataset->label(candidate) != label) return candidate;
    }
}

std::size_t PairSampler::other_index_of_same_class(std::size_t index) {
    const auto& same = m_dataset->indices_of_class(m_dataset->label(index));
    if (same.size() < 2) return index;
    for (;;) {
        const std::size_t candidate = same[m_rng.below(same.size())];
        if (candidate != index) return candidate;
    }
}

FactorPair PairSampler::next() {
    FactorPair pair;
    pair.shared_factor = m_rng.below(m_dataset->factors().size());
    pair.index_a = m_rng.below(m_dataset->size());
    const Rgb fg_a = fresh_colour();
    const Rgb bg_a = fresh_colour();
    pair.a = m_dataset->compose(pair.index_a, fg_a, bg_a);

    const int label_a = m_dataset->label(pair.index_a);
    switch (pair.shared_factor) {
        case ColorDataset::kClassFactor:
            pair.index_b = other_index_of_same_class(pair.index_a);
            pair.b = m_dataset->compose(pair.index_b, fresh_colour(), fresh_colour());
            break;
        case ColorDataset::kForegroundFactor:
            pair.index_b = index_of_other_class(label_a);
            pair.b = m_dataset->compose(pair.index_b, fg_a, fresh_colour());
            break;
        default:
            pair.index_b = index_of_other_class(label_a);
            pair.b = m_dataset->compose(pair.index_b, fresh_colour(), bg_a);
            break;
    }
    return pair;
}

}  // namespace inv
