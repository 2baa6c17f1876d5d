#include "ui/attack_panel.h"
#include "ui/ui_scale.h"

#include "core/analysis/epsilon_units.h"
#include "core/runtime/errors.h"
#include "ui/figure_export.h"
#include "ui/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace inv {

AttackPanel::AttackPanel(Post post) : m_post(std::move(post)) {}

void AttackPanel::request() {
    if (m_workspace.empty()) return;
    m_request.layers.clear();
    for (std::size_t l = 0; l < m_known_layers.size(); ++l) {
        if (m_layer_on[l]) m_request.layers.push_back(m_known_layers[l]);
    }
    if (m_request.layers.size() == m_known_layers.size()) m_request.layers.clear();  // all of them
    // An earlier checkpoint has t's for its own set of layers: decode at all of those.
    if (m_request.classifier_step >= 0) m_request.layers.clear();
    m_request.workspace = m_workspace;
    m_request.method = m_method == 0 ? "fgsm" : "pgd";
    m_request.epsilon = epsilon_from_255(m_epsilon_255);
    m_post(m_request);
}

void AttackPanel::set_attack(const std::string& method, float epsilon_255) {
    if (method != "fgsm" && method != "pgd") throw UserError("unknown attack '" + method + "'; use fgsm or pgd.");
    m_method = method == "fgsm" ? 0 : 1;
    m_epsilon_255 = std::clamp(epsilon_255, 0.0f, 255.0f);
    request();
}

void AttackPanel::set_image(std::size_t index) {
    m_request.index = std::min<std::size_t>(index, m_test_size - 1);
    m_request.image.reset();
    request();
}

void AttackPanel::set_classifier_step(std::int64_t step) {
    if (step == m_request.classifier_step) return;
    m_request.classifier_step = step;
    request();
}

void AttackPanel::set_user_image(const NamedImage& image) {
    m_request.image = image;
    request();
}

std::string AttackPanel::export_view(const EngineSnapshot& snapshot) {
    if (!snapshot.attack) return "nothing to export yet";
    m_export_message =
        export_figure(m_workspace / "exports", "attack-" + m_request.method, snapshot.attack->figure, to_json(*snapshot.attack));
    return m_export_message;
}

void AttackPanel::draw(const char* title, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
                       const std::vector<std::string>& layers) {
    if (snapshot.test_size > 0) m_test_size = snapshot.test_size;
    if (layers != m_known_layers) {
        m_known_layers = layers;
        m_layer_on.assign(layers.size(), 1);
    }
    if (workspace != m_workspace) {
        m_workspace = workspace;
        request();
    }
    const LayerAttack* attack = snapshot.attack.get();
    m_figure.follow(snapshot.attack, [&](const LayerAttack& shown) { m_texture.upload(shown.figure); });
    if (!m_window.begin(title)) {
        ImGui::End();
        return;
    }
    if (m_workspace.empty()) {
        ImGui::TextWrapped("Open a workspace with trained t's to see what each layer makes of an attacked image.");
        ImGui::End();
        return;
    }
    bool changed = false;
    const char* methods[] = {"FGSM", "PGD (10 steps)"};
    ImGui::SetNextItemWidth(scaled(130));
    changed |= ImGui::Combo("Method", &m_method, methods, 2);
    ImGui::SameLine();
    if (m_request.image) {
        ImGui::Text("Image: yours (%s)", m_request.image->name.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("use a test image##attack")) {
            m_request.image.reset();
            changed = true;
        }
    } else {
        changed |= image_index_input("Image##attack", &m_request.index, m_test_size);
    }
    ImGui::SetNextItemWidth(scaled(260));
    changed |= ImGui::SliderFloat("epsilon (1/255)", &m_epsilon_255, 0.0f, 32.0f, "%.2f");
    ImGui::SameLine();
    ImGui::Text("= %.4f in [-1, 1] units", epsilon_from_255(m_epsilon_255));
    // On stage the figure gets the room; the layers decoded stay as chosen in the normal window.
    if (!m_window.on_stage()) ImGui::TextUnformatted("Layers:");
    for (std::size_t l = 0; l < m_known_layers.size() && !m_window.on_stage(); ++l) {
        ImGui::SameLine();
        bool on = m_layer_on[l] != 0;
        if (ImGui::Checkbox(m_known_layers[l].c_str(), &on)) {
            m_layer_on[l] = on ? 1 : 0;
            if (std::none_of(m_layer_on.begin(), m_layer_on.end(), [](char c) { return c != 0; })) m_layer_on[l] = 1;  // keep one
            changed = true;
        }
    }
    if (changed) request();
    ImGui::Separator();
    if (attack && m_texture.valid()) {
        std::string predictions = "predictions:";
        for (const AttackRow& row : attack->rows) {
            char text[96];
            std::snprintf(text, sizeof text, "  %s %d (%.1f %%)", row.name.c_str(), row.prediction, 100 * row.probability);
            predictions += text;
        }
        ImGui::TextWrapped("%s", predictions.c_str());
        std::string explained = "variance of z_bar explained by v:";
        if (attack->explained_by_v.size() < attack->layers.size()) explained += " (computing)";
        for (std::size_t l = 0; l < attack->layers.size() && l < attack->explained_by_v.size(); ++l) {
            explained += "  " + attack->layers[l] + " " +
                         std::to_string(static_cast<int>(std::lround(100 * attack->explained_by_v[l].mean))) + "%";
        }
        ImGui::TextWrapped("%s", explained.c_str());
        if (m_window.on_stage()) {
            // On stage: the figure as large as the panel allows.
            ImGui::BeginChild("attack-figure", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
            const ImVec2 room = ImGui::GetContentRegionAvail();
            m_view.image(m_texture.imgui_id(), m_texture.width(), m_texture.height(),
                         fit_zoom(room.x, room.y, m_texture.width(), m_texture.height()), false);
            ImGui::EndChild();
            ImGui::End();
            return;
        }
        ImGui::SetNextItemWidth(scaled(120));
        ImGui::SliderFloat("Zoom##attack", &m_zoom, 0.5f, 4.0f, "%.1fx");
        ImGui::SameLine();
        if (ImGui::Button("Export PNG + JSON##attack")) {
            m_export_message =
                export_figure(m_workspace / "exports", "attack-" + m_request.method, attack->figure, to_json(*attack));
        }
        if (!m_export_message.empty()) {
            ImGui::SameLine();
            ImGui::TextUnformatted(m_export_message.c_str());
        }
        ImGui::BeginChild("attack-figure", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
        m_view.image(m_texture.imgui_id(), m_texture.width(), m_texture.height(), m_zoom, false);
        ImGui::EndChild();
    } else {
        ImGui::TextDisabled("Attacking...");
    }
    ImGui::End();
}

}  // namespace inv
