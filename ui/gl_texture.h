#pragma once

#include "core/image/rgba_image.h"

#include <cstdint>

namespace inv {

// An RGBA8 GL texture shown with nearest-neighbour filtering (pixels stay crisp when zoomed).
// Created, updated and destroyed on the thread that owns the GL context only.
class GlTexture {
public:
    GlTexture() = default;
    ~GlTexture();
    GlTexture(const GlTexture&) = delete;
    GlTexture& operator=(const GlTexture&) = delete;

    void upload(const RgbaImage& image);
    bool valid() const { return m_id != 0; }
    unsigned id() const { return m_id; }
    int width() const { return m_width; }
    int height() const { return m_height; }
    // The handle ImGui::Image expects.
    void* imgui_id() const { return reinterpret_cast<void*>(static_cast<std::intptr_t>(m_id)); }

private:
    unsigned m_id = 0;
    int m_width = 0;
    int m_height = 0;
};

}  // namespace inv
