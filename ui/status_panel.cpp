#include "ui/status_panel.h"
#include "ui/ui_scale.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>

namespace inv {
namespace {
constexpr const char* kErrorPopup = "Something went wrong";
}

std::string StatusPanel::eta(const EngineSnapshot& snapshot) {
    if (snapshot.command_id != m_job_id) {
        m_job_id = snapshot.command_id;
        m_job_seen = std::chrono::steady_clock::now();
        m_progress_seen = snapshot.progress;
    }
    const double done = snapshot.progress - m_progress_seen;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_job_seen).count();
    // Too early for a rate that means anything.
    if (done < 0.01 || seconds < 3.0) return {};
    const long left = std::lround(seconds / done * (1.0 - snapshot.progress));
    char text[48];
    if (left >= 3600)
        std::snprintf(text, sizeof text, "about %ld h %02ld min left", left / 3600, left % 3600 / 60);
    else
        std::snprintf(text, sizeof text, "about %ld:%02ld left", left / 60, left % 60);
    return text;
}

void StatusPanel::draw_status_bar(const EngineSnapshot& snapshot, const std::string& other_writer) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float height = ImGui::GetFrameHeightWithSpacing() + 8.0f;
    ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x, viewport->WorkPos.y + viewport->WorkSize.y - height));
    ImGui::SetNextWindowSize(ImVec2(viewport->WorkSize.x, height));
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoFocusOnAppearing;
    ImGui::Begin("##status", nullptr, flags);
    const bool running = snapshot.state == JobState::Running;
    ImGui::Text("%s", to_string(snapshot.state));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(scaled(240));
    ImGui::ProgressBar(running ? snapshot.progress : (snapshot.state == JobState::Finished ? 1.0f : 0.0f),
                       ImVec2(scaled(240), 0));
    ImGui::SameLine();
    ImGui::BeginDisabled(!running);
    if (ImGui::Button("Cancel")) m_cancel();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextUnformatted(snapshot.job.c_str());
    if (running) {
        const std::string left = eta(snapshot);
        if (!left.empty()) {
            ImGui::SameLine();
            ImGui::TextDisabled("(%s)", left.c_str());
        }
    }
    if (snapshot.queued > 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("(+%zu queued)", snapshot.queued);
    }
    if (!other_writer.empty()) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), "workspace %s", other_writer.c_str());
    }
    ImGui::End();
}

void StatusPanel::draw_log(const char* title, bool* open, const EngineSnapshot& snapshot) {
    if (!*open) return;
    ImGui::SetNextWindowPos(ImVec2(10, 480), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(620, 270), ImGuiCond_FirstUseEver);
    if (ImGui::Begin(title, open)) {
        for (const LogLine& line : snapshot.log) {
            if (line.is_error) {
                ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
                ImGui::TextWrapped("%s", line.text.c_str());
                ImGui::PopStyleColor();
            } else {
                ImGui::TextWrapped("%s", line.text.c_str());
            }
        }
        if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    }
    ImGui::End();
}

void StatusPanel::draw_error_popup(const EngineSnapshot& snapshot) {
    if (snapshot.error_count > m_errors_shown) {
        m_errors_shown = snapshot.error_count;
        m_error_text = snapshot.last_error;
        ImGui::OpenPopup(kErrorPopup);
    }
    ImGui::SetNextWindowSize(ImVec2(scaled(520), 0), ImGuiCond_Appearing);
    if (ImGui::BeginPopupModal(kErrorPopup, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::PushTextWrapPos(500);
        ImGui::TextUnformatted(m_error_text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Spacing();
        if (ImGui::Button("OK", ImVec2(scaled(120), 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

}  // namespace inv
