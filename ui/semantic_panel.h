#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/figure_slot.h"
#include "ui/gl_texture.h"
#include "ui/panel_window.h"

#include <array>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

namespace inv {

// The semantic sliders: one slider per factor of e (the residual too), each starting at the image's
// own value (0) and reaching the donor image's value at 1; the edited image follows while dragging.
class SemanticPanel {
public:
    using Post = std::function<void(Command)>;
    explicit SemanticPanel(Post post);

    // `workspace`: one with a trained e, or empty. `without_e`: one whose t's exist but whose e does
    // not yet, offered for training here.
    void draw(const char* title, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
              const std::filesystem::path& without_e = {});
    void step_image(int delta);
    // For scripted sessions. set_amount throws UserError for an unknown factor, naming e's factors.
    void set_image(std::size_t index);
    // The user's own image (File > Open image) in place of a test image, until a test image is picked.
    void set_user_image(const NamedImage& image);
    // The classifier checkpoint whose predictions are shown (-1: the last); re-runs on a change.
    void set_classifier_step(std::int64_t step);
    void set_donor(std::size_t index);
    void set_amount(const std::string& factor, float amount, const EngineSnapshot& snapshot);
    // Presentation mode: the panel fills `stage` with its images large (none: the normal window).
    void set_stage(const std::optional<ScreenRect>& stage) { m_window.set_stage(stage); }
    // Keyboard control on stage: pick slider `factor` (from 0), move it, put every slider back at 0.
    void select_factor(std::size_t factor);
    void nudge_selected(float delta);
    void reset_amounts();

private:
    void request();
    void draw_sliders(const FactorBlend& blend, bool& changed);
    void draw_images(const FactorBlend& blend, float zoom);
    void draw_stage_images(const FactorBlend& blend);

    Post m_post;
    std::filesystem::path m_workspace;
    EditFactors m_request;
    std::string m_user_image_name;  // shown while m_request.image holds the user's image
    std::vector<float> m_amounts;
    std::array<GlTexture, 4> m_textures;  // image, reconstruction, edited, donor
    FigureSlot m_figure;
    float m_zoom = 4.0f;
    PanelWindow m_window{ImVec2(10, 475), ImVec2(620, 295)};
    std::size_t m_selected = 0;  // the slider the keys move on stage

    std::size_t m_test_size = 2000;  // of the open workspace's test split, once the engine says
};

}  // namespace inv
