#include "ui/mixing_panel.h"
#include "ui/ui_scale.h"
#include "ui/widgets.h"

#include <imgui.h>

#include <algorithm>

namespace inv {

MixingPanel::MixingPanel(Post post) : m_post(std::move(post)) {}

void MixingPanel::draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
                       const std::vector<std::string>& layers) {
    if (!*open) return;
    m_figure.follow(snapshot.mix, [&](const ImageMix& mix) { m_texture.upload(mix.figure); });
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
    changed |= layer_combo("Layer##mix", &m_layer, layers);
    changed |= image_index_input("Image I", &m_request.index, snapshot.test_size);
    ImGui::SameLine();
    changed |= image_index_input("Image J", &m_request.with, snapshot.test_size);
    // A newly opened workspace may have fewer test images than the indices chosen before.
    const std::size_t last = std::max<std::size_t>(snapshot.test_size, 2) - 1;
    m_request.index = std::min(m_request.index, last);
    m_request.with = std::min(m_request.with, last);
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
