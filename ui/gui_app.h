#pragma once

#include "core/engine/engine.h"
#include "ui/gui_options.h"
#include "ui/gui_script.h"
#include "ui/analysis_panel.h"
#include "ui/attack_panel.h"
#include "ui/comparison_panel.h"
#include "ui/invariance_panel.h"
#include "ui/mixing_panel.h"
#include "ui/new_workspace_dialog.h"
#include "ui/recent_workspaces.h"

#include <array>
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
    GuiApp(Engine& engine, const GuiOptions& options);

    void start();
    // Returns false when the user asked to quit.
    bool frame();
    bool engine_busy() const;
    // Runs one step of a scripted session (see ui/gui_script.h) other than `screenshot`; returns a
    // line for the terminal. Throws UserError for a step that cannot apply.
    std::string apply(const ScriptStep& step);

private:
    void draw_menu();
    void handle_shortcuts();
    void draw_open_dialog();
    void open_workspace(const std::filesystem::path& folder);
    void draw_open_image_dialog();
    // The user's image file as the example of the sliders and the attack, and as an input row of
    // the grid; throws UserError naming the file when it cannot be read.
    void open_image(const std::filesystem::path& file);
    int model_input_size() const;

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
};

}  // namespace inv
