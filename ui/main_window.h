#pragma once

#include "core/image/rgba_image.h"

#include <filesystem>
#include <string>
#include <vector>

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

    // The monitors' names as the system reports them, the primary first; empty when it reports none
    // (some virtual displays).
    std::vector<std::string> monitor_names() const;
    // Full screen at the native mode of the monitor named `monitor` (the primary one when empty or
    // unknown); without monitors the window fills the screen instead. Returns the screen's height.
    int show_full_screen(const std::string& monitor);
    // Back to the window's place and size before full screen.
    void show_windowed();
    // Rebuilds the fonts and the style for the UI at `scale` (1: the normal UI). Call between frames.
    void set_ui_scale(float scale);

private:
    void set_icon();

    GLFWwindow* m_window = nullptr;
    std::string m_layout_file;  // ImGui keeps a pointer to it
    bool m_full_screen = false;
    int m_windowed_x = 0, m_windowed_y = 0, m_windowed_width = 0, m_windowed_height = 0;
    float m_ui_scale = 1.0f;
};

}  // namespace inv
