#include "ui/semantic_panel.h"

#include "core/errors.h"

#include <imgui.h>

#include <algorithm>

#include <string>

namespace inv {
namespace {


void show(const GlTexture& texture, float zoom, const char* caption) {
    ImGui::BeginGroup();
    if (texture.valid()) {
        ImGui::Image(texture.imgui_id(), ImVec2(static_cast<float>(texture.width()) * zoom, static_cast<float>(texture.height()) * zoom));
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
    m_request.index = (m_request.index + m_test_size + static_cast<std::size_t>(delta + static_cast<int>(m_test_size))) % m_test_size;
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
    m_donor_chosen = true;
    m_request.donor = std::min(index, m_test_size - 1);
    request();
}

void SemanticPanel::set_amount(const std::string& factor, float amount, const EngineSnapshot& snapshot) {
    const std::vector<std::string> factors = snapshot.edit ? snapshot.edit->factors : std::vector<std::string>{};
    const auto found = std::find(factors.begin(), factors.end(), factor);
    if (found == factors.end()) {
        throw UserError("unknown factor '" + factor + "'; e's factors are: " + (factors.empty() ? "(none loaded)" : joined(factors)) + ".");
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
    // The first donor differs from image 0 in every factor, so that every slider changes something.
    if (!m_donor_chosen && m_request.index == 0 && snapshot.test_size > 0 && snapshot.contrasting_donor != m_request.donor) {
        m_request.donor = snapshot.contrasting_donor;
        request();
    }
    const FactorBlend* blend = snapshot.edit.get();
    if (blend && snapshot.edit_version != m_uploaded_version) {
        m_textures[0].upload(blend->image);
        m_textures[1].upload(blend->reconstruction);
        m_textures[2].upload(blend->edited);
        m_textures[3].upload(blend->donor);
        m_uploaded_version = snapshot.edit_version;
        if (m_amounts.size() != blend->factors.size()) m_amounts.assign(blend->factors.size(), 0.0f);
    }
    ImGui::SetNextWindowPos(ImVec2(10, 475), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(620, 295), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(title)) {
        ImGui::End();
        return;
    }
    if (m_workspace.empty()) {
        ImGui::TextWrapped("Open a workspace with a trained e (invariances-cli train factors) to edit images along its factors.");
        if (!without_e.empty()) {
            ImGui::TextWrapped("This workspace has no e yet. It learns the factors of its data set (classes and the "
                               "attributes CSV's columns) from pairs of images that share one.");
            const bool busy = snapshot.state == JobState::Running;
            ImGui::BeginDisabled(busy);
            if (ImGui::Button("Train e")) m_post(TrainFactors{without_e});
            ImGui::EndDisabled();
            if (busy && snapshot.job.rfind("training e", 0) == 0) {
                ImGui::ProgressBar(snapshot.progress, ImVec2(-1, 0));
                ImGui::TextWrapped("%s (Cancel in the status bar; training resumes where it stopped)", snapshot.job.c_str());
            }
        }
        ImGui::End();
        return;
    }
    bool changed = false;
    int index = static_cast<int>(m_request.index);
    int donor = static_cast<int>(m_request.donor);
    ImGui::SetNextItemWidth(110);
    if (m_request.image) {
        ImGui::Text("Image: yours (%s)", m_user_image_name.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("use a test image")) {
            m_request.image.reset();
            changed = true;
        }
    } else if (ImGui::InputInt("Image", &index)) {
        m_request.index = static_cast<std::size_t>(std::clamp(index, 0, static_cast<int>(m_test_size) - 1));
        changed = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    if (ImGui::InputInt("Donor image", &donor)) {
        m_request.donor = static_cast<std::size_t>(std::clamp(donor, 0, static_cast<int>(m_test_size) - 1));
        m_donor_chosen = true;
        changed = true;
    }
    ImGui::SameLine();
    if (ImGui::Button("Reset")) {
        std::fill(m_amounts.begin(), m_amounts.end(), 0.0f);
        changed = true;
    }
    if (blend) {
        for (std::size_t f = 0; f < m_amounts.size(); ++f) {
            ImGui::PushID(static_cast<int>(f));
            ImGui::SetNextItemWidth(260);
            changed |= ImGui::SliderFloat(blend->factors[f].c_str(), &m_amounts[f], -1.0f, 2.0f, "%.2f");
            ImGui::SameLine();
            if (ImGui::SmallButton("take from donor")) {
                m_amounts[f] = 1.0f;
                changed = true;
            }
            ImGui::PopID();
        }
        ImGui::Separator();
        const std::string edited = "edited: class " + std::to_string(blend->edited_prediction) + " (" +
                                   std::to_string(static_cast<int>(100 * blend->edited_probability + 0.5)) + " %)";
        show(m_textures[0], m_zoom, ("x: class " + std::to_string(blend->image_prediction)).c_str());
        ImGui::SameLine();
        show(m_textures[1], m_zoom, "D(E(x))");
        ImGui::SameLine();
        show(m_textures[2], m_zoom, edited.c_str());
        ImGui::SameLine();
        show(m_textures[3], m_zoom, ("donor: class " + std::to_string(blend->donor_prediction)).c_str());
    } else {
        ImGui::TextDisabled("Loading the factors of e...");
    }
    if (changed) request();
    ImGui::End();
}

}  // namespace inv
