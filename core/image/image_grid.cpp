#include "core/image/image_grid.h"

#include "core/runtime/errors.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace inv {
namespace {

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

// Text height that stays legible next to cells of the given size.
double font_scale_for(int cell_height) {
    return std::clamp(cell_height / 80.0, 0.3, 0.8);
}

void put_text(cv::Mat& canvas, const std::string& text, int left, int baseline_y, int max_width, double scale) {
    int base = 0;
    cv::Size size = cv::getTextSize(text, kFont, scale, 1, &base);
    while (size.width > max_width && scale > 0.25) {
        scale *= 0.9;
        size = cv::getTextSize(text, kFont, scale, 1, &base);
    }
    const int x = left + std::max(0, (max_width - size.width) / 2);
    cv::putText(canvas, text, {x, baseline_y}, kFont, scale, cv::Scalar(20, 20, 20, 255), 1, cv::LINE_AA);
}

void blit_scaled(const RgbaImage& cell, RgbaImage& target, int left, int top, int scale) {
    for (int y = 0; y < cell.height * scale; ++y) {
        for (int x = 0; x < cell.width * scale; ++x) {
            std::copy_n(cell.at(x / scale, y / scale), 4, target.at(left + x, top + y));
        }
    }
}

}  // namespace

ComposedGrid compose_grid(const std::vector<RgbaImage>& cells, const GridLayout& layout) {
    if (cells.empty()) throw UserError("a grid needs at least one image.");
    if (layout.columns < 1 || layout.scale < 1 || layout.spacing < 0) {
        throw UserError("invalid grid layout: columns " + std::to_string(layout.columns) + ", scale " +
                        std::to_string(layout.scale) + ", spacing " + std::to_string(layout.spacing) +
                        " (columns and scale must be at least 1).");
    }
    const int cell_w = cells.front().width;
    const int cell_h = cells.front().height;
    for (const RgbaImage& cell : cells) {
        if (cell.width != cell_w || cell.height != cell_h) {
            throw UserError("grid cells must share one size: found " + std::to_string(cell.width) + "x" +
                            std::to_string(cell.height) + " beside " + std::to_string(cell_w) + "x" + std::to_string(cell_h) +
                            ".");
        }
    }
    const int columns = std::min<int>(layout.columns, static_cast<int>(cells.size()));
    const int rows = static_cast<int>((cells.size() + columns - 1) / columns);
    const int shown_w = cell_w * layout.scale;
    const int shown_h = cell_h * layout.scale;
    const double text_scale = font_scale_for(shown_h);
    const int text_h = static_cast<int>(std::ceil(28 * text_scale)) + 4;
    const int caption_h = layout.cell_labels.empty() ? 0 : text_h;
    int row_label_w = 0;
    for (const std::string& label : layout.row_labels) {
        int base = 0;
        row_label_w = std::max(row_label_w, cv::getTextSize(label, kFont, text_scale, 1, &base).width + 6);
    }

    const int pitch_x = shown_w + layout.spacing;
    const int pitch_y = shown_h + caption_h + layout.spacing;
    ComposedGrid grid;
    grid.image = RgbaImage(row_label_w + layout.spacing + columns * pitch_x, layout.spacing + rows * pitch_y);
    for (std::size_t i = 0; i < grid.image.pixels.size(); i += 4) {
        std::copy(layout.background.begin(), layout.background.end(), grid.image.pixels.begin() + i);
    }
    cv::Mat canvas(grid.image.height, grid.image.width, CV_8UC4, grid.image.pixels.data());

    for (std::size_t i = 0; i < cells.size(); ++i) {
        const int row = static_cast<int>(i) / columns;
        const int col = static_cast<int>(i) % columns;
        const int left = row_label_w + layout.spacing + col * pitch_x;
        const int top = layout.spacing + row * pitch_y;
        blit_scaled(cells[i], grid.image, left, top, layout.scale);
        grid.cells.push_back({left, top, shown_w, shown_h});
        if (i < layout.cell_labels.size() && !layout.cell_labels[i].empty()) {
            put_text(canvas, layout.cell_labels[i], left, top + shown_h + text_h - 5, shown_w, text_scale);
        }
    }
    for (int row = 0; row < rows && row < static_cast<int>(layout.row_labels.size()); ++row) {
        const int centre_y = layout.spacing + row * pitch_y + shown_h / 2 + text_h / 3;
        put_text(canvas, layout.row_labels[static_cast<std::size_t>(row)], 0, centre_y, row_label_w, text_scale);
    }
    return grid;
}

}  // namespace inv
