#pragma once

#include "core/image/rgba_image.h"

#include <array>
#include <string>
#include <vector>

namespace inv {

struct GridLayout {
    int columns = 1;
    int spacing = 2;  // pixels between cells and around the border
    int scale = 1;    // integer nearest-neighbour magnification of every cell
    std::array<std::uint8_t, 4> background{255, 255, 255, 255};
    std::vector<std::string> cell_labels;  // optional caption under each cell (empty: none)
    std::vector<std::string> row_labels;   // optional text left of each row
};

struct ComposedGrid {
    RgbaImage image;
    std::vector<PixelRect> cells;  // where each input cell landed, in input order
};

// Lays equally sized cells out in rows of `columns`, with optional captions and row labels.
// Throws UserError when the cells differ in size or the layout is invalid.
ComposedGrid compose_grid(const std::vector<RgbaImage>& cells, const GridLayout& layout);

}  // namespace inv
