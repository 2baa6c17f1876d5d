#include "ui/panel_window.h"

namespace inv {

bool PanelWindow::begin(const char* title) {
    if (m_stage) {
        ImGui::SetNextWindowPos(ImVec2(m_stage->x, m_stage->y), ImGuiCond_Always);
        ImGui::SetNextWindowSize(ImVec2(m_stage->width, m_stage->height), ImGuiCond_Always);
        m_was_on_stage = true;
        return ImGui::Begin(title, nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
    }
    // Leaving the stage puts the window back where it was; otherwise the user's layout (or the saved
    // one) decides after the first frame.
    const ImGuiCond condition = m_was_on_stage ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    m_was_on_stage = false;
    ImGui::SetNextWindowPos(m_position, condition);
    ImGui::SetNextWindowSize(m_size, condition);
    const bool open = ImGui::Begin(title);
    m_position = ImGui::GetWindowPos();
    m_size = ImGui::GetWindowSize();
    return open;
}

}  // namespace inv
