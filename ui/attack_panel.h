#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/figure_slot.h"
#include "ui/gl_texture.h"
#include "ui/image_view_program.h"
#include "ui/panel_window.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// The attack panel: method, ε (in 1/255 steps and in [-1, 1] units) and image; shows the rows
// none / random-sign control / attack with the perturbation, the input and each layer's decode
// under the clean image's v, both predictions with probabilities, and the variance of z̄ explained
// by v per layer. Moving the ε slider re-runs the attack live (stale requests are dropped).
class AttackPanel {
public:
    using Post = std::function<void(Command)>;
    explicit AttackPanel(Post post);

    void draw(const char* title, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
              const std::vector<std::string>& layers);
    // For scripted sessions.
    void set_attack(const std::string& method, float epsilon_255);
    void set_image(std::size_t index);
    // The user's own image (File > Open image) in place of a test image, until a test image is picked.
    void set_user_image(const NamedImage& image);
    // The classifier checkpoint attacked (-1: the last); re-runs on a change.
    void set_classifier_step(std::int64_t step);
    std::string export_view(const EngineSnapshot& snapshot);
    // Presentation mode: the panel fills `stage`, its figure as large as fits (none: the normal window).
    void set_stage(const std::optional<ScreenRect>& stage) { m_window.set_stage(stage); }

private:
    void request();

    Post m_post;
    std::filesystem::path m_workspace;
    AttackImage m_request;
    int m_method = 0;             // 0 FGSM, 1 PGD
    float m_epsilon_255 = 2.55f;  // 0.02 image units
    GlTexture m_texture;
    ImageViewProgram m_view;
    FigureSlot m_figure;
    float m_zoom = 1.5f;
    PanelWindow m_window{ImVec2(640, 465), ImVec2(630, 305)};
    std::string m_export_message;
    std::size_t m_test_size = 2000;  // of the open workspace's test split, once the engine says
    std::vector<std::string> m_known_layers;
    std::vector<char> m_layer_on;  // per known layer: decoded in the panel
};

}  // namespace inv
