#pragma once

#include <filesystem>
#include <string>

namespace inv {

// How the window is shown, remembered between runs in a small JSON file in the per-user config
// folder (next to the window layout). Presentation mode: full screen on a chosen monitor, the whole
// UI scaled for a projector, the z-by-v grid and the edited image large.
struct ViewSettings {
    bool presentation = false;
    std::string monitor;  // its name as the system reports it; empty: the primary monitor
    float scale = 0.0f;   // of the UI in presentation mode; 0: from the monitor's height
};

// The settings kept in `file`; a missing or damaged file gives the defaults (losing them must never
// stop the application).
ViewSettings load_view_settings(const std::filesystem::path& file);
// Writes atomically; a failure costs only the remembered settings and is not reported.
void save_view_settings(const std::filesystem::path& file, const ViewSettings& settings);

// The presentation scale a monitor of this height in pixels gets by default: text about as large
// on a 1080-line projector as the normal UI's on a 720-line laptop screen, at least 1.
float default_presentation_scale(int monitor_height);
// The scales the View menu offers.
inline constexpr float kPresentationScales[] = {1.0f, 1.25f, 1.5f, 2.0f, 2.5f, 3.0f};

}  // namespace inv
