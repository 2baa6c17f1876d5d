#include "ui/view_settings.h"

#include "core/workspace/atomic_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace inv {

ViewSettings load_view_settings(const std::filesystem::path& file) {
    ViewSettings settings;
    if (file.empty() || !std::filesystem::exists(file)) return settings;
    try {
        const nlohmann::json json = nlohmann::json::parse(read_file(file));
        settings.presentation = json.value("presentation", false);
        settings.monitor = json.value("monitor", std::string());
        const float scale = json.value("scale", 0.0f);
        // An out-of-range scale (edited by hand) falls back to the monitor's default.
        settings.scale = std::isfinite(scale) && scale >= 0.5f && scale <= 4.0f ? scale : 0.0f;
    } catch (const std::exception&) {
        settings = ViewSettings{};
    }
    return settings;
}

void save_view_settings(const std::filesystem::path& file, const ViewSettings& settings) {
    if (file.empty()) return;
    const nlohmann::json json{{"presentation", settings.presentation}, {"monitor", settings.monitor}, {"scale", settings.scale}};
    try {
        std::filesystem::create_directories(file.parent_path());
        write_file_atomically(file, json.dump(2) + "\n");
    } catch (const std::exception&) {}
}

float default_presentation_scale(int monitor_height) {
    // Rounded to a quarter so that the fonts are rasterised at a size that is stable across monitors
    // of nearly the same height.
    const float scale = std::round(static_cast<float>(monitor_height) / 720.0f * 4.0f) / 4.0f;
    return std::clamp(scale, 1.0f, 3.0f);
}

}  // namespace inv
