#include "ui/stage_layout.h"

#include <algorithm>
#include <cmath>

namespace inv {

StageLayout stage_layout(const ScreenRect& work_area, float gap) {
    // The grid (inputs by samples, wider than tall) gets 58 % of the width: at 16:9 and 4:3 that
    // leaves the sliders' four images side by side at several times their size.
    const float inner_width = std::max(0.0f, work_area.width - 3 * gap);
    const float inner_height = std::max(0.0f, work_area.height - 2 * gap);
    const float grid_width = std::floor(inner_width * 0.58f);
    StageLayout layout;
    layout.grid = {work_area.x + gap, work_area.y + gap, grid_width, inner_height};
    layout.side = {layout.grid.x + grid_width + gap, work_area.y + gap, inner_width - grid_width, inner_height};
    return layout;
}

float fit_zoom(float width, float height, int image_width, int image_height, float at_least) {
    if (image_width <= 0 || image_height <= 0) return at_least;
    const float fit = std::min(width / static_cast<float>(image_width), height / static_cast<float>(image_height));
    const float zoom = fit >= 1.0f ? std::floor(fit * 2.0f) / 2.0f : fit;
    return std::max(zoom, at_least);
}

}  // namespace inv
