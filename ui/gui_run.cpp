#include "core/png_io.h"
#include "ui/gui_app.h"
#include "ui/main_window.h"

#include <cstdio>

namespace inv {
namespace {

// Redraw often while the engine works (progress moves), rarely when idle (input wakes us anyway).
constexpr double kBusyFrameSeconds = 1.0 / 60.0;
constexpr double kIdleFrameSeconds = 0.25;

}  // namespace

int run_gui(const GuiOptions& options) {
    WindowOptions window_options;
    window_options.layout_file = options.screenshot.empty() ? options.layout_file : std::filesystem::path();
    MainWindow window(window_options);
    std::fprintf(stderr, "OpenGL %s\n", window.gl_description().c_str());

    Engine engine(EngineConfig{options.data_root, {}});
    GuiApp app(engine, options);
    app.start();

    const bool capturing = !options.screenshot.empty();
    int frames_after_startup = 0;
    while (!window.should_close()) {
        window.wait_events(capturing ? 0.0 : (app.engine_busy() ? kBusyFrameSeconds : kIdleFrameSeconds));
        window.begin_frame();
        if (!app.frame()) window.request_close();
        window.render();
        if (capturing && !app.engine_busy() && ++frames_after_startup >= options.screenshot_frames) {
            write_png(options.screenshot, window.read_back_buffer());
            std::fprintf(stderr, "saved screenshot %s\n", options.screenshot.c_str());
            break;
        }
        window.present();
    }
    engine.shutdown();
    return 0;
}

}  // namespace inv
