#include "ui/invariance_panel.h"
#include "ui/ui_scale.h"

#include "core/data/data_paths.h"
#include "core/data/dataset_catalog.h"
#include "core/image/png_io.h"
#include "core/runtime/errors.h"
#include "core/workspace/demo_pipeline.h"
#include "core/workspace/model_names.h"
#include "core/workspace/shipped_demo.h"
#include "core/workspace/workspace.h"
#include "ui/figure_export.h"
#include "ui/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cfloat>

namespace inv {
namespace {

// Where File > Build a demo workspace puts a budget's demo: beside the default demo workspace.
std::filesystem::path built_demo_folder(const std::filesystem::path& demo_workspace, const std::string& budget) {
    return demo_workspace.parent_path() / ("demo-" + budget);
}

// Input first, the classifier's outputs last, the stages between in name order: close to the
// network's order without building the network on the UI thread.
int layer_rank(const std::string& name) {
    if (name == "input") return 0;
    if (name == "logits") return 2;
    if (name == "softmax") return 3;
    return 1;
}

}  // namespace

// The loss of the model being trained, as it comes, and what its latest checkpoint produces.
void InvariancePanel::draw_training(const EngineSnapshot& snapshot) {
    if (snapshot.training_loss.size() >= 2) {
        const std::string label =
            snapshot.training_model + " loss (every " + std::to_string(snapshot.training_loss_stride) + " steps)";
        ImGui::PlotLines("##loss", snapshot.training_loss.data(), static_cast<int>(snapshot.training_loss.size()), 0,
                         label.c_str(), FLT_MAX, FLT_MAX, ImVec2(-1, 90));
    }
    if (!snapshot.training_preview) return;
    m_preview_figure.follow(snapshot.training_preview, [&](const RgbaImage& picture) { m_preview_texture.upload(picture); });
    ImGui::TextDisabled("%s:", snapshot.training_preview_caption.c_str());
    m_preview_view.image(m_preview_texture.imgui_id(), m_preview_texture.width(), m_preview_texture.height(), 2.0f, false);
}

InvariancePanel::InvariancePanel(std::filesystem::path workspace, const std::filesystem::path& data_root, Post post)
    : m_workspace(std::move(workspace)), m_demo_workspace(default_demo_workspace(data_root)), m_post(std::move(post)) {
    if (m_workspace.empty()) {
        m_offer_demo = true;
        const std::filesystem::path shipped = std::filesystem::path(INVARIANCES_ASSET_DIR) / "demo-workspace";
        if (std::filesystem::exists(m_demo_workspace / kManifestFileName)) {
            m_workspace = m_demo_workspace;
        } else if (std::filesystem::exists(shipped / kManifestFileName)) {
            // The shipped files are never written: the GUI works on a copy the user may train further.
            try {
                copy_shipped_workspace(shipped, m_demo_workspace);
                m_workspace = m_demo_workspace;
                m_notice = "The shipped demo workspace (" + shipped.string() + ") was copied to " + m_demo_workspace.string() +
                           " for you to explore and train further; the shipped files stay as they are.";
            } catch (const UserError& error) {
                m_notice = error.what();
            }
        } else {
            // Demo workspaces built from the File menu, the best recipe first.
            for (const char* budget : {"full", "quick", "tiny"}) {
                const std::filesystem::path built = built_demo_folder(m_demo_workspace, budget);
                if (std::filesystem::exists(built / kManifestFileName)) {
                    m_workspace = built;
                    break;
                }
            }
        }
    }
    load_layers();
}

void InvariancePanel::load_layers() {
    m_layers.clear();
    m_problem.clear();
    m_has_classifier = m_has_autoencoder = m_has_factors = false;
    m_request.workspace = m_workspace;
    if (m_workspace.empty()) {
        m_problem = "No workspace open. Build the demo workspace below, or start with --workspace DIR.";
        return;
    }
    m_steps.clear();
    try {
        const Workspace workspace = Workspace::open(m_workspace);
        for (const auto& [name, model] : workspace.manifest().models) {
            const std::optional<CinnModelName> t_name = parse_cinn_model_name(name);
            if (!t_name || model.checkpoints.empty()) continue;
            if (!t_name->classifier_step)
                m_layers.push_back(t_name->layer);
            else
                m_steps[t_name->layer].push_back(*t_name->classifier_step);
        }
        const auto classifier = workspace.manifest().models.find("classifier");
        const auto trained = [&](const char* name) {
            const auto found = workspace.manifest().models.find(name);
            return found != workspace.manifest().models.end() && !found->second.checkpoints.empty();
        };
        m_has_autoencoder = trained("autoencoder");
        m_has_factors = trained("factors");
        m_has_classifier = classifier != workspace.manifest().models.end() && !classifier->second.checkpoints.empty();
        for (auto& [layer, steps] : m_steps) {
            std::sort(steps.begin(), steps.end());
            if (classifier != workspace.manifest().models.end() && !classifier->second.checkpoints.empty()) {
                steps.push_back(classifier->second.checkpoints.back().step);
            }
        }
    } catch (const std::exception& error) {
        m_problem = error.what();
        return;
    }
    std::stable_sort(m_layers.begin(), m_layers.end(),
                     [](const std::string& a, const std::string& b) { return layer_rank(a) < layer_rank(b); });
    // A workspace with a classifier but no t yet (a user's model just adopted) lists its layers to
    // train; without a classifier there is nothing to describe.
    if (m_layers.empty() && !m_has_classifier) {
        m_problem =
            "The workspace has no classifier yet: run invariances-cli train classifier (or make the workspace from your "
            "own model: File > New workspace from your model).";
    }
    const auto deep = std::find(m_layers.begin(), m_layers.end(), "fire7");
    m_layer = deep == m_layers.end() ? 0 : static_cast<int>(deep - m_layers.begin());
}

void InvariancePanel::open(const std::filesystem::path& workspace) {
    m_workspace = workspace;
    m_offer_demo = false;
    m_layer = 0;
    m_step_index = -1;
    m_untrained.clear();
    m_labels.clear();
    m_layers_version = 0;
    load_layers();
    start();
}

void InvariancePanel::start() {
    if (!m_problem.empty()) return;
    request();
    m_post(DescribeWorkspace{m_workspace});
}

// The engine describes every layer of the classifier (with the shape of z); those without t are
// listed after the trained ones and can be trained from here.
void InvariancePanel::sync_layers(const EngineSnapshot& snapshot) {
    if (snapshot.trained_version != m_trained_version) {
        m_trained_version = snapshot.trained_version;
        const std::string current = m_layer < static_cast<int>(m_labels.size()) && m_layer >= static_cast<int>(m_layers.size())
                                        ? m_untrained.at(static_cast<std::size_t>(m_layer) - m_layers.size())
                                        : std::string();
        load_layers();
        m_layers_version = 0;  // relabel below
        const auto found = std::find(m_layers.begin(), m_layers.end(), current);
        if (found != m_layers.end()) m_layer = static_cast<int>(found - m_layers.begin());
        if (!m_layers.empty()) request();
    }
    if (snapshot.layers_version == m_layers_version || snapshot.layers_workspace != m_workspace) return;
    m_layers_version = snapshot.layers_version;
    m_untrained.clear();
    m_labels.clear();
    std::vector<std::string> ordered;
    for (const LayerInfo& layer : snapshot.layers) {
        if (std::find(m_layers.begin(), m_layers.end(), layer.name) != m_layers.end())
            ordered.push_back(layer.name);
        else
            m_untrained.push_back(layer.name);
    }
    const std::string selected = m_layer < static_cast<int>(m_layers.size()) ? m_layers[static_cast<std::size_t>(m_layer)] : "";
    if (ordered.size() == m_layers.size()) m_layers = ordered;  // the network's order
    const auto found = std::find(m_layers.begin(), m_layers.end(), selected);
    if (found != m_layers.end()) m_layer = static_cast<int>(found - m_layers.begin());
    auto shape_of = [&](const std::string& name) {
        for (const LayerInfo& layer : snapshot.layers) {
            if (layer.name == name) return describe(layer);
        }
        return name;
    };
    for (const std::string& name : m_layers) m_labels.push_back(shape_of(name));
    for (const std::string& name : m_untrained) m_labels.push_back("(no t) " + shape_of(name));
}

void InvariancePanel::request() {
    if (m_layer >= static_cast<int>(m_layers.size())) return;  // a layer without t: nothing to sample
    m_request.layer = m_layers.at(static_cast<std::size_t>(m_layer));
    const auto steps = m_steps.find(m_request.layer);
    m_request.classifier_step =
        steps != m_steps.end() && m_step_index >= 0 && m_step_index + 1 < static_cast<int>(steps->second.size())
            ? steps->second[static_cast<std::size_t>(m_step_index)]
            : -1;
    m_post(m_request);
}

void InvariancePanel::set_inputs_from(const std::string& domain) {
    if (domain != "own" && !parse_dataset_kind(domain))
        throw UserError("inputs come from own, colormnist or colorfashion; not '" + domain + "'.");
    m_request.inputs_from = domain == "own" ? std::string() : domain;
    request();
}

void InvariancePanel::resample() {
    if (m_layers.empty()) return;
    ++m_request.seed;
    request();
}

void InvariancePanel::set_layer(const std::string& layer) {
    const auto untrained = std::find(m_untrained.begin(), m_untrained.end(), layer);
    if (untrained != m_untrained.end()) {
        m_layer = static_cast<int>(m_layers.size() + static_cast<std::size_t>(untrained - m_untrained.begin()));
        return;
    }
    const auto found = std::find(m_layers.begin(), m_layers.end(), layer);
    if (found == m_layers.end()) {
        throw UserError("layer '" + layer + "' has no trained t in this workspace; these do: " + joined(m_layers) + ".");
    }
    m_layer = static_cast<int>(found - m_layers.begin());
    request();
}

void InvariancePanel::step_layer(int delta) {
    if (m_layers.empty()) return;
    const int count = static_cast<int>(m_layers.size());
    // From a layer without t the keys go back among the trained ones.
    const int from = std::min(m_layer, count - 1);
    m_layer = ((from + delta) % count + count) % count;
    request();
}

void InvariancePanel::set_inputs(int inputs) {
    m_request.inputs = std::clamp(inputs, 1, 12);
    request();
}

void InvariancePanel::set_samples(int samples) {
    m_request.samples = std::clamp(samples, 2, 20);
    request();
}

void InvariancePanel::set_seed(std::uint64_t seed) {
    m_request.seed = seed;
    request();
}

void InvariancePanel::set_checkpoint(std::int64_t step) {
    const std::string layer = m_layer < static_cast<int>(m_layers.size()) ? m_layers[static_cast<std::size_t>(m_layer)] : "";
    const auto steps = m_steps.find(layer);
    std::string known;
    if (steps != m_steps.end()) {
        for (std::size_t i = 0; i < steps->second.size(); ++i) {
            if (steps->second[i] == step) {
                m_step_index = i + 1 == steps->second.size() ? -1 : static_cast<int>(i);
                request();
                return;
            }
            known += (known.empty() ? "" : ", ") + std::to_string(steps->second[i]);
        }
    }
    throw UserError("layer " + layer + " has no t for classifier step " + std::to_string(step) +
                    (known.empty() ? "; it has one for the last checkpoint only." : "; it has them for steps " + known + "."));
}

void InvariancePanel::pin(const NamedImage& image) {
    constexpr std::size_t kMostPinned = 12;
    if (m_request.extra_inputs.size() >= kMostPinned) m_request.extra_inputs.erase(m_request.extra_inputs.begin());
    m_request.extra_inputs.push_back(image);
    if (!m_layers.empty()) request();
}

void InvariancePanel::pin_sample(int row, int column) {
    if (!m_shown || row < 0 || column < 0 || row >= static_cast<int>(m_shown->sample_predictions.size()) ||
        column >= static_cast<int>(m_shown->sample_predictions[static_cast<std::size_t>(row)].size())) {
        throw UserError("there is no sample at row " + std::to_string(row) + ", column " + std::to_string(column) +
                        " of the grid shown.");
    }
    const std::size_t columns = m_shown->sample_predictions[static_cast<std::size_t>(row)].size();
    const RgbaImage& image =
        m_shown->sample_images.at(static_cast<std::size_t>(row) * columns + static_cast<std::size_t>(column));
    const std::filesystem::path file = m_workspace / "exports" / "pinned" /
                                       (m_shown->provenance.value("layer", std::string("layer")) + "-seed" +
                                        std::to_string(m_shown->provenance.value("seed", 0ull)) + "-row" + std::to_string(row) +
                                        "-sample" + std::to_string(column) + ".png");
    std::filesystem::create_directories(file.parent_path());
    write_png(file, image);
    pin({image, file.string()});
}

void InvariancePanel::draw_pinned() {
    if (m_request.extra_inputs.empty()) {
        ImGui::TextDisabled("Click a sample to make it an input row; File > Open image adds your own.");
        return;
    }
    ImGui::TextUnformatted("Your rows:");
    for (std::size_t i = 0; i < m_request.extra_inputs.size(); ++i) {
        ImGui::SameLine();
        const std::string label =
            std::filesystem::path(m_request.extra_inputs[i].name).filename().string() + " x##pinned" + std::to_string(i);
        if (ImGui::SmallButton(label.c_str())) {
            m_request.extra_inputs.erase(m_request.extra_inputs.begin() + static_cast<std::ptrdiff_t>(i));
            request();
            break;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s (click to remove)", m_request.extra_inputs[i].name.c_str());
    }
}

void InvariancePanel::train_selected_layer() {
    if (m_layer < static_cast<int>(m_layers.size())) throw UserError("the selected layer already has a trained t.");
    m_post(TrainLayer{m_workspace, m_untrained.at(static_cast<std::size_t>(m_layer) - m_layers.size())});
}

std::string InvariancePanel::export_view(const EngineSnapshot& snapshot) {
    if (!snapshot.invariances) return "nothing to export yet";
    m_export_message = export_figure(m_workspace / "exports", "sample-" + snapshot.invariances_layer,
                                     snapshot.invariances->figure, to_json(*snapshot.invariances));
    return m_export_message;
}

void InvariancePanel::draw(const char* title, const EngineSnapshot& snapshot) {
    if (m_figure.follow(snapshot.invariances, [&](const InvarianceSamples& samples) { m_texture.upload(samples.figure); })) {
        m_shown = snapshot.invariances.value;
    }
    if (!m_window.on_stage() && m_inputs_off_stage >= 0) {
        m_request.inputs = m_inputs_off_stage;
        m_inputs_off_stage = -1;
        request();
    }
    if (!m_window.begin(title)) {
        ImGui::End();
        return;
    }
    sync_layers(snapshot);
    if (snapshot.prepared_version != m_prepared_version) {
        m_prepared_version = snapshot.prepared_version;
        m_workspace = snapshot.prepared_workspace;
        load_layers();
        start();
    }
    if (!m_notice.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        ImGui::TextDisabled("%s", m_notice.c_str());
        ImGui::PopTextWrapPos();
        if (ImGui::SmallButton("Dismiss")) m_notice.clear();
    }
    if (!m_problem.empty()) {
        ImGui::TextWrapped("%s", m_problem.c_str());
        if (m_offer_demo) draw_build_offer(snapshot);
    } else {
        if (m_window.on_stage()) {
            draw_stage_controls();
        } else {
            draw_controls();
        }
        ImGui::Separator();
        if (m_layer >= static_cast<int>(m_layers.size() + m_untrained.size())) {
            ImGui::TextDisabled("Reading the classifier's layers...");
        } else if (m_layer >= static_cast<int>(m_layers.size())) {
            draw_untrained(m_untrained.at(static_cast<std::size_t>(m_layer) - m_layers.size()), snapshot);
        } else if (snapshot.invariances && m_texture.valid()) {
            draw_figure(*snapshot.invariances);
        } else {
            ImGui::TextDisabled("Sampling...");
        }
    }
    ImGui::End();
}

void InvariancePanel::build_demo(const std::string& budget) {
    m_demo_workspace = built_demo_folder(m_demo_workspace, budget);
    m_post(PrepareDemo{m_demo_workspace, budget});
}

void InvariancePanel::draw_build_menu() {
    if (!ImGui::BeginMenu("Build a demo workspace")) return;
    ImGui::TextDisabled("In %s/demo-<budget>; the GUI keeps a core for itself, so `invariances-cli demo prepare` is faster.",
                        m_demo_workspace.parent_path().c_str());
    for (const std::string& name : demo_budget_names()) {
        const std::string label = name + " (" + demo_budget_duration(parse_demo_budget(name)) + ")";
        if (ImGui::MenuItem(label.c_str())) build_demo(name);
    }
    ImGui::EndMenu();
}

void InvariancePanel::draw_build_offer(const EngineSnapshot& snapshot) {
    ImGui::Spacing();
    ImGui::TextWrapped(
        "The demo workspace trains a ColorMNIST classifier with its checkpoints, an autoencoder, t for "
        "five layers and e, in %s. It can be cancelled (status bar) and resumed.",
        m_demo_workspace.c_str());
    const bool busy = snapshot.state == JobState::Running;
    ImGui::BeginDisabled(busy);
    if (ImGui::Button(
            "Build the demo workspace, quick recipe (10 to 15 minutes on 2 cores from the command line, longer here)")) {
        build_demo("quick");
    }
    if (ImGui::Button("Build a tiny one instead (about a minute, rough results)")) build_demo("tiny");
    ImGui::EndDisabled();
    if (draw_job_progress(snapshot, JobKind::DemoWorkspace)) draw_training(snapshot);
}

void InvariancePanel::draw_untrained(const std::string& layer, const EngineSnapshot& snapshot) {
    ImGui::TextWrapped("Layer %s has no trained t yet, so its invariances cannot be sampled.", layer.c_str());
    if (!m_has_autoencoder) {
        ImGui::TextWrapped(
            "The workspace has no autoencoder yet either: training t trains it first, once for every layer "
            "(minutes on this machine; the command line does the same with train autoencoder).");
    }
    const bool busy = snapshot.state == JobState::Running;
    ImGui::BeginDisabled(busy);
    if (ImGui::Button(("Train t for " + layer).c_str())) m_post(TrainLayer{m_workspace, layer});
    ImGui::EndDisabled();
    if (draw_job_progress(snapshot, JobKind::TrainLayer, kResumableNote)) draw_training(snapshot);
}

void InvariancePanel::draw_controls() {
    bool changed = false;
    std::vector<const char*> names;
    if (m_labels.size() == m_layers.size() + m_untrained.size() && !m_labels.empty()) {
        for (const std::string& label : m_labels) names.push_back(label.c_str());
    } else {
        for (const std::string& layer : m_layers) names.push_back(layer.c_str());
    }
    ImGui::SetNextItemWidth(scaled(220));
    const int before = m_layer;
    ImGui::Combo("Layer", &m_layer, names.data(), static_cast<int>(names.size()));
    changed |= m_layer != before && m_layer < static_cast<int>(m_layers.size());
    ImGui::SameLine();
    if (ImGui::Button("Resample (S)")) {
        ++m_request.seed;
        changed = true;
    }
    ImGui::SetNextItemWidth(scaled(120));
    changed |= ImGui::SliderInt("Inputs", &m_request.inputs, 1, 12);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(scaled(120));
    changed |= ImGui::SliderInt("Samples", &m_request.samples, 2, 20);
    const std::uint64_t step = 1;
    ImGui::SetNextItemWidth(scaled(120));
    changed |= ImGui::InputScalar("Seed", ImGuiDataType_U64, &m_request.seed, &step);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(scaled(120));
    changed |= ImGui::SliderFloat("Temperature", &m_request.temperature, 0.0f, 2.0f, "%.2f");
    ImGui::SetNextItemWidth(scaled(120));
    ImGui::SliderFloat("Zoom##invariances", &m_zoom, 1.0f, 8.0f, "%.1fx");
    // Domain shift: the same networks shown images of the other built-in domain.
    ImGui::SameLine();
    const char* domains[] = {"own", "colormnist", "colorfashion"};
    int domain = m_request.inputs_from.empty() ? 0 : (m_request.inputs_from == "colormnist" ? 1 : 2);
    ImGui::SetNextItemWidth(scaled(130));
    if (ImGui::Combo("Inputs from", &domain, domains, 3)) {
        m_request.inputs_from = domain == 0 ? std::string() : domains[domain];
        changed = true;
    }
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Domain shift: test images of another data set through this classifier. Whether the autoencoder "
            "can draw them at all: invariances-cli analyze domain-shift measures it.");
    }
    // Scrubbing the classifier's training: only where t was trained for its checkpoints.
    const std::string layer = m_layer < static_cast<int>(m_layers.size()) ? m_layers[static_cast<std::size_t>(m_layer)] : "";
    const auto steps = m_steps.find(layer);
    if (steps != m_steps.end() && steps->second.size() > 1) {
        const int last = static_cast<int>(steps->second.size()) - 1;
        int index = m_step_index < 0 ? last : std::min(m_step_index, last);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(scaled(200));
        const std::string label = "step " + std::to_string(steps->second[static_cast<std::size_t>(index)]);
        if (ImGui::SliderInt("Classifier checkpoint", &index, 0, last, label.c_str())) {
            m_step_index = index == last ? -1 : index;
            changed = true;
        }
    } else {
        m_step_index = -1;
    }
    if (changed) request();
}

void InvariancePanel::draw_stage_controls() {
    int layer = m_layer;
    if (layer_combo("Layer", &layer, m_layers) && layer != m_layer) {
        m_layer = layer;
        request();
    }
    ImGui::SameLine();
    if (ImGui::Button("Resample")) resample();  // the keys are listed in the menu bar
}

void InvariancePanel::fill_stage_with_rows(const InvarianceSamples& samples, float width, float height) {
    // As many input rows as fill the panel at the zoom that fits the grid's width (a tall panel would
    // otherwise show a small grid over empty space); the normal window gets its own number back.
    const int rows = static_cast<int>(samples.input_predictions.size());
    if (rows != m_request.inputs || rows == 0 || m_texture.width() <= 0)
        return;  // the grid on screen is not the one asked for yet
    // A row's screen height at the zoom that fits the grid's width. Rows are added only with 5 % to
    // spare and removed only when 5 % short, so that a panel near the border between two counts (or
    // one still being resized into full screen) does not flip between them.
    const float row_height =
        width / static_cast<float>(m_texture.width()) * static_cast<float>(m_texture.height()) / static_cast<float>(rows);
    int wanted = rows;
    if (0.95f * height / row_height >= static_cast<float>(rows + 1))
        wanted = static_cast<int>(0.95f * height / row_height);
    else if (1.05f * height / row_height < static_cast<float>(rows))
        wanted = static_cast<int>(1.05f * height / row_height);
    wanted = std::clamp(wanted, 1, kMostStageRows);
    if (wanted == m_request.inputs) return;
    if (m_inputs_off_stage < 0) m_inputs_off_stage = m_request.inputs;
    m_request.inputs = wanted;
    request();
}

void InvariancePanel::draw_figure(const InvarianceSamples& samples) {
    if (m_window.on_stage()) {
        // On stage: the grid alone, as large as the panel allows, with one line saying what it shows.
        ImGui::TextWrapped(
            "Inputs x (left) and samples D(t^-1(v | z)) that %s cannot tell from them; each column "
            "shares one v.",
            m_request.layer.c_str());
        ImGui::BeginChild("figure", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
        const ImVec2 room = ImGui::GetContentRegionAvail();
        fill_stage_with_rows(samples, room.x, room.y);
        const float zoom = fit_zoom(room.x, room.y, m_texture.width(), m_texture.height());
        const float left = std::max(0.0f, (room.x - zoom * static_cast<float>(m_texture.width())) / 2);
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + left);
        m_view.image(m_texture.imgui_id(), m_texture.width(), m_texture.height(), zoom, true);
        ImGui::EndChild();
        return;
    }
    if (ImGui::Button("Export PNG + JSON##invariances")) {
        m_export_message = export_figure(m_workspace / "exports", "sample-" + m_request.layer, samples.figure, to_json(samples));
    }
    if (!m_export_message.empty()) {
        ImGui::SameLine();
        ImGui::TextWrapped("%s", m_export_message.c_str());
    }
    ImGui::TextWrapped(
        "Rows: inputs x (first column) and samples D(t^-1(v | z)); each column shares one v. "
        "cos(Phi(x_bar), z) = %.3f +- %.3f; random pairs of inputs: %.3f +- %.3f.",
        samples.reencoded_cosine.mean, samples.reencoded_cosine.std, samples.random_pair_cosine.mean,
        samples.random_pair_cosine.std);
    draw_pinned();
    ImGui::BeginChild("figure", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    m_view.image(m_texture.imgui_id(), m_texture.width(), m_texture.height(), m_zoom, true);
    if (ImGui::IsItemHovered() && !samples.sample_predictions.empty()) {
        const ImVec2 mouse = ImGui::GetIO().MousePos;
        const int x = static_cast<int>((mouse.x - origin.x) / m_zoom);
        const int y = static_cast<int>((mouse.y - origin.y) / m_zoom);
        const auto hovered =
            std::find_if(samples.cells.begin(), samples.cells.end(), [&](const PixelRect& r) { return r.contains(x, y); });
        const int per_row = static_cast<int>(samples.sample_predictions.front().size()) + 1;
        if (hovered != samples.cells.end()) {
            const int cell = static_cast<int>(hovered - samples.cells.begin());
            const int row = cell / per_row;
            const int column = cell % per_row - 1;  // -1: the input
            const int predicted =
                column < 0 ? samples.input_predictions.at(static_cast<std::size_t>(row))
                           : samples.sample_predictions.at(static_cast<std::size_t>(row)).at(static_cast<std::size_t>(column));
            const std::string name = predicted >= 0 && predicted < static_cast<int>(samples.class_names.size())
                                         ? samples.class_names[static_cast<std::size_t>(predicted)]
                                         : std::to_string(predicted);
            if (column < 0) {
                ImGui::SetTooltip("input of row %d: classified %s", row, name.c_str());
            } else {
                ImGui::SetTooltip("row %d, sample %d: classified %s\nclick to make it an input row", row, column, name.c_str());
                if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
                    try {
                        pin_sample(row, column);
                    } catch (const std::exception& error) {
                        m_export_message = error.what();
                    }
                }
            }
        }
    }
    ImGui::EndChild();
}

}  // namespace inv
