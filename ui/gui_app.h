#pragma once

#include "core/engine/engine.h"
#include "ui/analysis_panel.h"
#include "ui/attack_panel.h"
#include "ui/comparison_panel.h"
#include "ui/gui_options.h"
#include "ui/gui_script.h"
#include "ui/invariance_panel.h"
#include "ui/mixing_panel.h"
#include "ui/new_workspace_dialog.h"
#include "ui/recent_workspaces.h"
#include "ui/view_settings.h"

#include <array>
#include <optional>

#include "ui/sample_grid_panel.h"
#include "ui/semantic_panel.h"
#include "ui/status_panel.h"
#include "ui/video_panel.h"
#include "ui/writer_watch.h"

namespace inv {

// Everything drawn in one frame: the menu, the panels, the status bar and error messages. Reads
// one engine snapshot per frame and posts commands; never touches tensors.
class GuiApp {
public:
    // `view`: how the window starts (presentation mode or not), applied through take_view_change().
    GuiApp(Engine& engine, const GuiOptions& options, const ViewSettings& view);

    void start();
    // Returns false when the user asked to quit.
    bool frame();
    bool engine_busy() const;
    // Runs one step of a scripted session (see ui/gui_script.h) other than `screenshot`; returns a
    // line for the terminal. Throws UserError for a step that cannot apply.
    std::string apply(const ScriptStep& step);
    // A change of presentation mode, monitor or scale asked for since the last call (the first call
    // gives the starting view). The window applies it between frames: fonts cannot change inside one.
    std::optional<ViewSettings> take_view_change();
    // The monitors the View menu offers for presentation mode.
    void set_monitors(std::vector<std::string> monitors) { m_monitors = std::move(monitors); }

private:
    // The open workspace for the panels that need t's (with_t) or e (with_e); without_e when it has
    // t's but no e yet (the sliders offer to train it). Empty paths where it has none.
    struct OpenModels {
        std::filesystem::path with_t, with_e, without_e;
    };
    OpenModels open_models();
    void draw_panels();
    void draw_stage();
    void draw_status_and_dialogs();
    void set_presentation(bool on);
    // One key as the user pressed it; shared by the keyboard and by scripts' `key` steps.
    void press(int key, bool shift);
    void draw_menu();
    void handle_shortcuts();
    void draw_open_dialog();
    void open_workspace(const std::filesystem::path& folder);
    void draw_open_image_dialog();
    // The user's image file as the example of the sliders and the attack, and as an input row of
    // the grid; throws UserError naming the file when it cannot be read.
    void open_image(const std::filesystem::path& file);
    int model_input_size() const;
    // The windows the View menu shows and hides, by the names scripts and --open use for them.
    struct OptionalWindow {
        const char* name;
        const char* menu_label;
        bool* shown;
    };
    std::vector<OptionalWindow> optional_windows();
    // The flag of the window named `name`, or nullptr when there is none.
    bool* optional_window(const std::string& name);

    Engine& m_engine;
    std::shared_ptr<const EngineSnapshot> m_snapshot;
    SampleGridPanel m_samples;
    InvariancePanel m_invariances;
    SemanticPanel m_semantic;
    AttackPanel m_attack;
    MixingPanel m_mixing;
    AnalysisPanel m_analysis;
    bool m_show_mixing = false;
    bool m_show_analysis = false;
    ComparisonPanel m_comparison;
    bool m_show_comparison = false;
    VideoPanel m_video;
    bool m_show_video = false;
    StatusPanel m_status;
    WriterWatch m_writer_watch;
    bool m_show_log = false;  // View > Log; the status bar shows the latest line
    bool m_show_imgui_demo = false;
    bool m_show_metrics = false;
    bool m_quit = false;
    RecentWorkspaces m_recent;
    bool m_open_dialog = false;
    NewWorkspaceDialog m_new_workspace;
    std::array<char, 1024> m_path_input{};
    bool m_open_image_dialog = false;
    std::array<char, 1024> m_image_input{};
    std::string m_image_error;
    std::string m_start_device;  // --device, applied by start()
    ViewSettings m_view;
    bool m_view_changed = true;  // the starting view is applied once, too
    std::vector<std::string> m_monitors;
    bool m_stage_shows_attack = false;  // presentation mode's right panel: the attack instead of the sliders
};

}  // namespace inv
