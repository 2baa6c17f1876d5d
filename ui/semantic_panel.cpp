#include "ui/semantic_panel.h"
#include "ui/ui_scale.h"
#include "ui/widgets.h"

#include "core/runtime/errors.h"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <string>

namespace inv {
namespace {

void show(const GlTexture& texture, float zoom, const char* caption) {
    ImGui::BeginGroup();
    if (texture.valid()) {
        ImGui::Image(texture.imgui_id(),
                     ImVec2(static_cast<float>(texture.width()) * zoom, static_cast<float>(texture.height()) * zoom));
    }
    ImGui::TextUnformatted(caption);
    ImGui::EndGroup();
}

}  // namespace

SemanticPanel::SemanticPanel(Post post) : m_post(std::move(post)) {}

void SemanticPanel::request() {
    if (m_workspace.empty()) return;
    m_request.workspace = m_workspace;
    m_request.amounts.assign(m_amounts.begin(), m_amounts.end());
    m_post(m_request);
}

void SemanticPanel::step_image(int delta) {
    if (m_workspace.empty()) return;
    m_request.index =
        (m_request.index + m_test_size + static_cast<std::size_t>(delta + static_cast<int>(m_test_size))) % m_test_size;
    m_request.image.reset();
    request();
}

void SemanticPanel::set_image(std::size_t index) {
    m_request.index = std::min(index, m_test_size - 1);
    m_request.image.reset();
    request();
}

void SemanticPanel::set_classifier_step(std::int64_t step) {
    if (step == m_request.classifier_step) return;
    m_request.classifier_step = step;
    request();
}

void SemanticPanel::set_user_image(const NamedImage& image) {
    m_request.image = image.image;
    m_user_image_name = image.name;
    request();
}

void SemanticPanel::set_donor(std::size_t index) {
    m_request.donor = std::min(index, m_test_size - 1);
    request();
}

void SemanticPanel::set_amount(const std::string& factor, float amount, const EngineSnapshot& snapshot) {
    const std::vector<std::string> factors = snapshot.edit ? snapshot.edit->factors : std::vector<std::string>{};
    const auto found = std::find(factors.begin(), factors.end(), factor);
    if (found == factors.end()) {
        throw UserError("unknown factor '" + factor +
                        "'; e's factors are: " + (factors.empty() ? "(none loaded)" : joined(factors)) + ".");
    }
    m_amounts.resize(factors.size(), 0.0f);
    m_amounts[static_cast<std::size_t>(found - factors.begin())] = amount;
    request();
}

void SemanticPanel::draw(const char* title, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
                         const std::filesystem::path& without_e) {
    if (snapshot.test_size > 0) m_test_size = snapshot.test_size;
    if (workspace != m_workspace) {
        m_workspace = workspace;
        m_amounts.clear();
        request();
    }
    m_figure.follow(snapshot.edit, [&](const FactorBlend& blend) {
        m_textures[0].upload(blend.image);
        m_textures[1].upload(blend.reconstruction);
        m_textures[2].upload(blend.edited);
        m_textures[3].upload(blend.donor);
        if (m_amounts.size() != blend.factors.size()) {
            m_amounts.assign(blend.factors.size(), 0.0f);
            // The keys start on the first named factor: the residual alone rarely shows much.
            const auto named =
                std::find_if(blend.factors.begin(), blend.factors.end(), [](const std::string& f) { return f != "residual"; });
            m_selected = named == blend.factors.end() ? 0 : static_cast<std::size_t>(named - blend.factors.begin());
        }
    });
    const FactorBlend* blend = snapshot.edit.get();
    if (!m_window.begin(title)) {
        ImGui::End();
        return;
    }
    if (m_workspace.empty()) {
        ImGui::TextWrapped("Open a workspace with a trained e (invariances-cli train factors) to edit images along its factors.");
        if (!without_e.empty()) {
            ImGui::TextWrapped(
                "This workspace has no e yet. It learns the factors of its data set (classes and the "
                "attributes CSV's columns) from pairs of images that share one.");
            const bool busy = snapshot.state == JobState::Running;
            ImGui::BeginDisabled(busy);
            if (ImGui::Button("Train e")) m_post(TrainFactors{without_e});
            ImGui::EndDisabled();
            draw_job_progress(snapshot, JobKind::TrainFactors, kResumableNote);
        }
        ImGui::End();
        return;
    }
    bool changed = false;
    // Until the user picks one, the engine's contrasting donor (named in the snapshot).
    std::size_t donor = m_request.donor.value_or(snapshot.edit_donor);
    if (m_request.image) {
        ImGui::Text("Image: yours (%s)", m_user_image_name.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("use a test image")) {
            m_request.image.reset();
            changed = true;
        }
    } else {
        changed |= image_index_input("Image", &m_request.index, m_test_size);
    }
    // On stage the larger text leaves no room for both on one line.
    if (!m_window.on_stage()) ImGui::SameLine();
    if (image_index_input("Donor image", &donor, m_test_size)) {
        m_request.donor = donor;
        changed = true;
    }
    ImGui::SameLine();
    if (ImGui::Button("Reset")) {
        std::fill(m_amounts.begin(), m_amounts.end(), 0.0f);
        changed = true;
    }
    if (blend && m_window.on_stage()) {
        draw_stage_images(*blend);
        ImGui::Separator();
        draw_sliders(*blend, changed);
    } else if (blend) {
        draw_sliders(*blend, changed);
        ImGui::Separator();
        draw_images(*blend, m_zoom);
    } else {
        ImGui::TextDisabled("Loading the factors of e...");
    }
    if (changed) request();
    ImGui::End();
}

void SemanticPanel::draw_sliders(const FactorBlend& blend, bool& changed) {
    float width = scaled(260);
    if (m_window.on_stage()) {
        // The slider takes what its key, the longest factor name and the button leave of the panel.
        float label = 0.0f;
        for (const std::string& factor : blend.factors) label = std::max(label, ImGui::CalcTextSize(factor.c_str()).x);
        const ImGuiStyle& style = ImGui::GetStyle();
        const float rest = ImGui::CalcTextSize("9").x + label + ImGui::CalcTextSize("take from donor").x +
                           2 * style.FramePadding.x + 4 * style.ItemSpacing.x + style.ItemInnerSpacing.x;
        width = std::max(scaled(80), ImGui::GetContentRegionAvail().x - rest);
    }
    for (std::size_t f = 0; f < m_amounts.size(); ++f) {
        ImGui::PushID(static_cast<int>(f));
        const bool selected = m_window.on_stage() && f == m_selected;
        if (m_window.on_stage()) {
            // The slider the keys move stands out, with its key beside it.
            ImGui::TextColored(selected ? ImVec4(1.0f, 0.8f, 0.2f, 1.0f) : ImGui::GetStyle().Colors[ImGuiCol_TextDisabled], "%zu",
                               f + 1);
            ImGui::SameLine();
        }
        if (selected) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0.45f, 0.35f, 0.10f, 0.8f));
        ImGui::SetNextItemWidth(width);
        changed |= ImGui::SliderFloat(blend.factors[f].c_str(), &m_amounts[f], -1.0f, 2.0f, "%.2f");
        if (selected) ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::SmallButton("take from donor")) {
            m_amounts[f] = 1.0f;
            changed = true;
        }
        ImGui::PopID();
    }
}

namespace {

// The four images' captions: long ones in the window, short ones (two lines) on stage.
std::array<std::string, 4> image_captions(const FactorBlend& blend, bool on_stage) {
    const std::string cls = on_stage ? "" : "class ";
    const std::string probability = std::to_string(static_cast<int>(100 * blend.edited_probability + 0.5)) + " %";
    return {"x: " + cls + std::to_string(blend.image_prediction), "D(E(x))",
            "edited: " + cls + std::to_string(blend.edited_prediction) + (on_stage ? "\n(" : " (") + probability + ")",
            "donor: " + cls + std::to_string(blend.donor_prediction)};
}

}  // namespace

void SemanticPanel::draw_images(const FactorBlend& blend, float zoom) {
    const std::array<std::string, 4> captions = image_captions(blend, false);
    for (std::size_t i = 0; i < captions.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        show(m_textures[i], zoom, captions[i].c_str());
    }
}

void SemanticPanel::draw_stage_images(const FactorBlend& blend) {
    // On stage the images come first and large: four equal columns across the panel, with short
    // captions, at most half the panel's height.
    if (!ImGui::BeginTable("stage-images", 4, ImGuiTableFlags_SizingStretchSame)) return;
    const float height = ImGui::GetContentRegionAvail().y * 0.5f;
    const std::array<std::string, 4> captions = image_captions(blend, true);
    for (std::size_t i = 0; i < captions.size(); ++i) {
        ImGui::TableNextColumn();
        const GlTexture& texture = m_textures[i];
        show(texture, fit_zoom(ImGui::GetContentRegionAvail().x, height, texture.width(), texture.height(), 1.0f),
             captions[i].c_str());
    }
    ImGui::EndTable();
}

void SemanticPanel::select_factor(std::size_t factor) {
    if (factor < m_amounts.size()) m_selected = factor;
}

void SemanticPanel::nudge_selected(float delta) {
    if (m_selected >= m_amounts.size()) return;
    m_amounts[m_selected] = std::clamp(m_amounts[m_selected] + delta, -1.0f, 2.0f);
    request();
}

void SemanticPanel::reset_amounts() {
    std::fill(m_amounts.begin(), m_amounts.end(), 0.0f);
    request();
}

}  // namespace inv
