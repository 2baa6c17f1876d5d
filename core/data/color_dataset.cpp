#include "core/data/color_dataset.h"

#include "core/runtime/errors.h"
#include "core/runtime/random.h"

#include <algorithm>
#include <cmath>

namespace inv {
namespace {
constexpr std::uint64_t kForegroundStream = 0xF0F0;
constexpr std::uint64_t kBackgroundStream = 0xB0B0;
}  // namespace

Rgb random_rgb(std::uint64_t bits_a, std::uint64_t bits_b, std::uint64_t bits_c) {
    return {static_cast<float>(unit_interval(bits_a)), static_cast<float>(unit_interval(bits_b)),
            static_cast<float>(unit_interval(bits_c))};
}

ColorDataset::ColorDataset(std::string name, std::string class_factor_name, std::shared_ptr<const GrayImageSet> images,
                           std::vector<std::size_t> indices, std::uint64_t colour_seed)
    : m_name(std::move(name)), m_images(std::move(images)), m_indices(std::move(indices)), m_colour_seed(colour_seed) {
    if (m_images->width > kSide || m_images->height > kSide) {
        throw UserError("images of " + std::to_string(m_images->width) + "x" + std::to_string(m_images->height) +
                        " pixels do not fit the 32x32 " + m_name + " canvas.");
    }
    m_factors = {{std::move(class_factor_name), FactorKind::Categorical, m_images->class_names},
                 {"foreground", FactorKind::Colour, {}},
                 {"background", FactorKind::Colour, {}}};
    m_by_class.resize(m_images->class_names.size());
    for (std::size_t i = 0; i < m_indices.size(); ++i) {
        m_by_class.at(static_cast<std::size_t>(label(i))).push_back(i);
    }
}

Rgb ColorDataset::colour(std::size_t index, std::uint64_t stream) const {
    const std::uint64_t key = mix64(mix64(m_colour_seed, stream), index);
    return random_rgb(mix64(key, 0), mix64(key, 1), mix64(key, 2));
}

Rgb ColorDataset::foreground(std::size_t index) const {
    return colour(index, kForegroundStream);
}
Rgb ColorDataset::background(std::size_t index) const {
    return colour(index, kBackgroundStream);
}

const std::vector<std::size_t>& ColorDataset::indices_of_class(int label) const {
    return m_by_class.at(static_cast<std::size_t>(label));
}

ImageSample ColorDataset::get(std::size_t index) const {
    return compose(index, foreground(index), background(index));
}

std::vector<float> ColorDataset::coverage(std::size_t index) const {
    // Foreground 1 and background 0 make the RGB planes m itself; take the first.
    ImageSample white_on_black = compose(index, {1.0f, 1.0f, 1.0f}, {0.0f, 0.0f, 0.0f});
    std::vector<float> m(white_on_black.pixels.begin(), white_on_black.pixels.begin() + kSide * kSide);
    for (float& value : m) value = (value + 1.0f) * 0.5f;
    return m;
}

ImageSample ColorDataset::compose(std::size_t index, const Rgb& fg, const Rgb& bg) const {
    const float* grey = m_images->image(m_indices.at(index));
    const int width = m_images->width;
    const int height = m_images->height;
    const int left = (kSide - width) / 2;
    const int top = (kSide - height) / 2;
    constexpr std::size_t kPlane = static_cast<std::size_t>(kSide) * kSide;

    ImageSample sample;
    sample.label = label(index);
    sample.pixels.resize(3 * kPlane);
    for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
            const bool inside = x >= left && x < left + width && y >= top && y < top + height;
            const float m = inside ? grey[(y - top) * width + (x - left)] : 0.0f;
            for (int c = 0; c < 3; ++c) {
                const float value = m * fg[c] + (1.0f - m) * bg[c];
                sample.pixels[c * kPlane + y * kSide + x] = 2.0f * value - 1.0f;
            }
        }
    }
    sample.factor_values = {{static_cast<float>(sample.label)}, {fg.begin(), fg.end()}, {bg.begin(), bg.end()}};
    return sample;
}

std::size_t contrasting_sample(const ImageDataset& dataset, std::size_t index) {
    constexpr float kDistinctColour = 0.3f;
    const auto* coloured = dynamic_cast<const ColorDataset*>(&dataset);
    const auto far_apart = [&](const Rgb& a, const Rgb& b) {
        float largest = 0.0f;
        for (std::size_t channel = 0; channel < a.size(); ++channel)
            largest = std::max(largest, std::abs(a[channel] - b[channel]));
        return largest >= kDistinctColour;
    };
    const std::size_t count = dataset.size();
    if (index >= count) return index;
    const int label = coloured ? coloured->label(index) : dataset.get(index).label;
    // Unlabelled images (a user's folder) differ in nothing the data set knows: the next one will do.
    if (label < 0) return (index + 1) % count;
    // A user's images are decoded to read their labels: look a limited way only.
    const std::size_t looked = coloured ? count : std::min<std::size_t>(count, 256);
    for (std::size_t step = 1; step < looked; ++step) {
        const std::size_t other = (index + step) % count;
        if ((coloured ? coloured->label(other) : dataset.get(other).label) == label) continue;
        if (coloured && !(far_apart(coloured->foreground(index), coloured->foreground(other)) &&
                          far_apart(coloured->background(index), coloured->background(other)))) {
            continue;
        }
        return other;
    }
    return index;
}

}  // namespace inv
