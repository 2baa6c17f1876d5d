#include "core/image/image_fit.h"
#include "core/image/image_grid.h"
#include "core/image/png_io.h"
#include "core/runtime/errors.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

RgbaImage solid(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    RgbaImage image(w, h, 255);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            image.at(x, y)[0] = r;
            image.at(x, y)[1] = g;
            image.at(x, y)[2] = b;
        }
    }
    return image;
}

bool has_colour(const RgbaImage& image, const PixelRect& rect, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    for (int y = rect.y; y < rect.y + rect.height; ++y) {
        for (int x = rect.x; x < rect.x + rect.width; ++x) {
            const std::uint8_t* p = image.at(x, y);
            if (p[0] != r || p[1] != g || p[2] != b) return false;
        }
    }
    return true;
}

}  // namespace

TEST_CASE("grid composition places every cell at its rectangle with spacing and scale") {
    const std::vector<RgbaImage> cells = {solid(4, 3, 255, 0, 0), solid(4, 3, 0, 255, 0), solid(4, 3, 0, 0, 255)};
    GridLayout layout;
    layout.columns = 2;
    layout.spacing = 1;
    layout.scale = 2;
    layout.background = {9, 9, 9, 255};
    const ComposedGrid grid = compose_grid(cells, layout);
    CHECK(grid.image.width == 1 + 2 * (8 + 1));
    CHECK(grid.image.height == 1 + 2 * (6 + 1));
    REQUIRE(grid.cells.size() == 3);
    CHECK(grid.cells[1].x == 10);
    CHECK(grid.cells[2].y == 8);
    CHECK(has_colour(grid.image, grid.cells[0], 255, 0, 0));
    CHECK(has_colour(grid.image, grid.cells[1], 0, 255, 0));
    CHECK(has_colour(grid.image, grid.cells[2], 0, 0, 255));
    CHECK(has_colour(grid.image, {0, 0, grid.image.width, 1}, 9, 9, 9));
    // The empty fourth slot stays background.
    CHECK(has_colour(grid.image, {10, 8, 8, 6}, 9, 9, 9));
}

TEST_CASE("grid captions are drawn below their cells") {
    GridLayout layout;
    layout.columns = 1;
    layout.scale = 4;
    layout.cell_labels = {"seven"};
    const ComposedGrid grid = compose_grid({solid(16, 16, 200, 200, 200)}, layout);
    const PixelRect caption{0, grid.cells[0].y + grid.cells[0].height, grid.image.width,
                            grid.image.height - grid.cells[0].y - grid.cells[0].height};
    CHECK(caption.height > 5);
    CHECK_FALSE(has_colour(grid.image, caption, 255, 255, 255));
}

TEST_CASE("grid composition rejects cells of different sizes") {
    CHECK_THROWS_WITH_AS(compose_grid({solid(4, 4, 0, 0, 0), solid(5, 4, 0, 0, 0)}, GridLayout{}), doctest::Contains("5x4"),
                         UserError);
}

TEST_CASE("a PNG written atomically reads back identical and leaves no temporary file") {
    test::TempDir dir;
    RgbaImage image = solid(7, 5, 10, 20, 30);
    image.at(6, 4)[0] = 250;
    write_png(dir / "grid.png", image);
    const RgbaImage back = read_image_rgba(dir / "grid.png");
    CHECK(back.width == 7);
    CHECK(back.height == 5);
    CHECK(back.pixels == image.pixels);
    int files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
    CHECK(files == 1);
}

TEST_CASE("reading a file that is not an image names it") {
    test::TempDir dir;
    std::FILE* f = std::fopen((dir / "fake.png").c_str(), "w");
    std::fputs("not a png", f);
    std::fclose(f);
    CHECK_THROWS_WITH_AS(read_image_rgba(dir / "fake.png"), doctest::Contains("fake.png"), UserError);
}

TEST_CASE("a user's image is centre-cropped and resized to the model's input") {
    // 60x40: red bands of 10 pixels at the left and right, blue in the middle 40x40.
    RgbaImage wide(60, 40, 255);
    for (int y = 0; y < 40; ++y) {
        for (int x = 0; x < 60; ++x) {
            const bool band = x < 10 || x >= 50;
            std::uint8_t* p = wide.at(x, y);
            p[0] = band ? 255 : 0, p[1] = 0, p[2] = band ? 0 : 255;
        }
    }
    const RgbaImage fitted = fit_to_square(wide, 32);
    CHECK(fitted.width == 32);
    CHECK(fitted.height == 32);
    int not_blue = 0;
    for (int y = 0; y < 32; ++y) {
        for (int x = 0; x < 32; ++x) not_blue += fitted.at(x, y)[0] != 0 || fitted.at(x, y)[2] != 255;
    }
    CHECK(not_blue == 0);
    test::TempDir dir;
    CHECK_THROWS_WITH_AS(read_model_input(dir / "missing.png", 32), doctest::Contains("missing.png"), UserError);
}
