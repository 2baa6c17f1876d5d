#pragma once

#include "core/data/image_dataset.h"
#include "core/image/rgba_image.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace inv {

struct SampleGridRequest {
    int rows = 4;
    int columns = 8;
    std::uint64_t seed = 0;  // which samples are shown
    int scale = 1;           // nearest-neighbour magnification
    int spacing = 2;
    bool captions = false;  // class name under each cell
};

struct SampleGridCell {
    std::size_t dataset_index = 0;
    int label = -1;
    std::vector<std::vector<float>> factor_values;  // aligned with SampleGrid::factors
    PixelRect rect;                                 // in SampleGrid::image pixels
};

struct SampleGrid {
    std::string dataset_name;
    SampleGridRequest request;
    RgbaImage image;
    std::vector<SampleGridCell> cells;
    std::vector<FactorSpec> factors;
    std::vector<std::string> class_names;
};

// Called after each finished row, the unit of work; returning false abandons the render.
using RowCallback = std::function<bool(int rows_done, int rows_total)>;

// `count` distinct indices of a data set of `size` (with repeats only when count > size), chosen
// by a portable seeded shuffle: the same seed shows the same samples everywhere.
std::vector<std::size_t> pick_sample_indices(std::size_t size, std::size_t count, std::uint64_t seed);

// Renders rows x columns samples through the tensor path the models will use. Returns nullopt
// when `after_row` asked to stop. Throws UserError for an invalid request.
std::optional<SampleGrid> render_sample_grid(const ImageDataset& dataset, const SampleGridRequest& request,
                                             const RowCallback& after_row = {});

// "digit 7", "foreground (0.12, 0.55, 0.90)": one factor value for people.
std::string describe_factor(const FactorSpec& spec, const std::vector<float>& value);

}  // namespace inv
