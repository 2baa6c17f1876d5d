#include "core/image/line_plot.h"
#include "core/runtime/errors.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("a line plot renders the same pixels every time and draws its series") {
    LinePlot plot;
    plot.title = "test";
    plot.series.push_back({"a", {0, 1, 2}, {0.1, 0.5, 0.2}, {0.0, 0.4, 0.1}, {0.2, 0.6, 0.3}, false});
    plot.series.push_back({"accuracy", {0, 1, 2}, {10, 50, 90}, {}, {}, true});
    plot.x_ticks = {"input", "fire3", "softmax"};
    const RgbaImage image = render_line_plot(plot);
    CHECK(image.width == plot.width);
    CHECK(image.height == plot.height);
    CHECK(render_line_plot(plot).pixels == image.pixels);
    // Some pixels carry the first series' blue.
    bool blue = false;
    for (int y = 0; y < image.height && !blue; ++y) {
        for (int x = 0; x < image.width && !blue; ++x)
            blue = image.at(x, y)[0] == 31 && image.at(x, y)[1] == 119 && image.at(x, y)[2] == 180;
    }
    CHECK(blue);
}

TEST_CASE("a line plot refuses series of unequal length and non-positive x on a log axis") {
    LinePlot plot;
    plot.series.push_back({"bad", {0, 1}, {0.1}, {}, {}, false});
    CHECK_THROWS_WITH_AS(render_line_plot(plot), doctest::Contains("bad"), UserError);
    plot.series = {{"zero", {0, 1}, {1, 2}, {}, {}, false}};
    plot.log_x = true;
    CHECK_THROWS_AS(render_line_plot(plot), UserError);
}
