#include "core/training/training_run.h"

#include "core/errors.h"
#include "core/flow/flow_checkpoint.h"

#include <cstdio>

namespace inv {

TrainingRun::TrainingRun(Workspace& workspace, std::string model_name, std::string kind, nlohmann::json config,
                         torch::nn::Module& module, FusedAdam& optimizer, const TrainingControl& control)
    : m_workspace(workspace),
      m_name(std::move(model_name)),
      m_kind(std::move(kind)),
      m_config(std::move(config)),
      m_module(module),
      m_optimizer(optimizer),
      m_control(control) {}

std::filesystem::path TrainingRun::folder() const { return m_workspace.resolve(m_name); }
std::filesystem::path TrainingRun::state_path() const { return folder() / "train-state.pt"; }

std::filesystem::path TrainingRun::checkpoint_path(std::int64_t step) const {
    char name[32];
    std::snprintf(name, sizeof name, "step-%07lld.pt", static_cast<long long>(step));
    return folder() / name;
}

nlohmann::json TrainingRun::state_config() const { return {{"model", m_config}, {"kind", m_kind}}; }

std::int64_t TrainingRun::resume() {
    if (!std::filesystem::exists(state_path())) return 0;
    torch::serialize::InputArchive archive = load_archive(state_config(), state_path(), torch::kCPU);
    torch::serialize::InputArchive model;
    torch::serialize::InputArchive optimizer;
    archive.read("model", model);
    archive.read("optimizer", optimizer);
    m_module.load(model);
    m_optimizer.load(optimizer);
    torch::Tensor step;
    torch::Tensor learning_rate;
    archive.read("step", step);
    archive.read("learning_rate", learning_rate);
    m_optimizer.set_lr(learning_rate.item<double>());
    return step.item<std::int64_t>();
}

void TrainingRun::save_state(std::int64_t step) {
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model;
    torch::serialize::OutputArchive optimizer;
    m_module.save(model);
    m_optimizer.save(optimizer);
    archive.write("model", model);
    archive.write("optimizer", optimizer);
    archive.write("step", torch::tensor(step, torch::kLong));
    archive.write("learning_rate", torch::tensor(m_optimizer.lr(), torch::kDouble));
    save_archive(archive, state_config(), state_path());
}

bool TrainingRun::has_checkpoint(std::int64_t step) const {
    const auto found = m_workspace.manifest().models.find(m_name);
    if (found == m_workspace.manifest().models.end()) return false;
    for (const CheckpointEntry& c : found->second.checkpoints) {
        if (c.step == step) return true;
    }
    return false;
}

void TrainingRun::record_checkpoint(std::int64_t step, const nlohmann::json& metrics) {
    save_module(m_module, m_config, checkpoint_path(step));
    ModelEntry& entry = m_workspace.manifest().models[m_name];
    entry.kind = m_kind;
    entry.config = m_config;
    auto& checkpoints = entry.checkpoints;
    checkpoints.erase(std::remove_if(checkpoints.begin(), checkpoints.end(),
                                     [step](const CheckpointEntry& c) { return c.step == step; }),
                      checkpoints.end());
    const std::string file = std::filesystem::relative(checkpoint_path(step), m_workspace.folder()).string();
    checkpoints.push_back({step, file, metrics});
    std::sort(checkpoints.begin(), checkpoints.end(),
              [](const CheckpointEntry& a, const CheckpointEntry& b) { return a.step < b.step; });
    m_workspace.save();
}

std::int64_t TrainingRun::roll_back(std::int64_t failed_step, int max_rollbacks) {
    if (++m_rollbacks > max_rollbacks) {
        throw UserError(m_name + " training diverged: the loss was not finite at step " + std::to_string(failed_step) +
                        " again after " + std::to_string(max_rollbacks) +
                        " roll-backs with lower learning rates. Try a smaller --learning-rate.");
    }
    const double lowered = m_optimizer.lr() * 0.5;
    const std::int64_t step = resume();
    m_optimizer.set_lr(lowered);
    TrainingProgress progress;
    progress.model = m_name;
    progress.step = step;
    progress.learning_rate = lowered;
    progress.message = "non-finite loss at step " + std::to_string(failed_step) + ": rolled back to step " +
                       std::to_string(step) + ", learning rate lowered to " + std::to_string(lowered);
    m_control.report(progress);
    return step;
}

bool all_finite(const torch::Tensor& t) { return torch::isfinite(t).all().item<bool>(); }

}  // namespace inv
