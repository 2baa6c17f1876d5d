#include "ui/widgets.h"

#include "ui/ui_scale.h"

#include <imgui.h>

#include <algorithm>

namespace inv {

bool layer_combo(const char* label, int* index, const std::vector<std::string>& layers) {
    std::vector<const char*> names;
    for (const std::string& layer : layers) names.push_back(layer.c_str());
    *index = std::clamp(*index, 0, std::max(0, static_cast<int>(names.size()) - 1));
    ImGui::SetNextItemWidth(scaled(120));
    return ImGui::Combo(label, index, names.data(), static_cast<int>(names.size()));
}

bool image_index_input(const char* label, std::size_t* index, std::size_t test_size) {
    int value = static_cast<int>(*index);
    ImGui::SetNextItemWidth(scaled(110));
    if (!ImGui::InputInt(label, &value)) return false;
    const int last = static_cast<int>(std::max<std::size_t>(test_size, 1)) - 1;
    *index = static_cast<std::size_t>(std::clamp(value, 0, last));
    return true;
}

bool draw_job_progress(const EngineSnapshot& snapshot, JobKind kind, const char* note) {
    if (snapshot.state != JobState::Running || snapshot.job_kind != kind) return false;
    ImGui::ProgressBar(snapshot.progress, ImVec2(-1, 0));
    ImGui::TextWrapped("%s%s", snapshot.job.c_str(), note);
    return true;
}

}  // namespace inv
