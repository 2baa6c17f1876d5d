#include "ui/sample_grid_panel.h"
#include "ui/ui_scale.h"

#include <imgui.h>

#include <algorithm>

namespace inv {
namespace {

const char* const kDatasetLabels[] = {"ColorMNIST", "ColorFashion"};
const char* const kSplitLabels[] = {"train", "test"};

}  // namespace

SampleGridPanel::SampleGridPanel(ShowSampleGrid initial, float zoom, Post post)
    : m_request(initial), m_post(std::move(post)), m_zoom(zoom) {}

void SampleGridPanel::start() {
    request();
}

void SampleGridPanel::request() {
    m_post(m_request);
}

void SampleGridPanel::resample() {
    ++m_request.sample_seed;
    request();
}

void SampleGridPanel::step_seed(int delta) {
    if (delta < 0 && m_request.sample_seed == 0) return;
    m_request.sample_seed += static_cast<std::uint64_t>(static_cast<std::int64_t>(delta));
    request();
}

void SampleGridPanel::draw(const char* title, const EngineSnapshot& snapshot) {
    m_figure.follow(snapshot.grid, [&](const SampleGrid& grid) { m_texture.upload(grid.image); });
    ImGui::SetNextWindowPos(ImVec2(10, 30), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(620, 440), ImGuiCond_FirstUseEver);
    if (!ImGui::Begin(title)) {
        ImGui::End();
        return;
    }
    draw_controls();
    ImGui::Separator();
    if (snapshot.grid && m_texture.valid()) {
        draw_grid(*snapshot.grid);
    } else if (snapshot.state == JobState::Failed) {
        ImGui::TextDisabled("No samples to show: the data set could not be loaded (see the log).");
    } else {
        ImGui::TextDisabled("Loading the data set...");
    }
    ImGui::End();
}

void SampleGridPanel::draw_controls() {
    bool changed = false;
    int dataset = static_cast<int>(m_request.dataset);
    ImGui::SetNextItemWidth(scaled(140));
    if (ImGui::Combo("Data set", &dataset, kDatasetLabels, IM_ARRAYSIZE(kDatasetLabels))) {
        m_request.dataset = static_cast<DatasetKind>(dataset);
        changed = true;
    }
    ImGui::SameLine();
    int split = static_cast<int>(m_request.split);
    ImGui::SetNextItemWidth(scaled(80));
    if (ImGui::Combo("Split", &split, kSplitLabels, IM_ARRAYSIZE(kSplitLabels))) {
        m_request.split = static_cast<Split>(split);
        changed = true;
    }
    ImGui::SameLine();
    const std::uint64_t step = 1;
    ImGui::SetNextItemWidth(scaled(140));
    changed |= ImGui::InputScalar("Seed", ImGuiDataType_U64, &m_request.sample_seed, &step);
    ImGui::SameLine();
    if (ImGui::Button("Resample (R)")) {
        ++m_request.sample_seed;
        changed = true;
    }

    ImGui::SetNextItemWidth(scaled(140));
    changed |= ImGui::SliderInt("Rows", &m_request.rows, 1, 16);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(scaled(140));
    changed |= ImGui::SliderInt("Columns", &m_request.columns, 1, 16);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(scaled(140));
    ImGui::SliderFloat("Zoom", &m_zoom, 1.0f, 12.0f, "%.1fx");
    ImGui::SameLine();
    ImGui::Checkbox("Pixel grid", &m_pixel_grid);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Lines between pixels from 6x zoom on.");
    if (m_request.split == Split::Train) {
        ImGui::SetNextItemWidth(scaled(140));
        changed |= ImGui::InputScalar("Colour seed", ImGuiDataType_U64, &m_request.colour_seed, &step);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Seed of the training split's colours; the test split is fixed.");
    }
    if (changed) request();
}

void SampleGridPanel::draw_grid(const SampleGrid& grid) {
    ImGui::TextDisabled(
        "%s: %d x %d samples, seed %llu. Hover a sample for its factors; click a test sample to edit and attack it.",
        grid.dataset_name.c_str(), grid.request.rows, grid.request.columns, static_cast<unsigned long long>(grid.request.seed));
    ImGui::BeginChild("grid", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    m_view.image(m_texture.imgui_id(), m_texture.width(), m_texture.height(), m_zoom, m_pixel_grid);
    if (ImGui::IsItemHovered()) {
        const ImVec2 mouse = ImGui::GetIO().MousePos;
        const int x = static_cast<int>((mouse.x - origin.x) / m_zoom);
        const int y = static_cast<int>((mouse.y - origin.y) / m_zoom);
        const auto hovered = std::find_if(grid.cells.begin(), grid.cells.end(),
                                          [&](const SampleGridCell& cell) { return cell.rect.contains(x, y); });
        if (hovered != grid.cells.end()) {
            draw_tooltip(grid, *hovered);
            // Test images are the examples the other panels work on: a click picks one.
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && grid.request.seed == m_request.sample_seed &&
                m_request.split == Split::Test) {
                m_picked = hovered->dataset_index;
            }
        }
    }
    ImGui::EndChild();
}

std::optional<std::size_t> SampleGridPanel::take_picked() {
    std::optional<std::size_t> picked = m_picked;
    m_picked.reset();
    return picked;
}

void SampleGridPanel::draw_tooltip(const SampleGrid& grid, const SampleGridCell& cell) const {
    ImGui::BeginTooltip();
    ImGui::Text("sample %zu of %s", cell.dataset_index, grid.dataset_name.c_str());
    for (std::size_t f = 0; f < grid.factors.size() && f < cell.factor_values.size(); ++f) {
        const FactorSpec& spec = grid.factors[f];
        const std::vector<float>& value = cell.factor_values[f];
        if (spec.kind == FactorKind::Colour && value.size() == 3) {
            ImGui::ColorButton(("##" + spec.name).c_str(), ImVec4(value[0], value[1], value[2], 1.0f),
                               ImGuiColorEditFlags_NoTooltip, ImVec2(14, 14));
            ImGui::SameLine();
        }
        ImGui::TextUnformatted(describe_factor(spec, value).c_str());
    }
    ImGui::EndTooltip();
}

}  // namespace inv
