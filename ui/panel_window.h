#pragma once

#include "ui/stage_layout.h"

#include <imgui.h>

#include <optional>

namespace inv {

// Where a panel's window goes: in presentation mode at its place on the stage, fixed there; in the
// normal UI where the user left it, and back there when presentation mode ends.
class PanelWindow {
public:
    PanelWindow(ImVec2 first_position, ImVec2 first_size) : m_position(first_position), m_size(first_size) {}

    void set_stage(const std::optional<ScreenRect>& stage) { m_stage = stage; }
    bool on_stage() const { return m_stage.has_value(); }
    // ImGui::Begin with the placement; like Begin, always pair it with ImGui::End.
    bool begin(const char* title);

private:
    ImVec2 m_position;
    ImVec2 m_size;
    std::optional<ScreenRect> m_stage;
    bool m_was_on_stage = false;
};

}  // namespace inv
