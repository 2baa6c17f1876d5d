#include "ui/mixing_panel.h"
#include "ui/ui_scale.h"

#include <imgui.h>

#include <algorithm>

namespace inv {

MixingPanel::MixingPanel(Post post) : m_post(std::move(post)) {}

void MixingPanel::draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
                       const std::vector<std::string>& layers) {
    if (!*open) return;
    if (snapshot.mix && snapshot.mix_version != m_uploaded_version) {
        m_texture.upload(snapshot.mix->figure);
        m_uploaded_version = snapshot.mix_version;
    }
    ImGui::SetNextWindowSize(ImVec2(560, 330), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(title, open)) {
        ImGui::End();
        return;
    }
    if (workspace.empty() || layers.empty()) {
        ImGui::TextWrapped("Open a workspace with trained t's to mix the invariances of two images.");
        ImGui::End();
        return;
    }
    bool changed = !m_requested || m_request.workspace != workspace;
    m_layer = std::min(m_layer, static_cast<int>(layers.size()) - 1);
    std::vector<const char*> names;
    for (const std::string& layer : layers) names.push_back(layer.c_str());
    ImGui::SetNextItemWidth(scaled(120));
    changed |= ImGui::Combo("Layer##mix", &m_layer, names.data(), static_cast<int>(names.size()));
    const int last = static_cast<int>(std::max<std::size_t>(snapshot.test_size, 2)) - 1;
    int index = static_cast<int>(m_request.index);
    int with = static_cast<int>(m_request.with);
    ImGui::SetNextItemWidth(scaled(110));
    if (ImGui::InputInt("Image I", &index)) changed = true;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(scaled(110));
    if (ImGui::InputInt("Image J", &with)) changed = true;
    m_request.index = static_cast<std::size_t>(std::clamp(index, 0, last));
    m_request.with = static_cast<std::size_t>(std::clamp(with, 0, last));
    if (changed) {
        m_request.workspace = workspace;
        m_request.layer = layers[static_cast<std::size_t>(m_layer)];
        m_post(m_request);
        m_requested = true;
    }
    ImGui::TextWrapped("x_I, x_J, then D(t^-1(v_I | z_J)): I's invariances under J's representation, and the converse.");
    if (m_texture.valid()) {
        ImGui::Image(m_texture.imgui_id(), ImVec2(static_cast<float>(m_texture.width()), static_cast<float>(m_texture.height())));
    }
    ImGui::End();
}

}  // namespace inv
