#pragma once

#include <imgui.h>

namespace inv {

// A width laid out for the normal UI's 13-pixel font, at the current font's size: presentation mode
// scales the fonts, and the widgets grow with them.
inline float scaled(float normal_pixels) {
    return normal_pixels * ImGui::GetFontSize() / 13.0f;
}

}  // namespace inv
