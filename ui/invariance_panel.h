#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/figure_slot.h"
#include "ui/gl_texture.h"
#include "ui/image_view_program.h"
#include "ui/panel_window.h"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// The z-by-v grid of a workspace: a layer selector (layers whose t is trained), rows of inputs,
// columns of shared invariance samples v, seed, temperature, and the re-encoding statistic.
class InvariancePanel {
public:
    using Post = std::function<void(Command)>;

    // `workspace` empty: the demo workspace under `data_root` if it is built, else an offer to build it.
    InvariancePanel(std::filesystem::path workspace, const std::filesystem::path& data_root, Post post);

    void start();
    // Switches to another workspace folder; its problems show in the panel.
    void open(const std::filesystem::path& workspace);
    void draw(const char* title, const EngineSnapshot& snapshot);
    void resample();
    // For scripted sessions; each posts the new request. set_layer selects any layer of the
    // classifier (one without t shows the offer to train it); throws UserError naming the layers.
    void set_layer(const std::string& layer);
    void set_inputs(int inputs);
    void set_samples(int samples);
    void set_seed(std::uint64_t seed);
    std::string export_view(const EngineSnapshot& snapshot);
    void train_selected_layer();
    // Adds the user's image as a further input row (its file is named in the export's provenance).
    void pin(const NamedImage& image);
    // Makes sample (row, column) of the grid shown an input row: written to the workspace's
    // exports/pinned/ folder first, so that an export of the grid can be made again from files.
    // Throws UserError when there is no such sample.
    void pin_sample(int row, int column);
    // Selects the classifier checkpoint at `step` for the current layer; throws UserError naming
    // the steps that have a t for it.
    void set_checkpoint(std::int64_t step);  // throws UserError when the selected layer already has t
    // The open workspace (empty: none yet); the other panels work on the same one.
    const std::filesystem::path& workspace() const { return m_workspace; }
    const std::vector<std::string>& layers() const { return m_layers; }
    // The classifier checkpoint the grid shows (-1: the last); the sliders and the attack follow it.
    std::int64_t classifier_step() const { return m_request.classifier_step; }
    // The grid's test images from another domain ("colormnist", "colorfashion"; "own": the workspace's).
    void set_inputs_from(const std::string& domain);
    bool ready() const { return m_problem.empty() && !m_workspace.empty(); }
    // Builds a demo workspace with `budget` (tiny, quick or full) in the data folder's
    // workspaces/demo-<budget>, and opens it when done.
    void build_demo(const std::string& budget);
    // The File menu's "Build a demo workspace" entries, one per budget with how long it takes.
    void draw_build_menu();
    bool has_factors() const { return m_has_factors; }  // the open workspace has a trained e
    // Presentation mode: the panel fills `stage`, the grid as large as fits (none: the normal window).
    void set_stage(const std::optional<ScreenRect>& stage) { m_window.set_stage(stage); }
    // The next (+1) or previous (-1) layer with a trained t, wrapping around; for the keys on stage.
    void step_layer(int delta);

private:
    void load_layers();
    void request();
    void draw_build_offer(const EngineSnapshot& snapshot);
    void draw_controls();
    void draw_stage_controls();
    void draw_figure(const InvarianceSamples& samples);
    void fill_stage_with_rows(const InvarianceSamples& samples, float width, float height);
    void draw_pinned();
    void draw_training(const EngineSnapshot& snapshot);
    void draw_untrained(const std::string& layer, const EngineSnapshot& snapshot);
    void sync_layers(const EngineSnapshot& snapshot);

    std::filesystem::path m_workspace;
    std::filesystem::path m_demo_workspace;
    bool m_offer_demo = false;
    bool m_has_classifier = false;  // of the open workspace, from its manifest
    bool m_has_autoencoder = false;
    bool m_has_factors = false;
    std::uint64_t m_prepared_version = 0;
    Post m_post;
    std::vector<std::string> m_layers;     // layers with a trained t, in the network's order
    std::vector<std::string> m_untrained;  // the classifier's other layers (from the engine)
    std::vector<std::string> m_labels;     // combo entries: "fire7  [128x4x4]", "(no t) conv1 …"
    std::uint64_t m_layers_version = 0;
    std::uint64_t m_trained_version = 0;
    // Per layer, the classifier steps with a t of their own (the last checkpoint last).
    std::map<std::string, std::vector<std::int64_t>> m_steps;
    int m_step_index = -1;  // into m_steps[layer]; -1: the last checkpoint
    std::string m_problem;  // why there is nothing to show, for people
    std::string m_notice;   // where the open workspace came from, when the panel chose it
    int m_layer = 0;
    ShowInvariances m_request;
    GlTexture m_texture;
    ImageViewProgram m_view;
    FigureSlot m_figure;
    float m_zoom = 2.0f;
    static constexpr int kMostStageRows = 8;
    int m_inputs_off_stage = -1;  // the normal window's number of input rows while the stage chose another
    PanelWindow m_window{ImVec2(640, 30), ImVec2(630, 430)};
    std::string m_export_message;
    std::shared_ptr<const InvarianceSamples> m_shown;  // the grid on screen, for clicks on its samples
    GlTexture m_preview_texture;                       // the training preview (samples of the t being trained, reconstructions)
    ImageViewProgram m_preview_view;
    FigureSlot m_preview_figure;
};

}  // namespace inv
