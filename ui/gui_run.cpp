#include "core/image/png_io.h"
#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"
#include "ui/gui_app.h"
#include "ui/gui_script.h"
#include "ui/main_window.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace inv {
namespace {

// Redraw often while the engine works (progress moves), rarely when idle (input wakes us anyway).
constexpr double kBusyFrameSeconds = 1.0 / 60.0;
constexpr double kIdleFrameSeconds = 0.25;
// Frames drawn between script steps once the engine is idle, so panels upload and lay out results.
constexpr int kSettleFrames = 2;

void save_window(const MainWindow& window, const std::filesystem::path& path) {
    write_png(path, window.read_back_buffer());
    std::fprintf(stderr, "saved screenshot %s\n", path.c_str());
}

// The UI thread's time per frame: building, rendering and presenting it (not waiting for events).
void write_frame_times(const std::filesystem::path& path, std::vector<double> ms) {
    nlohmann::json report{{"frames", ms.size()}, {"frame_ms", ms}};
    if (!ms.empty()) {
        std::vector<double> sorted = ms;
        std::sort(sorted.begin(), sorted.end());
        auto at = [&](double p) {
            return sorted[std::min(sorted.size() - 1,
                                   static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5))];
        };
        report["p50_ms"] = at(0.5);
        report["p99_ms"] = at(0.99);
        report["max_ms"] = sorted.back();
        std::fprintf(stderr, "frame times: %zu frames, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", sorted.size(), at(0.5), at(0.99),
                     sorted.back());
    }
    write_file_atomically(path, report.dump(1) + "\n");
}

// Presentation mode full screen with the UI scaled (by the monitor's height unless a scale is
// chosen), or the normal window.
void apply_view(MainWindow& window, const ViewSettings& view) {
    if (view.presentation) {
        const int height = window.show_full_screen(view.monitor);
        window.set_ui_scale(view.scale > 0.0f ? view.scale : default_presentation_scale(height));
    } else {
        window.show_windowed();
        window.set_ui_scale(1.0f);
    }
}

}  // namespace

int run_gui(const GuiOptions& options) {
    const std::vector<ScriptStep> script = options.script.empty() ? std::vector<ScriptStep>{} : read_gui_script(options.script);
    WindowOptions window_options;
    const bool headless = !options.screenshot.empty() || !options.script.empty();
    window_options.layout_file = headless ? std::filesystem::path() : options.layout_file;
    MainWindow window(window_options);
    std::fprintf(stderr, "OpenGL %s\n", window.gl_description().c_str());

    // Headless runs (tests, captures, benchmarks) print each job's end with the time since start.
    const auto launched = std::chrono::steady_clock::now();
    EngineConfig engine_config{options.data_root, {}};
    if (headless) {
        engine_config.listener = [launched](const EngineEvent& event) {
            if (event.kind == EventKind::Started || (event.kind == EventKind::Progress && event.message.empty())) return;
            const double at = std::chrono::duration<double>(std::chrono::steady_clock::now() - launched).count();
            std::fprintf(stderr, "[%6.2f s] %s\n", at, event.message.c_str());
        };
    }
    Engine engine(engine_config);
    GuiOptions app_options = options;
    if (headless) app_options.recent_file.clear();  // tests and captures leave the user's list alone
    // Tests and captures never read or write the user's remembered view; --presentation still applies.
    ViewSettings view = headless ? ViewSettings{} : load_view_settings(options.view_settings_file);
    if (options.presentation) view.presentation = true;
    GuiApp app(engine, app_options, view);
    app.set_monitors(window.monitor_names());
    app.start();

    std::vector<double> frame_ms;
    std::size_t next_step = 0;
    int settled_frames = 0;
    std::uint64_t errors_seen = 0;
    int exit_code = 0;
    while (!window.should_close()) {
        window.wait_events(headless ? 0.0 : (app.engine_busy() ? kBusyFrameSeconds : kIdleFrameSeconds));
        if (const std::optional<ViewSettings> change = app.take_view_change()) {
            apply_view(window, *change);
            if (!headless) save_view_settings(options.view_settings_file, *change);
        }
        const auto frame_start = std::chrono::steady_clock::now();
        window.begin_frame();
        if (!app.frame()) window.request_close();
        window.render();

        settled_frames = app.engine_busy() ? 0 : settled_frames + 1;
        if (!options.script.empty() && settled_frames > kSettleFrames) {
            const std::uint64_t errors = engine.snapshot()->error_count;
            if (errors != errors_seen) {
                std::fprintf(stderr, "engine error: %s\n", engine.snapshot()->last_error.c_str());
                errors_seen = errors;
                exit_code = 1;
            }
            if (next_step == script.size()) break;
            const ScriptStep& step = script[next_step++];
            settled_frames = 0;
            if (step.verb == "screenshot") {
                save_window(window, step.arguments[0]);
            } else {
                try {
                    std::fprintf(stderr, "step %d: %s\n", step.line, app.apply(step).c_str());
                } catch (const UserError& error) {
                    std::fprintf(stderr, "%s:%d: %s\n", options.script.c_str(), step.line, error.what());
                    exit_code = 1;
                    break;
                }
            }
        } else if (options.script.empty() && !options.screenshot.empty() && settled_frames >= options.screenshot_frames) {
            save_window(window, options.screenshot);
            break;
        }
        window.present();
        if (!options.frame_times.empty()) {
            frame_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count());
        }
    }
    engine.shutdown();
    if (!options.frame_times.empty()) write_frame_times(options.frame_times, frame_ms);
    return exit_code;
}

}  // namespace inv
