#include "core/image/sample_grid.h"

#include "core/image/image_grid.h"
#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"
#include "core/runtime/random.h"

#include <cstdio>
#include <numeric>

namespace inv {
namespace {
constexpr int kMaxGridSide = 64;
}

std::vector<std::size_t> pick_sample_indices(std::size_t size, std::size_t count, std::uint64_t seed) {
    std::vector<std::size_t> order(size);
    std::iota(order.begin(), order.end(), std::size_t{0});
    Rng rng(seed);
    std::vector<std::size_t> picked;
    picked.reserve(count);
    while (picked.size() < count) {
        const std::size_t round = std::min(count - picked.size(), size);
        for (std::size_t i = 0; i < round; ++i) {
            std::swap(order[i], order[i + rng.below(size - i)]);
            picked.push_back(order[i]);
        }
    }
    return picked;
}

std::optional<SampleGrid> render_sample_grid(const ImageDataset& dataset, const SampleGridRequest& request,
                                             const RowCallback& after_row) {
    if (request.rows < 1 || request.columns < 1 || request.rows > kMaxGridSide || request.columns > kMaxGridSide) {
        throw UserError("a sample grid needs 1 to 64 rows and columns; asked for " + std::to_string(request.rows) + " x " +
                        std::to_string(request.columns) + ".");
    }
    if (dataset.size() == 0) throw UserError("data set " + dataset.name() + " is empty.");

    const std::size_t count = static_cast<std::size_t>(request.rows) * request.columns;
    const std::vector<std::size_t> indices = pick_sample_indices(dataset.size(), count, request.seed);

    SampleGrid grid;
    grid.dataset_name = dataset.name();
    grid.request = request;
    grid.factors = dataset.factors();
    grid.class_names = dataset.class_names();

    std::vector<RgbaImage> cells;
    cells.reserve(count);
    for (int row = 0; row < request.rows; ++row) {
        std::vector<ImageSample> samples;
        for (int col = 0; col < request.columns; ++col) {
            const std::size_t index = indices[static_cast<std::size_t>(row) * request.columns + col];
            samples.push_back(dataset.get(index));
            grid.cells.push_back({index, samples.back().label, samples.back().factor_values, {}});
        }
        for (RgbaImage& image : rgba_from_batch(tensor_from_samples(samples, dataset.shape()))) {
            cells.push_back(std::move(image));
        }
        if (after_row && !after_row(row + 1, request.rows)) return std::nullopt;
    }

    GridLayout layout;
    layout.columns = request.columns;
    layout.scale = request.scale;
    layout.spacing = request.spacing;
    if (request.captions) {
        for (const SampleGridCell& cell : grid.cells) {
            layout.cell_labels.push_back(cell.label >= 0 && cell.label < static_cast<int>(grid.class_names.size())
                                             ? grid.class_names[static_cast<std::size_t>(cell.label)]
                                             : std::string());
        }
    }
    ComposedGrid composed = compose_grid(cells, layout);
    grid.image = std::move(composed.image);
    for (std::size_t i = 0; i < grid.cells.size(); ++i) grid.cells[i].rect = composed.cells[i];
    return grid;
}

std::string describe_factor(const FactorSpec& spec, const std::vector<float>& value) {
    if (spec.kind == FactorKind::Categorical && value.size() == 1) {
        const auto index = static_cast<std::size_t>(value[0]);
        return spec.name + " " + (index < spec.categories.size() ? spec.categories[index] : std::to_string(index));
    }
    std::string text = spec.name + " (";
    for (std::size_t i = 0; i < value.size(); ++i) {
        char number[16];
        std::snprintf(number, sizeof number, "%s%.2f", i ? ", " : "", value[i]);
        text += number;
    }
    return text + ")";
}

}  // namespace inv
