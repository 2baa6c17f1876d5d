#include "core/png_io.h"
#include "core/training/demo_pipeline.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <set>

using namespace inv;

namespace {

// Runs the GUI headless; under Xvfb when there is no display of our own.
test::CommandResult capture_gui(const std::string& arguments) {
    const char* display = std::getenv("DISPLAY");
    const std::string prefix = display && *display ? "" : "xvfb-run -a -s '-screen 0 1280x800x24' ";
    return test::run_command(prefix + std::string(INVARIANCES_GUI_PATH) + " " + arguments);
}

std::size_t distinct_colours(const RgbaImage& image, const PixelRect& area) {
    std::set<std::uint32_t> colours;
    for (int y = area.y; y < area.y + area.height; ++y) {
        for (int x = area.x; x < area.x + area.width; ++x) {
            const std::uint8_t* p = image.at(x, y);
            colours.insert((std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2]);
        }
    }
    return colours.size();
}

}  // namespace

TEST_CASE("the GUI screenshot under Xvfb shows the grid of samples") {
    test::TempDir dir;
    const auto shot = dir / "gui.png";
    const test::CommandResult result = capture_gui("--screenshot " + shot.string() + " --frames 3");
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);
    const RgbaImage image = read_image_rgba(shot);
    CHECK(image.width == 1280);
    CHECK(image.height == 800);
    // The grid area holds 32 samples in random colours: far more colours than any UI chrome.
    const PixelRect grid_area{20, 120, 820, 420};
    CHECK(distinct_colours(image, grid_area) > 60);

    // Without data the same area stays plain UI, and the error is reported, not crashed on.
    const auto failed_shot = dir / "failed.png";
    const test::CommandResult failed =
        capture_gui("--data " + (dir / "nowhere").string() + " --screenshot " + failed_shot.string());
    REQUIRE_MESSAGE(failed.exit_code == 0, failed.output);
    CHECK(distinct_colours(read_image_rgba(failed_shot), grid_area) < 40);
}

TEST_CASE("with a workspace the GUI shows the z-by-v grid and the semantic sliders and the attack panel") {
    test::TempDir dir;
    REQUIRE(prepare_demo(dir / "demo", test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    const auto shot = dir / "invariances.png";
    const test::CommandResult result =
        capture_gui("--workspace " + (dir / "demo").string() + " --screenshot " + shot.string() + " --frames 3");
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);
    const RgbaImage image = read_image_rgba(shot);
    // The invariances panel (right half) holds the figure: many colours.
    const PixelRect figure_area{650, 190, 600, 380};
    CHECK(distinct_colours(image, figure_area) > 60);
    // The semantic sliders show x, D(E(x)), the edit and the donor; the attack panel its figure.
    const PixelRect semantic_area{20, 620, 580, 110};
    const PixelRect attack_area{650, 610, 600, 130};
    CHECK(distinct_colours(image, semantic_area) > 30);
    CHECK(distinct_colours(image, attack_area) > 30);

    // Without a workspace the same area only shows the hint.
    const auto plain = dir / "plain.png";
    REQUIRE(capture_gui("--screenshot " + plain.string()).exit_code == 0);
    CHECK(distinct_colours(read_image_rgba(plain), figure_area) < 40);
    CHECK(distinct_colours(read_image_rgba(plain), semantic_area) < 40);
}
