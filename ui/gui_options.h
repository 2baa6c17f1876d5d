#pragma once

#include "core/engine/commands.h"
#include "ui/view_settings.h"

#include <filesystem>
#include <string>
#include <vector>

namespace inv {

struct GuiOptions {
    std::filesystem::path data_root;
    ShowSampleGrid initial_grid;
    float zoom = 2.0f;                // screen pixels per image pixel in the sample grid
    std::filesystem::path workspace;  // empty: none open
    // Headless capture: once the start-up work is done, render `screenshot_frames` frames, save the
    // window to this PNG and exit.
    std::filesystem::path screenshot;
    int screenshot_frames = 3;
    std::filesystem::path script;          // a scripted session (ui/gui_script.h); the window closes at its end
    std::filesystem::path frame_times;     // write the UI thread's frame times (ms) and their percentiles here
    std::vector<std::string> open_panels;  // "log", "mixing", "analysis": opened at start
    std::filesystem::path layout_file;     // empty: do not persist the window layout
    std::filesystem::path recent_file;     // the list of recently opened workspaces; empty: none kept
    std::string device = "auto";           // cpu, cuda or auto (CUDA where available); Device menu changes it
    // Presentation mode and its monitor and scale, remembered in this file between runs; empty: not kept.
    std::filesystem::path view_settings_file;
    bool presentation = false;  // --presentation: start in presentation mode whatever the file says
};

// Runs the application until its window closes; returns the process exit code.
int run_gui(const GuiOptions& options);

}  // namespace inv
