#include "ui/comparison_panel.h"
#include "ui/ui_scale.h"
#include "ui/widgets.h"

#include "core/training/colour_blind_companion.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

namespace inv {

void ComparisonPanel::compare(const std::filesystem::path& workspace, const std::filesystem::path& other,
                              const std::string& layer) {
    std::snprintf(m_other.data(), m_other.size(), "%s", other.c_str());
    m_workspace = workspace;
    m_layer_name = layer;
    post_comparison(workspace, other, layer);
}

void ComparisonPanel::request(const std::filesystem::path& workspace, const std::vector<std::string>& layers) {
    if (layers.empty() || m_other[0] == '\0') return;
    post_comparison(workspace, std::filesystem::path(m_other.data()), layers[static_cast<std::size_t>(m_layer)]);
}

void ComparisonPanel::post_comparison(const std::filesystem::path& workspace, const std::filesystem::path& other,
                                      const std::string& layer) {
    CompareModels command;  // the defaults' rows, samples and explained-variance inputs
    command.workspace = workspace;
    command.with = other;
    command.layer = layer;
    command.seed = m_seed;
    m_post(command);
}

void ComparisonPanel::draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
                           const std::vector<std::string>& layers) {
    if (!*open) return;
    m_figure.follow(snapshot.comparison, [&](const ModelComparison& comparison) { m_texture.upload(comparison.figure); });
    ImGui::SetNextWindowPos(ImVec2(30, 50), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(760, 420), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(title, open)) {
        ImGui::End();
        return;
    }
    if (workspace.empty() || layers.empty()) {
        ImGui::TextWrapped("Open a workspace with trained t's to compare its classifier with another one.");
        ImGui::End();
        return;
    }
    if (workspace != m_workspace) {
        m_workspace = workspace;
        // The demo's colour-blind companion, when it has been built, is the natural other model.
        const std::filesystem::path companion = colour_blind_folder(workspace);
        std::snprintf(m_other.data(), m_other.size(), "%s",
                      std::filesystem::exists(companion / "workspace.json") ? companion.c_str() : "");
    }
    bool changed = false;
    ImGui::SetNextItemWidth(-260);
    changed |= ImGui::InputText("Other workspace", m_other.data(), m_other.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    const auto named = std::find(layers.begin(), layers.end(), m_layer_name);
    if (named != layers.end()) m_layer = static_cast<int>(named - layers.begin());
    m_layer_name.clear();
    changed |= layer_combo("Layer##compare", &m_layer, layers);
    ImGui::SameLine();
    if (ImGui::Button("Resample##compare")) {
        ++m_seed;
        changed = true;
    }
    ImGui::SameLine();
    changed |= ImGui::Button("Compare");
    if (changed) request(workspace, layers);
    if (m_other[0] == '\0') {
        ImGui::TextWrapped(
            "Name the workspace of the other classifier; it must share this one's autoencoder. The demo's "
            "colour-blind companion does: invariances-cli demo colour-blind --workspace %s",
            workspace.c_str());
    }
    const auto& comparison = snapshot.comparison;
    if (comparison && m_texture.valid()) {
        ImGui::TextWrapped("Left: %s. Right: %s. The same inputs and the same v (digest %s) in both.",
                           comparison->first.provenance.value("workspace", std::string()).c_str(),
                           comparison->provenance.value("with", std::string()).c_str(), comparison->first.v_digest.c_str());
        if (comparison->first_explained && comparison->second_explained) {
            ImGui::TextWrapped(
                "Explained variance at %s. Left: %s. Right: %s.", comparison->provenance.value("layer", std::string()).c_str(),
                describe_shares(*comparison->first_explained).c_str(), describe_shares(*comparison->second_explained).c_str());
        }
        const float zoom = 2.0f;
        ImGui::Image(m_texture.imgui_id(),
                     ImVec2(zoom * static_cast<float>(m_texture.width()), zoom * static_cast<float>(m_texture.height())));
    }
    ImGui::End();
}

}  // namespace inv
