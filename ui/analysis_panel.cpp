#include "ui/analysis_panel.h"

#include <imgui.h>

namespace inv {

AnalysisPanel::AnalysisPanel(Post post) : m_post(std::move(post)) {}

void AnalysisPanel::draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace) {
    if (!*open) return;
    const ExplainedVarianceReport* report = snapshot.explained.get();
    m_figure.follow(snapshot.explained, [&](const ExplainedVarianceReport& shown) {
        m_layers_texture.upload(shown.layer_figure);
        if (!shown.training_figure.empty()) m_training_texture.upload(shown.training_figure);
    });
    ImGui::SetNextWindowSize(ImVec2(760, 560), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(title, open)) {
        ImGui::End();
        return;
    }
    if (workspace.empty()) {
        ImGui::TextWrapped("Open a workspace with t's and e to analyse what each layer keeps.");
        ImGui::End();
        return;
    }
    if (m_requested_for != workspace || ImGui::Button("Recompute")) {
        ShowExplainedVariance command;  // the default inputs and repeats: a few seconds here
        command.workspace = workspace;
        m_post(command);
        m_requested_for = workspace;
    }
    if (!report) {
        ImGui::TextDisabled("Computing the explained variance...");
        ImGui::End();
        return;
    }
    ImGui::TextWrapped(
        "The share of each factor's variance that z explains, computed on normal scores (docs/method.md §6). "
        "Hover a cell for the same on e's values themselves and for the samples e maps far into its tails.");
    if (ImGui::BeginTable("explained", static_cast<int>(report->layers.front().factors.size()) + 2,
                          ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
        ImGui::TableSetupColumn("step");
        ImGui::TableSetupColumn("layer");
        for (const FactorShare& f : report->layers.front().factors) ImGui::TableSetupColumn(f.factor.c_str());
        ImGui::TableHeadersRow();
        for (const LayerShares& row : report->layers) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%lld", static_cast<long long>(row.classifier_step));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.layer.c_str());
            for (const FactorShare& f : row.factors) {
                ImGui::TableNextColumn();
                ImGui::Text("%.1f%% +- %.1f", 100 * f.mean, 100 * f.std);
                if (ImGui::IsItemHovered()) {
                    ImGui::SetTooltip("on e's values: %.1f%% +- %.1f\nsamples beyond 10 robust deviations: %.1f%%",
                                      100 * f.moments_mean, 100 * f.moments_std, 100 * f.far_sample_share);
                }
            }
        }
        ImGui::EndTable();
    }
    if (m_layers_texture.valid()) {
        ImGui::Image(m_layers_texture.imgui_id(),
                     ImVec2(static_cast<float>(m_layers_texture.width()), static_cast<float>(m_layers_texture.height())));
    }
    if (!report->training_figure.empty() && m_training_texture.valid()) {
        ImGui::Image(m_training_texture.imgui_id(),
                     ImVec2(static_cast<float>(m_training_texture.width()), static_cast<float>(m_training_texture.height())));
    } else {
        ImGui::TextWrapped(
            "Over training: train t for earlier classifier checkpoints (invariances-cli train cinn --layer logits "
            "--classifier-steps all) and recompute.");
    }
    ImGui::End();
}

}  // namespace inv
