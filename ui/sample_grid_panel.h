#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/figure_slot.h"
#include "ui/gl_texture.h"
#include "ui/image_view_program.h"

#include <functional>
#include <optional>

namespace inv {

// The data-set browser: a grid of samples as a texture, with the data set, split, seed and grid
// size as controls and every sample's factor values on hover.
class SampleGridPanel {
public:
    using Post = std::function<void(Command)>;

    SampleGridPanel(ShowSampleGrid initial, float zoom, Post post);

    // Posts the initial request; call once the engine runs.
    void start();
    void draw(const char* title, const EngineSnapshot& snapshot);
    // Keyboard shortcut actions.
    void resample();
    void step_seed(int delta);
    // The test-split index of a sample the user clicked (the example for the other panels), once.
    std::optional<std::size_t> take_picked();

private:
    void draw_controls();
    void draw_grid(const SampleGrid& grid);
    void draw_tooltip(const SampleGrid& grid, const SampleGridCell& cell) const;
    void request();

    ShowSampleGrid m_request;
    std::optional<std::size_t> m_picked;  // a test sample clicked since the last take_picked()
    Post m_post;
    GlTexture m_texture;
    ImageViewProgram m_view;
    FigureSlot m_figure;
    float m_zoom = 3.0f;
    bool m_pixel_grid = true;
};

}  // namespace inv
