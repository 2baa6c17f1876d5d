#include "ui/new_workspace_dialog.h"
#include "ui/ui_scale.h"

#include "core/runtime/errors.h"

#include <imgui.h>

namespace inv {
namespace {

// 0 lets the model card decide (32 without a model).
constexpr int kSizes[] = {0, 32, 64, 128};
constexpr const char* kSizeNames[] = {"from the model card", "32 x 32", "64 x 64", "128 x 128"};

std::filesystem::path field(const std::array<char, 1024>& text) {
    return std::filesystem::path(text.data());
}

}  // namespace

WorkspaceRecipe NewWorkspaceDialog::recipe_from(const std::string& folder, const std::string& model, const std::string& images,
                                                const std::string& budget) {
    if (budget != "tiny" && budget != "full") throw UserError("the training budget is tiny or full, not '" + budget + "'.");
    WorkspaceRecipe recipe;
    recipe.tiny_budget = budget == "tiny";
    recipe.folder = folder;
    if (model != "-") recipe.model = model;
    if (images != "-") recipe.images = images;
    return recipe;
}

WorkspaceRecipe NewWorkspaceDialog::recipe() const {
    WorkspaceRecipe recipe;
    recipe.folder = field(m_folder);
    recipe.model = field(m_model);
    recipe.images = field(m_images);
    recipe.attributes = field(m_attributes);
    recipe.image_size = kSizes[m_size_choice];
    recipe.tiny_budget = m_tiny_budget;
    return recipe;
}

void NewWorkspaceDialog::draw(bool engine_busy) {
    if (m_open_requested) {
        ImGui::OpenPopup("New workspace");
        m_open_requested = false;
        m_message.clear();
    }
    ImGui::SetNextWindowSize(ImVec2(scaled(680), 0), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("New workspace", nullptr)) return;
    ImGui::TextWrapped(
        "Study your own classifier on your own images. The model is a TorchScript file with FILE.card.json "
        "beside it (tools/export_classifier.py writes both); its layers are found automatically. The "
        "images are a folder of PNG/JPEG files, optionally one sub-folder per class, optionally with a "
        "CSV of attributes (a \"file\" column, then one column per attribute) from which e learns its "
        "factors. Leave the model empty to train the built-in classifier on the images instead.");
    ImGui::Spacing();
    ImGui::SetNextItemWidth(-220);
    ImGui::InputText("Workspace folder (new)", m_folder.data(), m_folder.size());
    ImGui::SetNextItemWidth(-220);
    ImGui::InputText("TorchScript model (.pt)", m_model.data(), m_model.size());
    ImGui::SetNextItemWidth(-220);
    ImGui::InputText("Image folder", m_images.data(), m_images.size());
    ImGui::SetNextItemWidth(-220);
    ImGui::InputText("Attributes CSV (optional)", m_attributes.data(), m_attributes.size());
    ImGui::SetNextItemWidth(scaled(200));
    ImGui::Combo("Image size", &m_size_choice, kSizeNames, IM_ARRAYSIZE(kSizeNames));
    ImGui::Checkbox("Quick look: train the autoencoder and each t for about a minute (rough results)", &m_tiny_budget);
    ImGui::Spacing();
    ImGui::BeginDisabled(engine_busy);
    if (ImGui::Button("Create")) {
        const WorkspaceRecipe made = recipe();
        if (made.folder.empty()) {
            m_message = "Name the folder of the new workspace.";
        } else if (made.images.empty() && made.model.empty()) {
            m_message = "Give a model, an image folder, or both.";
        } else {
            m_post(CreateWorkspace{made});
            ImGui::CloseCurrentPopup();
        }
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (engine_busy) ImGui::TextDisabled("Waiting for the current job to finish (or cancel it in the status bar).");
    if (!m_message.empty()) ImGui::TextColored(ImVec4(0.9f, 0.3f, 0.3f, 1.0f), "%s", m_message.c_str());
    ImGui::TextDisabled("Then: pick a layer in the Invariances panel and train its t (the autoencoder trains first, once).");
    ImGui::EndPopup();
}

}  // namespace inv
