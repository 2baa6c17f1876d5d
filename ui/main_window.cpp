#include "ui/main_window.h"

#include "core/image/png_io.h"
#include "core/runtime/errors.h"

// glad first: GLFW would otherwise bring in the system's GL header, which glad refuses to follow.
#include <glad/gl.h>

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace inv {
namespace {

void report_glfw_error(int code, const char* description) {
    std::fprintf(stderr, "GLFW error %d: %s\n", code, description);
}

// Presentation mode's text: a vector font rasterised at the scaled size stays crisp on a projector,
// where the normal UI's 13-pixel bitmap font scaled up would be blurred. Debian's fonts-dejavu-core.
constexpr const char* kPresentationFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr float kPresentationFontPixels = 15.0f;  // at scale 1; DejaVu at 15 reads like Proggy at 13

GLFWmonitor* find_monitor(const std::string& name) {
    int count = 0;
    GLFWmonitor** monitors = glfwGetMonitors(&count);
    for (int i = 0; i < count; ++i) {
        const char* monitor_name = glfwGetMonitorName(monitors[i]);
        if (monitor_name && name == monitor_name) return monitors[i];
    }
    return glfwGetPrimaryMonitor();
}

}  // namespace

MainWindow::MainWindow(const WindowOptions& options) {
    glfwSetErrorCallback(report_glfw_error);
    if (!glfwInit()) {
        throw UserError(
            "cannot open a window: GLFW found no display. Run under a desktop session or "
            "Xvfb (xvfb-run -a invariances …), or use invariances-cli.");
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    m_window = glfwCreateWindow(options.width, options.height, options.title.c_str(), nullptr, nullptr);
    if (!m_window) {
        glfwTerminate();
        throw UserError("cannot create an OpenGL 3.3 core window; the display or its driver lacks it.");
    }
    set_icon();
    glfwMakeContextCurrent(m_window);
    glfwSwapInterval(1);
    if (gladLoadGL(glfwGetProcAddress) == 0) {
        glfwDestroyWindow(m_window);
        glfwTerminate();
        throw UserError("cannot load the OpenGL 3.3 functions of this display.");
    }

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    if (options.layout_file.empty()) {
        io.IniFilename = nullptr;
    } else {
        std::filesystem::create_directories(options.layout_file.parent_path());
        m_layout_file = options.layout_file.string();
        io.IniFilename = m_layout_file.c_str();
    }
    ImGui::StyleColorsDark();
    ImGui_ImplGlfw_InitForOpenGL(m_window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");
}

MainWindow::~MainWindow() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(m_window);
    glfwTerminate();
}

void MainWindow::set_icon() {
    // A missing icon (an installed binary without its assets) only costs the icon.
    const std::filesystem::path path = std::filesystem::path(INVARIANCES_ASSET_DIR) / "icon.png";
    if (!std::filesystem::exists(path)) return;
    RgbaImage icon = read_image_rgba(path);
    GLFWimage image{icon.width, icon.height, icon.pixels.data()};
    glfwSetWindowIcon(m_window, 1, &image);
}

bool MainWindow::should_close() const {
    return glfwWindowShouldClose(m_window) != 0;
}
void MainWindow::request_close() {
    glfwSetWindowShouldClose(m_window, GLFW_TRUE);
}

void MainWindow::wait_events(double timeout_seconds) {
    if (timeout_seconds <= 0.0) {
        glfwPollEvents();
    } else {
        glfwWaitEventsTimeout(timeout_seconds);
    }
}

void MainWindow::begin_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
}

void MainWindow::render() {
    ImGui::Render();
    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(m_window, &width, &height);
    glViewport(0, 0, width, height);
    glClearColor(0.10f, 0.10f, 0.12f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void MainWindow::present() {
    glfwSwapBuffers(m_window);
}

RgbaImage MainWindow::read_back_buffer() const {
    int width = 0;
    int height = 0;
    glfwGetFramebufferSize(m_window, &width, &height);
    RgbaImage bottom_up(width, height);
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, bottom_up.pixels.data());
    RgbaImage image(width, height);
    for (int y = 0; y < height; ++y) {
        std::copy_n(bottom_up.at(0, height - 1 - y), static_cast<std::size_t>(width) * 4, image.at(0, y));
    }
    for (std::size_t i = 3; i < image.pixels.size(); i += 4) image.pixels[i] = 255;
    return image;
}

std::vector<std::string> MainWindow::monitor_names() const {
    std::vector<std::string> names;
    int count = 0;
    GLFWmonitor** monitors = glfwGetMonitors(&count);
    for (int i = 0; i < count; ++i) {
        const char* name = glfwGetMonitorName(monitors[i]);
        names.emplace_back(name ? name : "monitor " + std::to_string(i + 1));
    }
    return names;
}

int MainWindow::show_full_screen(const std::string& monitor_name) {
    if (!m_full_screen) {
        glfwGetWindowPos(m_window, &m_windowed_x, &m_windowed_y);
        glfwGetWindowSize(m_window, &m_windowed_width, &m_windowed_height);
    }
    m_full_screen = true;
    GLFWmonitor* monitor = find_monitor(monitor_name);
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (mode) {
        glfwSetWindowMonitor(m_window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
        return mode->height;
    }
    glfwMaximizeWindow(m_window);
    int width = 0;
    int height = 0;
    glfwGetWindowSize(m_window, &width, &height);
    return height;
}

void MainWindow::show_windowed() {
    if (!m_full_screen) return;
    m_full_screen = false;
    if (glfwGetWindowMonitor(m_window)) {
        glfwSetWindowMonitor(m_window, nullptr, m_windowed_x, m_windowed_y, m_windowed_width, m_windowed_height, 0);
    } else {
        glfwRestoreWindow(m_window);
        glfwSetWindowSize(m_window, m_windowed_width, m_windowed_height);
    }
}

void MainWindow::set_ui_scale(float scale) {
    if (scale == m_ui_scale) return;
    m_ui_scale = scale;
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const bool vector_font = scale != 1.0f && std::filesystem::exists(kPresentationFont);
    if (vector_font) {
        io.Fonts->AddFontFromFileTTF(kPresentationFont, std::round(kPresentationFontPixels * scale));
    } else {
        // Without the vector font the built-in one is rasterised at the scaled size instead.
        ImFontConfig config;
        config.SizePixels = std::round(13.0f * scale);
        io.Fonts->AddFontDefault(&config);
    }
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    ImGuiStyle style;
    ImGui::StyleColorsDark(&style);
    style.ScaleAllSizes(scale);
    ImGui::GetStyle() = style;
}

std::string MainWindow::gl_description() const {
    const auto* version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
    const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    return std::string(version ? version : "?") + " on " + (renderer ? renderer : "?");
}

}  // namespace inv
