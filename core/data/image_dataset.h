#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace inv {

struct ImageShape {
    int channels = 3;
    int height = 0;
    int width = 0;
    std::size_t numel() const { return static_cast<std::size_t>(channels) * height * width; }
};

// A named factor of variation that every sample carries a value for: a class (one value, the
// class index) or a colour (three values, RGB in [0, 1]). Later data sets (image folders with an
// attributes CSV) describe their own factors the same way.
enum class FactorKind { Categorical, Colour };

struct FactorSpec {
    std::string name;
    FactorKind kind = FactorKind::Categorical;
    std::vector<std::string> categories;  // for Categorical factors
};

struct ImageSample {
    std::vector<float> pixels;                      // CHW, values in [-1, 1]
    int label = -1;                                 // class index, -1 when unlabelled
    std::vector<std::vector<float>> factor_values;  // one entry per FactorSpec, same order
};

// Random-access, read-only images with their factors. Implementations are cheap to query from any
// thread once built.
class ImageDataset {
public:
    virtual ~ImageDataset() = default;
    virtual std::string name() const = 0;
    virtual std::size_t size() const = 0;
    virtual ImageShape shape() const = 0;
    virtual ImageSample get(std::size_t index) const = 0;
    virtual const std::vector<std::string>& class_names() const = 0;
    virtual const std::vector<FactorSpec>& factors() const = 0;
    // A hint that these samples are wanted soon: a data set that reads its images from disk
    // decodes them ahead, in the background. Others ignore it.
    virtual void prefetch(const std::vector<std::size_t>& indices) const {}
};

}  // namespace inv
