#pragma once

#include "core/data/gray_image_set.h"
#include "core/data/image_dataset.h"

#include <array>
#include <cstdint>
#include <memory>

namespace inv {

using Rgb = std::array<float, 3>;

// ColorMNIST / ColorFashion (docs/method.md §5): a grey image m, zero-padded to 32x32, coloured as
// x = m·fg + (1 − m)·bg with fg and bg drawn independently and uniformly from RGB, then mapped to
// [−1, 1]. Colours are a pure function of (colour seed, index), so the data set is reproducible and
// random access is free. Factors: 0 = class, 1 = foreground colour, 2 = background colour.
class ColorDataset final : public ImageDataset {
public:
    static constexpr int kSide = 32;
    static constexpr std::size_t kClassFactor = 0;
    static constexpr std::size_t kForegroundFactor = 1;
    static constexpr std::size_t kBackgroundFactor = 2;

    ColorDataset(std::string name, std::string class_factor_name, std::shared_ptr<const GrayImageSet> images,
                 std::vector<std::size_t> indices, std::uint64_t colour_seed);

    std::string name() const override { return m_name; }
    std::size_t size() const override { return m_indices.size(); }
    ImageShape shape() const override { return {3, kSide, kSide}; }
    ImageSample get(std::size_t index) const override;
    const std::vector<std::string>& class_names() const override { return m_images->class_names; }
    const std::vector<FactorSpec>& factors() const override { return m_factors; }

    std::uint64_t colour_seed() const { return m_colour_seed; }
    int label(std::size_t index) const { return m_images->labels[m_indices.at(index)]; }
    Rgb foreground(std::size_t index) const;
    Rgb background(std::size_t index) const;
    // Indices (into this data set) of every sample of a class, in order.
    const std::vector<std::size_t>& indices_of_class(int label) const;

    // m of sample `index` on the 32x32 canvas: 1 where the image is pure foreground, 0 where it is
    // pure background (used to measure colours in reconstructions).
    std::vector<float> coverage(std::size_t index) const;
    // The image of sample `index` recoloured with the given colours.
    ImageSample compose(std::size_t index, const Rgb& foreground, const Rgb& background) const;

private:
    Rgb colour(std::size_t index, std::uint64_t stream) const;

    std::string m_name;
    std::shared_ptr<const GrayImageSet> m_images;
    std::vector<std::size_t> m_indices;  // into m_images
    std::uint64_t m_colour_seed;
    std::vector<FactorSpec> m_factors;
    std::vector<std::vector<std::size_t>> m_by_class;
};

Rgb random_rgb(std::uint64_t bits_a, std::uint64_t bits_b, std::uint64_t bits_c);

// The first sample after `index` (wrapping around) that differs from it in every factor the data
// set knows: another class and, on ColorMNIST/ColorFashion, a foreground and a background colour
// each at least 0.3 away in some channel. The semantic sliders open with it as the donor, so every
// slider visibly changes something. `index` itself when no sample differs that much.
std::size_t contrasting_sample(const ImageDataset& dataset, std::size_t index);

}  // namespace inv
