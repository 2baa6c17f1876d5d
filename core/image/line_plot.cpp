#include "core/image/line_plot.h"

#include "core/runtime/errors.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <opencv2/imgproc.hpp>

namespace inv {
namespace {

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
const cv::Scalar kInk(40, 40, 40, 255);
const cv::Scalar kGrid(225, 225, 225, 255);

// A palette that stays distinguishable in print (RGBA order, as the canvas is RGBA).
cv::Scalar colour(std::size_t i) {
    static const int palette[][3] = {{31, 119, 180},  {214, 39, 40},  {44, 160, 44},   {255, 127, 14},
                                     {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
                                     {188, 189, 34},  {23, 190, 207}, {40, 40, 40},    {255, 187, 120}};
    const int* c = palette[i % 12];
    return cv::Scalar(c[0], c[1], c[2], 255);
}

struct Range {
    double low = std::numeric_limits<double>::infinity();
    double high = -std::numeric_limits<double>::infinity();
    void include(double v) {
        if (!std::isfinite(v)) return;
        low = std::min(low, v);
        high = std::max(high, v);
    }
    void settle() {
        if (!std::isfinite(low)) low = 0, high = 1;
        if (high - low < 1e-12) low -= 0.5, high += 0.5;
        const double pad = 0.05 * (high - low);
        low -= pad;
        high += pad;
    }
};

std::string number(double v) {
    char text[32];
    const double a = std::abs(v);
    if (a != 0 && (a >= 1e5 || a < 1e-3))
        std::snprintf(text, sizeof text, "%.0e", v);
    else if (a >= 100 || std::abs(v - std::round(v)) < 1e-9)
        std::snprintf(text, sizeof text, "%.0f", v);
    else
        std::snprintf(text, sizeof text, "%.2g", v);
    return text;
}

// About five round tick values spanning [low, high].
std::vector<double> nice_ticks(double low, double high) {
    const double raw = (high - low) / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        step = m * magnitude;
        if (step >= raw) break;
    }
    std::vector<double> ticks;
    for (double v = std::ceil(low / step) * step; v <= high + 1e-9 * step; v += step)
        ticks.push_back(std::abs(v) < 1e-12 ? 0 : v);
    return ticks;
}

void text(cv::Mat& canvas, const std::string& s, cv::Point at, double scale = 0.42, const cv::Scalar& ink = kInk) {
    cv::putText(canvas, s, at, kFont, scale, ink, 1, cv::LINE_AA);
}

int text_width(const std::string& s, double scale = 0.42) {
    int base = 0;
    return cv::getTextSize(s, kFont, scale, 1, &base).width;
}

// The plot's box on the canvas and its axes' ranges: where every value lands.
struct PlotFrame {
    Range x_range, left_range, right_range;
    bool has_secondary = false;
    bool log_x = false;
    int left = 70, top = 58, right = 0, bottom = 0;

    cv::Point to_px(double x, double y, const Range& y_range) const {
        const double xv = log_x ? std::log10(x) : x;
        return cv::Point(
            static_cast<int>(std::lround(left + (xv - x_range.low) / (x_range.high - x_range.low) * (right - left))),
            static_cast<int>(std::lround(bottom - (y - y_range.low) / (y_range.high - y_range.low) * (bottom - top))));
    }
    const Range& y_range_of(const PlotSeries& series) const { return series.secondary_axis ? right_range : left_range; }
};

PlotFrame frame_for(const LinePlot& plot) {
    PlotFrame frame;
    frame.log_x = plot.log_x;
    for (const PlotSeries& s : plot.series) {
        if (s.x.size() != s.y.size() || (!s.lower.empty() && s.lower.size() != s.y.size()) || s.lower.size() != s.upper.size()) {
            throw UserError("plot series '" + s.name + "' has x, y and band of different lengths.");
        }
        Range& y_range = s.secondary_axis ? frame.right_range : frame.left_range;
        frame.has_secondary = frame.has_secondary || s.secondary_axis;
        for (std::size_t i = 0; i < s.x.size(); ++i) {
            if (plot.log_x && !(s.x[i] > 0)) throw UserError("plot series '" + s.name + "' has x <= 0 on a logarithmic axis.");
            frame.x_range.include(plot.log_x ? std::log10(s.x[i]) : s.x[i]);
            y_range.include(s.y[i]);
            if (!s.lower.empty()) y_range.include(s.lower[i]), y_range.include(s.upper[i]);
        }
    }
    frame.x_range.settle();
    frame.left_range.settle();
    frame.right_range.settle();
    frame.right = plot.width - (frame.has_secondary ? 70 : 20);
    frame.bottom = plot.height - 95;
    return frame;
}

void draw_grid_and_ticks(cv::Mat& canvas, const LinePlot& plot, const PlotFrame& frame) {
    const double x_origin = plot.log_x ? 1 : frame.x_range.low;
    for (double v : nice_ticks(frame.left_range.low, frame.left_range.high)) {
        const int y = frame.to_px(x_origin, v, frame.left_range).y;
        cv::line(canvas, {frame.left, y}, {frame.right, y}, kGrid, 1);
        text(canvas, number(v), {frame.left - 8 - text_width(number(v)), y + 4});
    }
    if (frame.has_secondary) {
        for (double v : nice_ticks(frame.right_range.low, frame.right_range.high)) {
            const int y = frame.to_px(x_origin, v, frame.right_range).y;
            text(canvas, number(v), {frame.right + 6, y + 4});
        }
    }
    std::vector<std::pair<double, std::string>> x_ticks;
    if (!plot.x_ticks.empty()) {
        for (std::size_t i = 0; i < plot.x_ticks.size(); ++i) x_ticks.emplace_back(static_cast<double>(i), plot.x_ticks[i]);
    } else if (plot.log_x) {
        for (double e = std::ceil(frame.x_range.low); e <= frame.x_range.high; e += 1) {
            x_ticks.emplace_back(std::pow(10.0, e), number(std::pow(10.0, e)));
        }
    } else {
        for (double v : nice_ticks(frame.x_range.low, frame.x_range.high)) x_ticks.emplace_back(v, number(v));
    }
    for (const auto& [v, label] : x_ticks) {
        const int x = frame.to_px(v, frame.left_range.low, frame.left_range).x;
        cv::line(canvas, {x, frame.top}, {x, frame.bottom}, kGrid, 1);
        text(canvas, label, {x - text_width(label) / 2, frame.bottom + 18});
    }
    cv::rectangle(canvas, {frame.left, frame.top}, {frame.right, frame.bottom}, kInk, 1);
}

// Bands first, then lines and markers on top.
void draw_series(cv::Mat& canvas, const LinePlot& plot, const PlotFrame& frame) {
    for (std::size_t i = 0; i < plot.series.size(); ++i) {
        const PlotSeries& s = plot.series[i];
        if (s.lower.empty() || s.x.empty()) continue;
        const Range& y_range = frame.y_range_of(s);
        std::vector<cv::Point> polygon;
        for (std::size_t k = 0; k < s.x.size(); ++k) polygon.push_back(frame.to_px(s.x[k], s.upper[k], y_range));
        for (std::size_t k = s.x.size(); k-- > 0;) polygon.push_back(frame.to_px(s.x[k], s.lower[k], y_range));
        cv::Mat layer = canvas.clone();
        cv::fillPoly(layer, std::vector<std::vector<cv::Point>>{polygon}, colour(i), cv::LINE_AA);
        cv::addWeighted(layer, 0.22, canvas, 0.78, 0.0, canvas);
    }
    for (std::size_t i = 0; i < plot.series.size(); ++i) {
        const PlotSeries& s = plot.series[i];
        const Range& y_range = frame.y_range_of(s);
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            const cv::Point p = frame.to_px(s.x[k], s.y[k], y_range);
            if (k > 0) cv::line(canvas, frame.to_px(s.x[k - 1], s.y[k - 1], y_range), p, colour(i), 2, cv::LINE_AA);
            if (s.secondary_axis) {
                cv::rectangle(canvas, p - cv::Point(3, 3), p + cv::Point(3, 3), colour(i), cv::FILLED);
            } else {
                cv::circle(canvas, p, 3, colour(i), cv::FILLED, cv::LINE_AA);
            }
        }
    }
}

// Title, axis labels and the legend (below the x label, wrapping into rows).
void draw_labels(cv::Mat& canvas, const LinePlot& plot, const PlotFrame& frame) {
    text(canvas, plot.title, {frame.left, 24}, 0.55);
    text(canvas, plot.x_label, {(frame.left + frame.right) / 2 - text_width(plot.x_label) / 2, frame.bottom + 40});
    text(canvas, plot.y_label, {6, frame.top - 10}, 0.38);
    if (frame.has_secondary) {
        text(canvas, plot.secondary_y_label, {plot.width - 6 - text_width(plot.secondary_y_label, 0.38), frame.top - 10}, 0.38);
    }
    int legend_x = frame.left;
    int legend_y = frame.bottom + 64;
    for (std::size_t i = 0; i < plot.series.size(); ++i) {
        const std::string label = plot.series[i].name + (plot.series[i].secondary_axis ? " (right axis)" : "");
        const int w = 28 + text_width(label) + 18;
        if (legend_x + w > plot.width - 10 && legend_x > frame.left) legend_x = frame.left, legend_y += 18;
        cv::line(canvas, {legend_x, legend_y - 4}, {legend_x + 20, legend_y - 4}, colour(i), 2, cv::LINE_AA);
        text(canvas, label, {legend_x + 26, legend_y});
        legend_x += w;
    }
}

}  // namespace

RgbaImage render_line_plot(const LinePlot& plot) {
    const PlotFrame frame = frame_for(plot);
    cv::Mat canvas(plot.height, plot.width, CV_8UC4, cv::Scalar(255, 255, 255, 255));
    draw_grid_and_ticks(canvas, plot, frame);
    draw_series(canvas, plot, frame);
    draw_labels(canvas, plot, frame);
    RgbaImage image(plot.width, plot.height);
    std::copy(canvas.data, canvas.data + image.pixels.size(), image.pixels.begin());
    return image;
}

}  // namespace inv
