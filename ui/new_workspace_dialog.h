#pragma once

#include "core/engine/commands.h"

#include <array>
#include <functional>
#include <string>

namespace inv {

// File > New workspace: a workspace around the user's TorchScript classifier and image folder (or a
// built-in data set), made by the engine (CreateWorkspace) and opened when it is ready. The fields
// are checked by the engine, whose error names the file at fault.
class NewWorkspaceDialog {
public:
    explicit NewWorkspaceDialog(std::function<void(Command)> post) : m_post(std::move(post)) {}

    void open() { m_open_requested = true; }
    void draw(bool engine_busy);

    // The recipe a scripted session gives (new-workspace WORKSPACE MODEL IMAGES tiny|full; "-" for no
    // model or no images); throws UserError for another budget.
    static WorkspaceRecipe recipe_from(const std::string& folder, const std::string& model, const std::string& images,
                                       const std::string& budget);

private:
    WorkspaceRecipe recipe() const;

    std::function<void(Command)> m_post;
    bool m_open_requested = false;
    std::array<char, 1024> m_folder{};
    std::array<char, 1024> m_model{};
    std::array<char, 1024> m_images{};
    std::array<char, 1024> m_attributes{};
    int m_size_choice = 0;  // index into the sizes offered
    bool m_tiny_budget = false;
    std::string m_message;
};

}  // namespace inv
