#pragma once

#include "core/rgba_image.h"

#include <filesystem>
#include <string>

struct GLFWwindow;

namespace inv {

struct WindowOptions {
    int width = 1280;
    int height = 800;
    std::string title = "Invariances";
    // Where ImGui keeps the window layout; empty: do not persist it (screenshots, tests).
    std::filesystem::path layout_file;
};

// The GLFW window with its GL 3.3 core context, glad and ImGui set up; one per process, used on
// the main thread only.
class MainWindow {
public:
    explicit MainWindow(const WindowOptions& options);
    ~MainWindow();
    MainWindow(const MainWindow&) = delete;
    MainWindow& operator=(const MainWindow&) = delete;

    bool should_close() const;
    void request_close();
    // Waits for input, at most `timeout_seconds`; 0 only polls.
    void wait_events(double timeout_seconds);
    void begin_frame();
    // Renders ImGui into the back buffer (not yet shown).
    void render();
    void present();
    // The back buffer as it will be shown, top row first: call between render() and present().
    RgbaImage read_back_buffer() const;
    std::string gl_description() const;

private:
    void set_icon();

    GLFWwindow* m_window = nullptr;
    std::string m_layout_file;  // ImGui keeps a pointer to it
};

}  // namespace inv
