#include "core/engine/engine_worker.h"
#include "core/engine/training_preview.h"
#include "core/runtime/errors.h"
#include "core/training/cinn_trainer.h"
#include "core/training/factor_trainer.h"
#include "core/workspace/workspace_creation.h"
#include "core/workspace/workspace_lock.h"
#include "core/workspace/workspace_models.h"

#include <algorithm>
#include <cmath>

// The handlers that write workspaces: training t and e, the demo workspace, a new workspace.
// Each takes the workspace's writer lock first.
namespace inv {

// Progress of a training job in the status bar and the training panel (loss, previews).
TrainingControl Engine::Worker::training_control(const std::filesystem::path& workspace, const ImageDataset& test,
                                                 const std::string* stage) {
    TrainingControl control;
    control.device = m_device;
    control.stop_requested = [this] { return cancelled(); };
    control.on_progress = [this, workspace, &test, stage](const TrainingProgress& p) {
        if (!p.message.empty()) log(p.model + ": " + p.message);
        record_loss(p);
        preview_checkpoint(workspace, p, test);
        m_draft.job = *stage + ": step " + std::to_string(p.step) + "/" + std::to_string(p.total);
        unit_done(static_cast<float>(p.step) / static_cast<float>(std::max<std::int64_t>(1, p.total)));
    };
    return control;
}

DemoPlan Engine::Worker::budget_plan(const Workspace& workspace) {
    const nlohmann::json& settings = workspace.manifest().dataset.settings;
    // A workspace not made by the demo trains its layers with the quick recipe's settings.
    const std::string budget = settings.is_object() ? settings.value("demo_budget", std::string()) : std::string();
    return demo_plan(budget == "tiny" ? DemoBudget::Tiny : budget == "full" ? DemoBudget::Full : DemoBudget::Quick);
}

bool Engine::Worker::handle(const TrainLayer& command) {
    // Locked before the manifest is read, so that no other process's entries are lost.
    const WorkspaceLock lock = lock_existing_workspace(command.workspace, "invariances (GUI): training t for " + command.layer);
    OpenWorkspace& open = open_workspace(command.workspace);
    const DemoPlan plan = budget_plan(*open.workspace);
    const std::string job = "training t for " + command.layer;
    std::string stage = job;
    const TrainingControl control = training_control(command.workspace, *open.test, &stage);
    // A workspace around a user's model starts without an autoencoder: every t needs one, so
    // it is trained first (once), at the resolution of the workspace's images.
    if (!has_trained(*open.workspace, "autoencoder")) {
        AutoencoderTrainingOptions autoencoder = plan.autoencoder;
        autoencoder.model.image_size = open.test->shape().height;
        stage = "training the autoencoder (needed once, before t for " + command.layer + ")";
        const AutoencoderTrainingResult trained =
            train_autoencoder(*open.workspace, *open.train, *open.test, autoencoder, control);
        if (!trained.completed) return false;
        stage = job;
    }
    open.models->require_layer(command.layer);
    // The manifest changes on disk; the next command sees the new time stamp and reloads.
    const CinnTrainingResult result =
        train_cinn(*open.workspace, *open.train, *open.test, cinn_options(plan, command.layer), control);
    if (!result.completed) return false;
    ++m_draft.trained_version;
    return true;
}

bool Engine::Worker::handle(const TrainFactors& command) {
    const WorkspaceLock lock = lock_existing_workspace(command.workspace, "invariances (GUI): training e");
    OpenWorkspace& open = open_workspace(command.workspace);
    if (!has_trained(*open.workspace, "autoencoder")) {
        throw UserError("e splits the autoencoder's code, and " + command.workspace.string() +
                        " has no autoencoder yet: train t for a layer first (it trains the autoencoder).");
    }
    const std::string stage = "training e";
    const FactorTrainingResult result =
        train_factors(*open.workspace, *open.train, *open.test, budget_plan(*open.workspace).factors,
                      training_control(command.workspace, *open.test, &stage));
    if (!result.completed) return false;
    ++m_draft.trained_version;
    return true;
}

bool Engine::Worker::handle(const CreateWorkspace& command) {
    m_draft.job = "creating workspace " + command.recipe.folder.string();
    const CreatedWorkspace created = create_workspace(command.recipe, m_config.data_root);
    if (!created.report.skipped.empty()) {
        log("skipped " + std::to_string(created.report.skipped.size()) + " unreadable image(s), e.g. " +
                created.report.skipped.front(),
            true);
    }
    log("created workspace " + command.recipe.folder.string() + ": " + std::to_string(created.train_images) + " training and " +
        std::to_string(created.test_images) + " test images");
    m_draft.prepared_workspace = command.recipe.folder;
    ++m_draft.prepared_version;
    return unit_done(1.0f);
}

bool Engine::Worker::handle(const PrepareDemo& command) {
    std::filesystem::create_directories(command.workspace);
    const WorkspaceLock lock = WorkspaceLock::acquire(command.workspace, "invariances (GUI): building the demo workspace");
    DemoPlan plan = demo_plan(parse_demo_budget(command.budget));
    plan.set_thread_profiles = false;
    const std::vector<DemoStage> stages = demo_stages(plan);
    std::int64_t total = 0;
    for (const DemoStage& stage : stages) total += stage.steps;
    std::int64_t done_before_stage = 0;
    std::int64_t stage_steps = 0;
    std::string stage_name;
    TrainingControl control;
    control.device = m_device;
    control.stop_requested = [this] { return cancelled(); };
    control.on_progress = [&](const TrainingProgress& p) {
        if (!p.message.empty()) log(p.model + ": " + p.message);
        record_loss(p);
        preview_checkpoint(command.workspace, p, m_cache.demo_test_set());
        m_draft.job = "demo workspace: " + stage_name + " step " + std::to_string(p.step) + "/" + std::to_string(p.total);
        unit_done(static_cast<float>(done_before_stage + std::min(p.step, stage_steps)) / static_cast<float>(total));
    };
    const auto on_stage = [&](const DemoStage& stage) {
        done_before_stage += stage_steps;
        stage_steps = stage.steps;
        stage_name = stage.name;
    };
    const DemoResult result = prepare_demo(command.workspace, m_config.data_root, plan, control, on_stage);
    if (!result.completed) return false;
    m_draft.prepared_workspace = command.workspace;
    ++m_draft.prepared_version;
    return true;
}

// The live loss curve: one point per `stride` steps, thinned by half whenever it grows past 1000.
void Engine::Worker::record_loss(const TrainingProgress& p) {
    if (p.model != m_draft.training_model) {
        m_draft.training_model = p.model;
        m_draft.training_loss.clear();
        m_draft.training_loss_stride = 1;
    }
    if (p.step % m_draft.training_loss_stride != 0 || !std::isfinite(p.loss)) return;
    m_draft.training_loss.push_back(static_cast<float>(p.loss));
    if (m_draft.training_loss.size() > 1000) {
        std::vector<float> thinned;
        for (std::size_t i = 0; i < m_draft.training_loss.size(); i += 2) thinned.push_back(m_draft.training_loss[i]);
        m_draft.training_loss = std::move(thinned);
        m_draft.training_loss_stride *= 2;
    }
}

// At a checkpoint, the picture of what the model produces now (samples get sharper as t trains).
// A failure here never stops the training: it is logged.
void Engine::Worker::preview_checkpoint(const std::filesystem::path& workspace, const TrainingProgress& progress,
                                        const ImageDataset& test) {
    if (progress.message.rfind("checkpoint", 0) != 0) return;
    try {
        std::optional<RgbaImage> picture = render_training_preview(workspace, progress.model, test, m_device);
        if (!picture) return;
        m_draft.training_preview.publish(std::make_shared<const RgbaImage>(std::move(*picture)));
        m_draft.training_preview_caption = progress.model + " at step " + std::to_string(progress.step);
    } catch (const std::exception& error) {
        log("no preview of " + progress.model + ": " + error.what());
    }
}

}  // namespace inv
