#pragma once

#include "core/image/rgba_image.h"

#include <string>
#include <vector>

namespace inv {

// One curve: y over x, with an optional band (lower..upper, e.g. mean ± std).
struct PlotSeries {
    std::string name;
    std::vector<double> x;
    std::vector<double> y;
    std::vector<double> lower;  // empty: no band
    std::vector<double> upper;
    bool secondary_axis = false;  // drawn against the right-hand axis
};

struct LinePlot {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::string secondary_y_label;  // right-hand axis, when a series uses it
    std::vector<PlotSeries> series;
    bool log_x = false;                // x values must then be > 0
    std::vector<std::string> x_ticks;  // categorical axis: x = 0, 1, … get these names
    int width = 720;
    int height = 440;
};

// Renders the plot with axes, ticks, a legend and its bands. Deterministic: the same plot gives
// the same pixels. Throws UserError for a series whose lengths disagree or a non-positive x on a
// log axis.
RgbaImage render_line_plot(const LinePlot& plot);

}  // namespace inv
