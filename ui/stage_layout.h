#pragma once

namespace inv {

struct ScreenRect {
    float x = 0;
    float y = 0;
    float width = 0;
    float height = 0;
};

// Presentation mode's layout of the work area (the window below the menu bar, above the status bar):
// the z-by-v grid on the left, the larger share, and one panel on the right (the sliders with the
// edited image, or the attack). A gap of `gap` pixels is kept around and between them.
struct StageLayout {
    ScreenRect grid;
    ScreenRect side;
};
StageLayout stage_layout(const ScreenRect& work_area, float gap);

// The zoom that fits an image of `image_width` × `image_height` pixels into `width` × `height`
// screen pixels, keeping its aspect; in half steps when at least 1, so that image pixels stay nearly
// square blocks of screen pixels on a projector. Never below `at_least`.
float fit_zoom(float width, float height, int image_width, int image_height, float at_least = 0.5f);

}  // namespace inv
