#include "core/data/pair_sampler.h"

#include "core/runtime/errors.h"

namespace inv {
namespace {

// How many other images of the shared category are tried for one that differs in every other factor.
constexpr int kDifferingTries = 16;

}  // namespace

PairSampler::PairSampler(std::shared_ptr<const ImageDataset> dataset, std::uint64_t seed)
    : m_dataset(std::move(dataset)), m_rng(seed) {
    if (m_dataset->size() < 2) {
        throw UserError("pair sampling needs at least two images; " + m_dataset->name() + " has " +
                        std::to_string(m_dataset->size()) + ".");
    }
    m_coloured = dynamic_cast<const ColorDataset*>(m_dataset.get());
    if (m_coloured) return;
    const std::vector<FactorSpec>& factors = m_dataset->factors();
    if (factors.empty()) {
        throw UserError(m_dataset->name() +
                        " names no factors to pair images by; give its images class sub-folders or an "
                        "attributes CSV (--attributes).");
    }
    m_members.resize(factors.size());
    for (std::size_t f = 0; f < factors.size(); ++f) {
        if (factors[f].kind != FactorKind::Categorical) {
            throw UserError("factor \"" + factors[f].name + "\" of " + m_dataset->name() +
                            " is not categorical; pairs are drawn from categories.");
        }
        m_members[f].resize(factors[f].categories.size());
    }
    m_categories.reserve(m_dataset->size());
    for (std::size_t i = 0; i < m_dataset->size(); ++i) {
        const ImageSample sample = m_dataset->get(i);
        std::vector<int> categories;
        for (std::size_t f = 0; f < factors.size(); ++f) {
            const int category = static_cast<int>(sample.factor_values.at(f).at(0));
            categories.push_back(category);
            // -1: the image has no value here (outside every class folder), so it shares none.
            if (category >= 0) m_members[f].at(static_cast<std::size_t>(category)).push_back(i);
        }
        m_categories.push_back(std::move(categories));
    }
    bool any_shared = false;
    for (const auto& factor : m_members) {
        for (const auto& members : factor) any_shared |= members.size() >= 2;
    }
    if (!any_shared) {
        throw UserError("no two images of " + m_dataset->name() + " share a value of any factor; pairs for e need some that do.");
    }
}

Rgb PairSampler::fresh_colour() {
    return random_rgb(m_rng.next_bits(), m_rng.next_bits(), m_rng.next_bits());
}

std::size_t PairSampler::index_of_other_class(const ColorDataset& dataset, int label) {
    for (;;) {
        const std::size_t candidate = m_rng.below(dataset.size());
        if (dataset.label(candidate) != label) return candidate;
    }
}

std::size_t PairSampler::other_index_of_same_class(const ColorDataset& dataset, std::size_t index) {
    const auto& same = dataset.indices_of_class(dataset.label(index));
    if (same.size() < 2) return index;
    for (;;) {
        const std::size_t candidate = same[m_rng.below(same.size())];
        if (candidate != index) return candidate;
    }
}

FactorPair PairSampler::next() {
    return m_coloured ? next_coloured(*m_coloured) : next_categorical();
}

FactorPair PairSampler::next_coloured(const ColorDataset& dataset) {
    FactorPair pair;
    pair.shared_factor = m_rng.below(dataset.factors().size());
    pair.index_a = m_rng.below(dataset.size());
    const Rgb fg_a = fresh_colour();
    const Rgb bg_a = fresh_colour();
    pair.a = dataset.compose(pair.index_a, fg_a, bg_a);

    const int label_a = dataset.label(pair.index_a);
    switch (pair.shared_factor) {
        case ColorDataset::kClassFactor:
            pair.index_b = other_index_of_same_class(dataset, pair.index_a);
            pair.b = dataset.compose(pair.index_b, fresh_colour(), fresh_colour());
            break;
        case ColorDataset::kForegroundFactor:
            pair.index_b = index_of_other_class(dataset, label_a);
            pair.b = dataset.compose(pair.index_b, fg_a, fresh_colour());
            break;
        default:
            pair.index_b = index_of_other_class(dataset, label_a);
            pair.b = dataset.compose(pair.index_b, fresh_colour(), bg_a);
            break;
    }
    return pair;
}

FactorPair PairSampler::next_categorical() {
    FactorPair pair;
    // A factor and an image whose category has company; the constructor made sure one exists.
    for (;;) {
        pair.shared_factor = m_rng.below(m_members.size());
        pair.index_a = m_rng.below(m_dataset->size());
        const int category = m_categories[pair.index_a][pair.shared_factor];
        if (category >= 0 && m_members[pair.shared_factor][static_cast<std::size_t>(category)].size() >= 2) break;
    }
    const auto& same = m_members[pair.shared_factor][static_cast<std::size_t>(m_categories[pair.index_a][pair.shared_factor])];
    const std::vector<int>& of_a = m_categories[pair.index_a];
    std::size_t chosen = pair.index_a;
    for (int attempt = 0; attempt < kDifferingTries || chosen == pair.index_a; ++attempt) {
        const std::size_t candidate = same[m_rng.below(same.size())];
        if (candidate == pair.index_a) continue;
        chosen = candidate;
        bool differs_elsewhere = true;
        for (std::size_t f = 0; f < of_a.size(); ++f) {
            if (f != pair.shared_factor && m_categories[candidate][f] == of_a[f]) differs_elsewhere = false;
        }
        if (differs_elsewhere) break;
    }
    pair.index_b = chosen;
    pair.a = m_dataset->get(pair.index_a);
    pair.b = m_dataset->get(pair.index_b);
    return pair;
}

}  // namespace inv
