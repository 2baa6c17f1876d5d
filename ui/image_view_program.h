#pragma once

#include <imgui.h>

namespace inv {

// Draws an ImGui image through shaders/image_view.*: crisp texels and, from 6x zoom on, a thin grid
// between texels. Owns its GL program; create and use it on the GL thread only.
class ImageViewProgram {
public:
    ImageViewProgram();
    ~ImageViewProgram();
    ImageViewProgram(const ImageViewProgram&) = delete;
    ImageViewProgram& operator=(const ImageViewProgram&) = delete;

    // Adds the image at the cursor, like ImGui::Image; `zoom` is screen pixels per texel.
    void image(void* texture, int texture_width, int texture_height, float zoom, bool pixel_grid);

private:
    static void apply(const ImDrawList* list, const ImDrawCmd* command);

    unsigned m_program = 0;
    int m_projection = -1;
    int m_texture_size = -1;
    int m_screen_per_texel = -1;
    int m_grid_opacity = -1;
    // What the draw callback applies; lives here so it outlasts the frame that recorded it.
    float m_size[2] = {0, 0};
    float m_zoom = 1;
    float m_opacity = 0;
};

}  // namespace inv
