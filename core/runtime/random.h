#pragma once

#include <cstdint>

namespace inv {

// SplitMix64 finaliser: a bijective mix of 64 bits. Used as a counter-based generator so that the
// random values of sample i can be computed directly from (seed, i), independent of access order
// and of the standard library's distribution implementations (which differ between vendors).
inline std::uint64_t mix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

inline std::uint64_t mix64(std::uint64_t a, std::uint64_t b) {
    return mix64(a ^ mix64(b));
}

// Uniform double in [0, 1) from the top 53 bits.
inline double unit_interval(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

// A small sequential generator over the same mixing function: portable and reproducible.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(mix64(seed)) {}

    std::uint64_t next_bits() { return mix64(m_state++); }
    double uniform() { return unit_interval(next_bits()); }
    // Uniform integer in [0, n); the modulo bias is below 2^-40 for every n used here.
    std::uint64_t below(std::uint64_t n) { return next_bits() % n; }

private:
    std::uint64_t m_state;
};

}  // namespace inv
