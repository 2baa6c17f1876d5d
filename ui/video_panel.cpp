#include "ui/video_panel.h"
#include "ui/ui_scale.h"
#include "ui/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace inv {
namespace {

std::filesystem::path output_for(const std::filesystem::path& workspace, const std::string& layer) {
    return workspace / "exports" / ("video-" + layer + ".mp4");
}

}  // namespace

void VideoPanel::play(const std::filesystem::path& workspace, const std::string& layer, const std::string& video) {
    m_layer_name = layer;
    if (video == "demo") {
        // The clip is written first; the run follows once the engine reports it (see draw).
        m_pending_layer = layer;
        m_pending_workspace = workspace;
        post_demo_clip(workspace);
        return;
    }
    std::snprintf(m_video.data(), m_video.size(), "%s", video.c_str());
    post_play(workspace, layer, video);
}

void VideoPanel::post_play(const std::filesystem::path& workspace, const std::string& layer, const std::filesystem::path& video) {
    PlayVideo command;
    command.workspace = workspace;
    command.layer = layer;
    command.video = video;
    command.index = static_cast<std::size_t>(m_index);
    command.out = output_for(workspace, layer);
    m_post(command);
}

void VideoPanel::post_demo_clip(const std::filesystem::path& workspace) {
    MakeDemoClip command;  // the default length
    command.out = workspace / "exports" / "demo-clip.mp4";
    m_post(command);
}

void VideoPanel::advance(const EngineSnapshot& snapshot) {
    const std::size_t available = snapshot.video_frames ? snapshot.video_frames->size() : 0;
    if (available == 0) return;
    const double now = ImGui::GetTime();
    if (m_playing && now - m_frame_started >= 1.0 / std::max(1.0, snapshot.video_fps)) {
        m_frame_started = now;
        // Loops once the whole video is there; waits at the newest frame while it is being made.
        const bool complete = snapshot.video_total > 0 && available >= snapshot.video_total;
        if (m_frame + 1 < static_cast<int>(available))
            ++m_frame;
        else if (complete)
            m_frame = 0;
    }
    m_frame = std::min(m_frame, static_cast<int>(available) - 1);
    const RgbaImage* frame = (*snapshot.video_frames)[static_cast<std::size_t>(m_frame)].get();
    if (frame != m_uploaded) {
        m_texture.upload(*frame);
        m_uploaded = frame;
    }
}

void VideoPanel::draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
                      const std::vector<std::string>& layers) {
    if (snapshot.demo_clip_version != m_clip_version) {
        m_clip_version = snapshot.demo_clip_version;
        std::snprintf(m_video.data(), m_video.size(), "%s", snapshot.demo_clip.c_str());
        if (!m_pending_layer.empty()) {
            post_play(m_pending_workspace, m_pending_layer, snapshot.demo_clip);
            m_pending_layer.clear();
        }
    }
    if (snapshot.video_version != m_video_version) {
        m_video_version = snapshot.video_version;
        m_frame = 0;
        m_uploaded = nullptr;
    }
    if (!*open) return;
    advance(snapshot);
    ImGui::SetNextWindowPos(ImVec2(700, 60), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(560, 460), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(title, open)) {
        ImGui::End();
        return;
    }
    if (workspace.empty() || layers.empty()) {
        ImGui::TextWrapped("Open a workspace with trained t's to drive a fixed image's invariances with a video.");
        ImGui::End();
        return;
    }
    ImGui::SetNextItemWidth(-250);
    ImGui::InputText("Video file or folder", m_video.data(), m_video.size());
    ImGui::SameLine();
    const bool busy = snapshot.state == JobState::Running;
    ImGui::BeginDisabled(busy);
    if (ImGui::Button("Demo clip")) post_demo_clip(workspace);
    const auto named = std::find(layers.begin(), layers.end(), m_layer_name);
    if (named != layers.end()) m_layer = static_cast<int>(named - layers.begin());
    m_layer_name.clear();
    layer_combo("Layer##video", &m_layer, layers);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(scaled(110));
    ImGui::InputInt("Fixed image", &m_index);
    m_index = std::clamp(m_index, 0, static_cast<int>(std::max<std::size_t>(snapshot.test_size, 1)) - 1);
    ImGui::SameLine();
    if (ImGui::Button("Run") && m_video[0] != '\0') play(workspace, layers[static_cast<std::size_t>(m_layer)], m_video.data());
    ImGui::EndDisabled();
    ImGui::TextWrapped("Each frame gives v = t(E(frame) | Phi(frame)); the fixed image gives z; shown: D(t^-1(v | z)).");
    const std::size_t available = snapshot.video_frames ? snapshot.video_frames->size() : 0;
    if (available > 0 && m_texture.valid()) {
        if (ImGui::Button(m_playing ? "Pause" : "Play")) m_playing = !m_playing;
        ImGui::SameLine();
        int shown = m_frame;
        ImGui::SetNextItemWidth(scaled(200));
        if (ImGui::SliderInt("##frame", &shown, 0, static_cast<int>(available) - 1)) {
            m_frame = shown;
            m_playing = false;
        }
        ImGui::SameLine();
        if (snapshot.video_total > 0)
            ImGui::Text("frame %d / %zu", m_frame + 1, snapshot.video_total);
        else
            ImGui::Text("frame %d / %zu so far", m_frame + 1, available);
        ImGui::Image(m_texture.imgui_id(), ImVec2(static_cast<float>(m_texture.width()), static_cast<float>(m_texture.height())));
        ImGui::TextDisabled("%s", snapshot.video_file.c_str());
    }
    ImGui::End();
}

}  // namespace inv
