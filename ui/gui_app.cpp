#include "ui/gui_app.h"
#include "ui/ui_scale.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "core/image/image_fit.h"
#include "core/runtime/errors.h"
#include "ui/stage_layout.h"

#include <cctype>
#include <map>

namespace inv {
namespace {

// Keys a script can press, by the names its `key` step takes.
std::optional<int> key_named(const std::string& name) {
    static const std::map<std::string, int> named{
        {"PageDown", GLFW_KEY_PAGE_DOWN}, {"PageUp", GLFW_KEY_PAGE_UP}, {"Up", GLFW_KEY_UP},
        {"Down", GLFW_KEY_DOWN},          {"Left", GLFW_KEY_LEFT},      {"Right", GLFW_KEY_RIGHT},
        {"Space", GLFW_KEY_SPACE},        {"Escape", GLFW_KEY_ESCAPE},  {"F11", GLFW_KEY_F11}};
    if (const auto found = named.find(name); found != named.end()) return found->second;
    if (name.size() == 1 && std::isalnum(static_cast<unsigned char>(name[0]))) {
        // GLFW's codes of letters and digits are their upper-case ASCII codes.
        return std::toupper(static_cast<unsigned char>(name[0]));
    }
    return std::nullopt;
}

// The keys handled by press(), in the order they are polled each frame.
constexpr int kKeys[] = {GLFW_KEY_F11,   GLFW_KEY_ESCAPE, GLFW_KEY_R,    GLFW_KEY_S,       GLFW_KEY_SPACE,     GLFW_KEY_LEFT,
                         GLFW_KEY_RIGHT, GLFW_KEY_UP,     GLFW_KEY_DOWN, GLFW_KEY_PAGE_UP, GLFW_KEY_PAGE_DOWN, GLFW_KEY_N,
                         GLFW_KEY_P,     GLFW_KEY_A,      GLFW_KEY_0,    GLFW_KEY_1,       GLFW_KEY_2,         GLFW_KEY_3,
                         GLFW_KEY_4,     GLFW_KEY_5,      GLFW_KEY_6,    GLFW_KEY_7,       GLFW_KEY_8,         GLFW_KEY_9};

// How far Left/Right move a slider on stage; with Shift, five times as far.
constexpr float kSliderStep = 0.1f;

// How every panel posts its commands: by value, to the one engine.
std::function<void(Command)> poster(Engine& engine) {
    return [&engine](Command command) { engine.post(std::move(command)); };
}

}  // namespace

GuiApp::GuiApp(Engine& engine, const GuiOptions& options, const ViewSettings& view)
    : m_engine(engine),
      m_snapshot(engine.snapshot()),
      m_samples(options.initial_grid, options.zoom, poster(engine)),
      m_invariances(options.workspace, options.data_root, poster(engine)),
      m_semantic(poster(engine)),
      m_attack(poster(engine)),
      m_mixing(poster(engine)),
      m_analysis(poster(engine)),
      m_comparison(poster(engine)),
      m_video(poster(engine)),
      m_status([&engine] { engine.cancel(); }),
      m_recent(options.recent_file),
      m_new_workspace(poster(engine)),
      m_start_device(options.device),
      m_view(view) {
    if (!options.workspace.empty()) m_recent.remember(options.workspace);
    for (const std::string& panel : options.open_panels) {
        if (bool* shown = optional_window(panel)) *shown = true;
    }
}

std::vector<GuiApp::OptionalWindow> GuiApp::optional_windows() {
    return {{"log", "Log", &m_show_log},
            {"mixing", "Mixing", &m_show_mixing},
            {"analysis", "Analysis (explained variance)", &m_show_analysis},
            {"compare", "Compare models", &m_show_comparison},
            {"video", "Video", &m_show_video}};
}

bool* GuiApp::optional_window(const std::string& name) {
    for (const OptionalWindow& window : optional_windows()) {
        if (name == window.name) return window.shown;
    }
    return nullptr;
}

void GuiApp::start() {
    // First in the queue, so that the workspace's networks load once, on the chosen device.
    m_engine.post(SetDevice{m_start_device});
    m_samples.start();
    m_invariances.start();
}

bool GuiApp::engine_busy() const {
    return !m_engine.idle();
}

std::optional<ViewSettings> GuiApp::take_view_change() {
    if (!m_view_changed) return std::nullopt;
    m_view_changed = false;
    return m_view;
}

void GuiApp::set_presentation(bool on) {
    if (m_view.presentation == on) return;
    m_view.presentation = on;
    m_view_changed = true;
}

bool GuiApp::frame() {
    m_snapshot = m_engine.snapshot();
    handle_shortcuts();
    draw_menu();
    if (m_view.presentation) {
        draw_stage();
    } else {
        m_invariances.set_stage(std::nullopt);
        m_semantic.set_stage(std::nullopt);
        m_attack.set_stage(std::nullopt);
        draw_panels();
    }
    return !m_quit;
}

void GuiApp::draw_stage() {
    // The work area below the menu bar, less the status bar (drawn at its bottom).
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    const float status_height = ImGui::GetFrameHeightWithSpacing() + 8.0f;
    const ScreenRect work{viewport->WorkPos.x, viewport->WorkPos.y, viewport->WorkSize.x, viewport->WorkSize.y - status_height};
    const StageLayout layout = stage_layout(work, ImGui::GetStyle().ItemSpacing.x);
    m_invariances.set_stage(layout.grid);
    m_semantic.set_stage(layout.side);
    m_attack.set_stage(layout.side);
    m_invariances.draw("Invariances", *m_snapshot);
    const OpenModels open = open_models();
    if (m_stage_shows_attack) {
        m_attack.draw("Attack", *m_snapshot, open.with_t, m_invariances.layers());
    } else {
        m_semantic.draw("Semantic sliders", *m_snapshot, open.with_e, open.without_e);
    }
    draw_status_and_dialogs();
}

GuiApp::OpenModels GuiApp::open_models() {
    // The sliders and the attack work on the workspace the Invariances panel opened, once it has t's,
    // and follow the classifier checkpoint it shows. A workspace just made around a user's model has
    // neither t's nor e until they are trained.
    m_semantic.set_classifier_step(m_invariances.classifier_step());
    m_attack.set_classifier_step(m_invariances.classifier_step());
    OpenModels open;
    if (!m_invariances.ready() || m_invariances.layers().empty()) return open;
    open.with_t = m_invariances.workspace();
    (m_invariances.has_factors() ? open.with_e : open.without_e) = m_invariances.workspace();
    return open;
}

void GuiApp::draw_status_and_dialogs() {
    m_status.draw_status_bar(*m_snapshot, m_writer_watch.poll(m_invariances.workspace()));
    m_status.draw_error_popup(*m_snapshot);
    draw_open_dialog();
    draw_open_image_dialog();
}

void GuiApp::draw_panels() {
    m_samples.draw("Data set", *m_snapshot);
    if (const std::optional<std::size_t> picked = m_samples.take_picked()) {
        m_semantic.set_image(*picked);
        m_attack.set_image(*picked);
    }
    m_invariances.draw("Invariances", *m_snapshot);
    const OpenModels open = open_models();
    m_semantic.draw("Semantic sliders", *m_snapshot, open.with_e, open.without_e);
    m_attack.draw("Attack", *m_snapshot, open.with_t, m_invariances.layers());
    m_mixing.draw("Mixing", &m_show_mixing, *m_snapshot, open.with_t, m_invariances.layers());
    m_analysis.draw("Analysis", &m_show_analysis, *m_snapshot, open.with_e);
    m_comparison.draw("Compare models", &m_show_comparison, *m_snapshot, open.with_t, m_invariances.layers());
    m_video.draw("Video", &m_show_video, *m_snapshot, open.with_t, m_invariances.layers());
    m_status.draw_log("Log", &m_show_log, *m_snapshot);
    draw_status_and_dialogs();
    m_new_workspace.draw(engine_busy());
    if (m_show_imgui_demo) ImGui::ShowDemoWindow(&m_show_imgui_demo);
    if (m_show_metrics) ImGui::ShowMetricsWindow(&m_show_metrics);
}

std::string GuiApp::apply(const ScriptStep& step) {
    const auto number = [&](std::size_t i) {
        try {
            return std::stod(step.arguments.at(i));
        } catch (const std::exception&) {
            throw UserError("line " + std::to_string(step.line) + ": '" + step.arguments.at(i) + "' is not a number.");
        }
    };
    const std::string& verb = step.verb;
    if (verb == "workspace") {
        open_workspace(step.arguments[0]);
        if (!m_invariances.ready()) throw UserError("cannot show " + step.arguments[0] + ": see the Invariances panel.");
    } else if (verb == "layer")
        m_invariances.set_layer(step.arguments[0]);
    else if (verb == "inputs")
        m_invariances.set_inputs(static_cast<int>(number(0)));
    else if (verb == "samples")
        m_invariances.set_samples(static_cast<int>(number(0)));
    else if (verb == "seed")
        m_invariances.set_seed(static_cast<std::uint64_t>(number(0)));
    else if (verb == "resample")
        m_invariances.resample();
    else if (verb == "train-layer")
        m_invariances.train_selected_layer();
    else if (verb == "compare") {
        m_show_comparison = true;
        m_comparison.compare(m_invariances.workspace(), step.arguments[0], step.arguments[1]);
    } else if (verb == "video") {
        m_show_video = true;
        m_video.play(m_invariances.workspace(), step.arguments[0], step.arguments[1]);
    } else if (verb == "inputs-from")
        m_invariances.set_inputs_from(step.arguments[0]);
    else if (verb == "train-factors")
        m_engine.post(TrainFactors{m_invariances.workspace()});
    else if (verb == "checkpoint")
        m_invariances.set_checkpoint(static_cast<std::int64_t>(number(0)));
    else if (verb == "image")
        m_semantic.set_image(static_cast<std::size_t>(number(0)));
    else if (verb == "donor")
        m_semantic.set_donor(static_cast<std::size_t>(number(0)));
    else if (verb == "slider")
        m_semantic.set_amount(step.arguments[0], static_cast<float>(number(1)), *m_engine.snapshot());
    else if (verb == "attack")
        m_attack.set_attack(step.arguments[0], static_cast<float>(number(1)));
    else if (verb == "attack-image")
        m_attack.set_image(static_cast<std::size_t>(number(0)));
    else if (verb == "open-image")
        open_image(step.arguments[0]);
    else if (verb == "device")
        m_engine.post(SetDevice{step.arguments[0]});
    else if (verb == "new-workspace") {
        m_engine.post(CreateWorkspace{
            NewWorkspaceDialog::recipe_from(step.arguments[0], step.arguments[1], step.arguments[2], step.arguments[3])});
    } else if (verb == "pin-sample")
        m_invariances.pin_sample(static_cast<int>(number(0)), static_cast<int>(number(1)));
    else if (verb == "open") {
        const std::string& panel = step.arguments[0];
        bool* shown = optional_window(panel);
        if (!shown) {
            std::string names;
            for (const OptionalWindow& window : optional_windows()) names += std::string(names.empty() ? "" : ", ") + window.name;
            throw UserError("line " + std::to_string(step.line) + ": no window '" + panel + "'; use " + names + ".");
        }
        *shown = true;
    } else if (verb == "presentation") {
        if (step.arguments[0] != "on" && step.arguments[0] != "off") {
            throw UserError("line " + std::to_string(step.line) + ": presentation takes on or off, not '" + step.arguments[0] +
                            "'.");
        }
        set_presentation(step.arguments[0] == "on");
    } else if (verb == "key") {
        const std::optional<int> key = key_named(step.arguments[0]);
        if (!key) {
            throw UserError("line " + std::to_string(step.line) + ": no key '" + step.arguments[0] +
                            "'; use PageDown, PageUp, Up, Down, Left, Right, Space, Escape, F11, a letter or a digit.");
        }
        press(*key, false);
    } else if (verb == "export") {
        const std::string& what = step.arguments[0];
        if (what == "invariances") return m_invariances.export_view(*m_engine.snapshot());
        if (what == "attack") return m_attack.export_view(*m_engine.snapshot());
        throw UserError("line " + std::to_string(step.line) + ": cannot export '" + what + "'; use invariances or attack.");
    } else {
        throw UserError("line " + std::to_string(step.line) + ": '" + verb + "' is not a step the window runs.");
    }
    return verb + " applied";
}

void GuiApp::open_workspace(const std::filesystem::path& folder) {
    m_invariances.open(folder);
    if (m_invariances.ready()) m_recent.remember(folder);
}

void GuiApp::draw_open_dialog() {
    if (m_open_dialog) {
        ImGui::OpenPopup("Open workspace");
        m_open_dialog = false;
    }
    ImGui::SetNextWindowSize(ImVec2(scaled(620), 0), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("Open workspace", nullptr)) return;
    ImGui::TextWrapped(
        "A workspace folder holds workspace.json and the models trained into it "
        "(invariances-cli demo prepare or train ...).");
    ImGui::SetNextItemWidth(-1);
    const bool entered =
        ImGui::InputText("##folder", m_path_input.data(), m_path_input.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    if (entered || ImGui::Button("Open")) {
        open_workspace(std::filesystem::path(m_path_input.data()));
        ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (!m_recent.list().empty()) {
        ImGui::Separator();
        ImGui::TextUnformatted("Recent");
        for (const auto& folder : m_recent.list()) {
            if (ImGui::Selectable(folder.c_str())) {
                open_workspace(folder);
                ImGui::CloseCurrentPopup();
            }
        }
    }
    ImGui::EndPopup();
}

int GuiApp::model_input_size() const {
    for (const LayerInfo& layer : m_snapshot->layers) {
        if (layer.name == "input" && layer.shape.size() == 3) return static_cast<int>(layer.shape[2]);
    }
    return 32;  // the ColorMNIST and ColorFashion workspaces
}

void GuiApp::open_image(const std::filesystem::path& file) {
    const NamedImage image{read_model_input(file, model_input_size()), file.string()};
    m_semantic.set_user_image(image);
    m_attack.set_user_image(image);
    m_invariances.pin(image);
}

void GuiApp::draw_open_image_dialog() {
    if (m_open_image_dialog) {
        ImGui::OpenPopup("Open image");
        m_open_image_dialog = false;
        m_image_error.clear();
    }
    ImGui::SetNextWindowSize(ImVec2(scaled(620), 0), ImGuiCond_Appearing);
    if (!ImGui::BeginPopupModal("Open image", nullptr)) return;
    ImGui::TextWrapped(
        "An image of your own (PNG, JPEG, BMP, ...): its centred square is resized to the model's "
        "input (%dx%d). It becomes the image the sliders and the attack work on, and an input row of "
        "the invariance grid.",
        model_input_size(), model_input_size());
    ImGui::SetNextItemWidth(-1);
    const bool entered =
        ImGui::InputText("##image", m_image_input.data(), m_image_input.size(), ImGuiInputTextFlags_EnterReturnsTrue);
    if (entered || ImGui::Button("Open")) {
        try {
            open_image(std::filesystem::path(m_image_input.data()));
            ImGui::CloseCurrentPopup();
        } catch (const std::exception& error) {
            m_image_error = error.what();
        }
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    if (!m_image_error.empty()) ImGui::TextColored(ImVec4(0.9f, 0.3f, 0.3f, 1.0f), "%s", m_image_error.c_str());
    ImGui::EndPopup();
}

void GuiApp::handle_shortcuts() {
    if (ImGui::GetIO().WantTextInput) return;
    for (const int key : kKeys) {
        if (ImGui::IsKeyPressed(key)) press(key, ImGui::GetIO().KeyShift);
    }
}

void GuiApp::press(int key, bool shift) {
    if (key == GLFW_KEY_F11) return set_presentation(!m_view.presentation);
    if (key == GLFW_KEY_N) return m_semantic.step_image(+1);
    if (key == GLFW_KEY_P) return m_semantic.step_image(-1);
    if (key == GLFW_KEY_S) return m_invariances.resample();
    if (!m_view.presentation) {
        if (key == GLFW_KEY_R) m_samples.resample();
        if (key == GLFW_KEY_RIGHT) m_samples.step_seed(+1);
        if (key == GLFW_KEY_LEFT) m_samples.step_seed(-1);
        return;
    }
    // On stage: keys a presenter reaches without looking (a remote's page keys step through layers).
    const float step = shift ? 5 * kSliderStep : kSliderStep;
    switch (key) {
        case GLFW_KEY_ESCAPE:
            set_presentation(false);
            break;
        case GLFW_KEY_SPACE:
            m_invariances.resample();
            break;
        case GLFW_KEY_PAGE_DOWN:
        case GLFW_KEY_DOWN:
            m_invariances.step_layer(+1);
            break;
        case GLFW_KEY_PAGE_UP:
        case GLFW_KEY_UP:
            m_invariances.step_layer(-1);
            break;
        case GLFW_KEY_RIGHT:
            m_semantic.nudge_selected(+step);
            break;
        case GLFW_KEY_LEFT:
            m_semantic.nudge_selected(-step);
            break;
        case GLFW_KEY_0:
            m_semantic.reset_amounts();
            break;
        case GLFW_KEY_A:
            m_stage_shows_attack = !m_stage_shows_attack;
            break;
        default:
            if (key >= GLFW_KEY_1 && key <= GLFW_KEY_9) m_semantic.select_factor(static_cast<std::size_t>(key - GLFW_KEY_1));
    }
}

void GuiApp::draw_menu() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open workspace...", "Ctrl+O")) m_open_dialog = true;
        if (ImGui::MenuItem("Open image...", "Ctrl+I")) m_open_image_dialog = true;
        if (ImGui::MenuItem("New workspace from your model...")) m_new_workspace.open();
        m_invariances.draw_build_menu();
        if (ImGui::BeginMenu("Recent workspaces", !m_recent.list().empty())) {
            for (const auto& folder : m_recent.list()) {
                if (ImGui::MenuItem(folder.c_str())) open_workspace(folder);
            }
            ImGui::EndMenu();
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) m_quit = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        for (const OptionalWindow& window : optional_windows()) ImGui::MenuItem(window.menu_label, nullptr, window.shown);
        ImGui::Separator();
        if (ImGui::MenuItem("Presentation mode", "F11", m_view.presentation)) set_presentation(!m_view.presentation);
        if (ImGui::BeginMenu("Presentation monitor", !m_monitors.empty())) {
            for (std::size_t i = 0; i < m_monitors.size(); ++i) {
                const bool chosen = m_view.monitor.empty() ? i == 0 : m_view.monitor == m_monitors[i];
                if (ImGui::MenuItem(m_monitors[i].c_str(), nullptr, chosen) && !chosen) {
                    m_view.monitor = m_monitors[i];
                    m_view_changed = true;
                }
            }
            ImGui::EndMenu();
        }
        if (ImGui::BeginMenu("Presentation scale")) {
            if (ImGui::MenuItem("From the monitor's height", nullptr, m_view.scale == 0.0f)) {
                m_view.scale = 0.0f;
                m_view_changed = true;
            }
            for (const float scale : kPresentationScales) {
                const std::string label = std::to_string(static_cast<int>(scale * 100 + 0.5f)) + " %";
                if (ImGui::MenuItem(label.c_str(), nullptr, m_view.scale == scale)) {
                    m_view.scale = scale;
                    m_view_changed = true;
                }
            }
            ImGui::EndMenu();
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Device")) {
        const bool on_cuda = m_snapshot->device == "cuda";
        if (ImGui::MenuItem("CPU", nullptr, !on_cuda) && on_cuda) m_engine.post(SetDevice{"cpu"});
        if (ImGui::MenuItem("CUDA", nullptr, on_cuda, m_snapshot->cuda_available) && !on_cuda) m_engine.post(SetDevice{"cuda"});
        if (!m_snapshot->cuda_available) ImGui::TextDisabled("CUDA: not available in this build or on this machine");
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Debug")) {
        ImGui::MenuItem("ImGui demo window", nullptr, &m_show_imgui_demo);
        ImGui::MenuItem("ImGui metrics", nullptr, &m_show_metrics);
        ImGui::EndMenu();
    }
    if (m_view.presentation) {
        ImGui::TextDisabled("   PgUp/PgDn: layer   S: resample   1-9 and Left/Right: sliders   A: attack   F11/Esc: leave");
    } else {
        ImGui::TextDisabled(
            "   R: resample data   S: resample invariances   Left/Right: previous/next seed   N/P: next/previous image to edit   "
            "F11: presentation");
    }
    ImGui::EndMainMenuBar();
    if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Q)) m_quit = true;
    if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_O)) m_open_dialog = true;
    if (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_I)) m_open_image_dialog = true;
}

}  // namespace inv
