#include "core/workspace/atomic_file.h"
#include "tests/test_support.h"
#include "ui/stage_layout.h"
#include "ui/view_settings.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("presentation mode settings are remembered and a damaged file gives the defaults") {
    test::TempDir dir;
    const auto file = dir / "config" / "view.json";
    CHECK_FALSE(load_view_settings(file).presentation);  // never saved: the normal window

    save_view_settings(file, ViewSettings{true, "HDMI-1", 2.0f});
    const ViewSettings loaded = load_view_settings(file);
    CHECK(loaded.presentation);
    CHECK(loaded.monitor == "HDMI-1");
    CHECK(loaded.scale == 2.0f);

    write_file_atomically(file, "{\"presentation\": tru");
    CHECK_FALSE(load_view_settings(file).presentation);
    // A scale edited out of range by hand falls back to the monitor's default.
    write_file_atomically(file, R"({"presentation": true, "monitor": "", "scale": 40})");
    CHECK(load_view_settings(file).presentation);
    CHECK(load_view_settings(file).scale == 0.0f);
}

TEST_CASE("the presentation scale follows the monitor's height in quarter steps") {
    CHECK(default_presentation_scale(720) == 1.0f);
    CHECK(default_presentation_scale(1080) == 1.5f);
    CHECK(default_presentation_scale(1200) == 1.75f);
    CHECK(default_presentation_scale(2160) == 3.0f);
    CHECK(default_presentation_scale(480) == 1.0f);  // never below the normal UI
}

TEST_CASE("the stage puts the grid left and the side panel right within the work area") {
    const ScreenRect work{0, 20, 1920, 1020};
    const StageLayout layout = stage_layout(work, 8);
    CHECK(layout.grid.x == 8);
    CHECK(layout.grid.y == 28);
    CHECK(layout.grid.width > layout.side.width);
    CHECK(layout.side.x == doctest::Approx(layout.grid.x + layout.grid.width + 8));
    CHECK(layout.side.x + layout.side.width == doctest::Approx(1920 - 8));
    CHECK(layout.grid.y + layout.grid.height == doctest::Approx(20 + 1020 - 8));

    // A 10 by 4 grid of 32-pixel images on a panel: half steps while it is enlarged.
    CHECK(fit_zoom(1100, 900, 330, 132) == 3.0f);
    CHECK(fit_zoom(1100, 900, 330, 180) == 3.0f);
    CHECK(fit_zoom(1100, 400, 330, 180) == 2.0f);
    CHECK(fit_zoom(1100, 430, 330, 180) == 2.0f);
    CHECK(fit_zoom(1100, 450, 330, 180) == 2.5f);
    CHECK(fit_zoom(200, 900, 330, 132) == doctest::Approx(200.0f / 330.0f));
    CHECK(fit_zoom(10, 10, 330, 132) == 0.5f);  // never smaller than the floor
}
