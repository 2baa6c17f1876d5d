#include "core/training/training_run.h"

#include "core/flow/flow_checkpoint.h"
#include "core/runtime/data_parallel.h"
#include "core/runtime/errors.h"
#include "core/runtime/random.h"
#include "core/runtime/torch_device.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace inv {

TrainingRun::TrainingRun(Workspace& workspace, std::string model_name, std::string kind, nlohmann::json config,
                         torch::nn::Module& module, FusedAdam& optimizer, const TrainingControl& control)
    : m_workspace(workspace),
      m_name(std::move(model_name)),
      m_kind(std::move(kind)),
      m_config(std::move(config)),
      m_module(module),
      m_optimizer(optimizer),
      m_control(control),
      m_device(to_torch_device(control.device)),
      m_writes(!control.data_parallel || control.data_parallel->writes_workspace()) {}

std::vector<torch::nn::Module*> TrainingRun::modules() const {
    std::vector<torch::nn::Module*> all{&m_module};
    for (const Companion& companion : m_companions) all.push_back(companion.module);
    return all;
}

std::filesystem::path TrainingRun::folder() const {
    return m_workspace.resolve(m_name);
}
std::filesystem::path TrainingRun::state_path() const {
    return folder() / kStateFileName;
}

std::filesystem::path TrainingRun::checkpoint_path(std::int64_t step) const {
    char name[32];
    std::snprintf(name, sizeof name, "step-%07lld.pt", static_cast<long long>(step));
    return folder() / name;
}

nlohmann::json TrainingRun::state_config() const {
    return {{"model", m_config}, {"kind", m_kind}};
}

bool has_training_state(const Workspace& workspace, const std::string& model_name) {
    return std::filesystem::exists(workspace.resolve(model_name) / kStateFileName);
}

void TrainingRun::forget_earlier_run() {
    const auto found = m_workspace.manifest().models.find(m_name);
    if (found == m_workspace.manifest().models.end()) return;
    const std::size_t listed = found->second.checkpoints.size();
    m_workspace.manifest().models.erase(found);
    if (m_writes) m_workspace.save();
    TrainingProgress progress;
    progress.model = m_name;
    progress.message = "no training state in " + folder().string() + ", so this run starts afresh; the " +
                       std::to_string(listed) + " checkpoint(s) the manifest listed from an earlier run are dropped from it";
    m_control.report(progress);
}

std::int64_t TrainingRun::resume() {
    if (!std::filesystem::exists(state_path())) {
        // The model's folder (or its state) was removed to train it again: the checkpoints the
        // manifest still lists belong to that earlier run, and keeping them would mix its files and
        // metrics with this run's.
        forget_earlier_run();
        return 0;
    }
    // Most often a mismatch means the defaults changed between versions, or an option differs from
    // the first run; a corrupt file keeps load_archive's own message.
    torch::serialize::InputArchive archive = load_archive(state_config(), state_path(), m_device,
                                                          "To continue that run, give the settings it was made with (\"" +
                                                              m_name + "\" in " + m_workspace.manifest_path().string() +
                                                              " lists them); to train with these settings, use a new workspace.");
    torch::serialize::InputArchive model;
    torch::serialize::InputArchive optimizer;
    try {
        archive.read("model", model);
        archive.read("optimizer", optimizer);
    } catch (const c10::Error&) {
        // A file whole by its checksum, of the right configuration, but not a training state (a
        // checkpoint copied over it, say).
        throw UserError(state_path().string() +
                        " is not a training state (it holds no model and optimiser state). "
                        "Restore it, or remove " +
                        folder().string() + " to train " + m_name + " afresh.");
    }
    load_weights(m_module, model, state_path());
    m_optimizer.load(optimizer);
    for (const Companion& companion : m_companions) {
        torch::serialize::InputArchive companion_model;
        torch::serialize::InputArchive companion_optimizer;
        archive.read(companion.name + ".model", companion_model);
        archive.read(companion.name + ".optimizer", companion_optimizer);
        load_weights(*companion.module, companion_model, state_path());
        companion.optimizer->load(companion_optimizer);
    }
    torch::Tensor step;
    torch::Tensor scale;
    archive.read("step", step);
    archive.read("learning_rate_scale", scale);
    m_learning_rate_scale = scale.item<double>();
    return step.item<std::int64_t>();
}

void TrainingRun::save_state(std::int64_t step) {
    if (!m_writes) return;
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive model;
    torch::serialize::OutputArchive optimizer;
    m_module.save(model);
    m_optimizer.save(optimizer);
    archive.write("model", model);
    archive.write("optimizer", optimizer);
    for (const Companion& companion : m_companions) {
        torch::serialize::OutputArchive companion_model;
        torch::serialize::OutputArchive companion_optimizer;
        companion.module->save(companion_model);
        companion.optimizer->save(companion_optimizer);
        archive.write(companion.name + ".model", companion_model);
        archive.write(companion.name + ".optimizer", companion_optimizer);
    }
    archive.write("step", torch::tensor(step, torch::kLong));
    archive.write("learning_rate_scale", torch::tensor(m_learning_rate_scale, torch::kDouble));
    save_archive(archive, state_config(), state_path());
}

void TrainingRun::add_companion(const std::string& name, torch::nn::Module& module, FusedAdam& optimizer) {
    m_companions.push_back({name, &module, &optimizer});
}

const std::vector<CheckpointEntry>& TrainingRun::checkpoints() const {
    static const std::vector<CheckpointEntry> kNone;
    const auto found = m_workspace.manifest().models.find(m_name);
    return found == m_workspace.manifest().models.end() ? kNone : found->second.checkpoints;
}

bool TrainingRun::has_checkpoint(std::int64_t step) const {
    const auto& all = checkpoints();
    return std::any_of(all.begin(), all.end(), [step](const CheckpointEntry& c) { return c.step == step; });
}

void TrainingRun::record_checkpoint(std::int64_t step, const nlohmann::json& metrics) {
    if (m_writes) save_module(m_module, m_config, checkpoint_path(step));
    ModelEntry& entry = m_workspace.manifest().models[m_name];
    entry.kind = m_kind;
    entry.config = m_config;
    auto& checkpoints = entry.checkpoints;
    checkpoints.erase(
        std::remove_if(checkpoints.begin(), checkpoints.end(), [step](const CheckpointEntry& c) { return c.step == step; }),
        checkpoints.end());
    const std::string file = std::filesystem::relative(checkpoint_path(step), m_workspace.folder()).string();
    checkpoints.push_back({step, file, metrics});
    std::sort(checkpoints.begin(), checkpoints.end(),
              [](const CheckpointEntry& a, const CheckpointEntry& b) { return a.step < b.step; });
    if (m_writes) m_workspace.save();
}

std::int64_t TrainingRun::roll_back(std::int64_t failed_step, int max_rollbacks) {
    if (++m_rollbacks > max_rollbacks) {
        throw UserError(m_name + " training diverged: the loss was not finite at step " + std::to_string(failed_step) +
                        " again after " + std::to_string(max_rollbacks) +
                        " roll-backs with lower learning rates. Try a smaller --learning-rate.");
    }
    const double lowered = m_learning_rate_scale * 0.5;
    const std::int64_t step = resume();
    m_learning_rate_scale = lowered;
    TrainingProgress progress;
    progress.model = m_name;
    progress.step = step;
    progress.learning_rate = m_optimizer.lr() * 0.5;
    progress.message = "non-finite loss at step " + std::to_string(failed_step) + ": rolled back to step " +
                       std::to_string(step) + ", learning rate lowered to " + std::to_string(lowered) + " of its schedule";
    m_control.report(progress);
    return step;
}

nlohmann::json training_settings(const TrainingSchedule& schedule) {
    return {{"batch_size", schedule.batch_size}, {"learning_rate", schedule.learning_rate}, {"seed", schedule.seed}};
}

double cosine_learning_rate(double base, std::int64_t step, std::int64_t total) {
    const double progress = total > 0 ? std::min(1.0, static_cast<double>(step) / static_cast<double>(total)) : 1.0;
    return base * 0.5 * (1.0 + std::cos(M_PI * progress));
}

namespace {

// What every rank of a data-parallel run must agree on after computing a step's loss: the mean
// loss over the ranks, whether any rank's was not finite, and whether any rank was asked to stop.
struct StepAgreement {
    double loss = 0.0;
    bool finite = true;
    bool stop = false;
};

StepAgreement agree(DataParallelGroup* group, const torch::Tensor& loss, bool stop_requested, std::int64_t step) {
    const bool finite = all_finite(loss);
    if (!group) return {finite ? loss.item<double>() : 0.0, finite, stop_requested};
    torch::Tensor votes =
        torch::tensor({finite ? loss.item<double>() : 0.0, finite ? 0.0 : 1.0, stop_requested ? 1.0 : 0.0}, torch::kDouble);
    group->all_reduce_sum(votes, "step " + std::to_string(step));
    const auto sums = votes.accessor<double, 1>();
    return {sums[0] / group->world_size(), sums[1] == 0.0, sums[2] > 0.0};
}

// The ranks start from rank 0's weights (a replica that read a state file a moment later, or a
// data-dependent initialisation, must not drift) and agree on the step they continue from.
std::int64_t resume_together(TrainingRun& run, DataParallelGroup* group) {
    const std::int64_t step = run.resume();
    if (!group) return step;
    for (torch::nn::Module* module : run.modules()) group->broadcast_module(*module, "resuming " + run.folder().string());
    torch::Tensor steps =
        torch::tensor({static_cast<double>(step), static_cast<double>(step) * static_cast<double>(step)}, torch::kDouble);
    group->all_reduce_sum(steps, "resuming");
    const double ranks = group->world_size();
    if (steps[0].item<double>() * steps[0].item<double>() != ranks * steps[1].item<double>()) {
        throw UserError("the ranks found different training states in " + run.folder().string() + " (rank " +
                        std::to_string(group->rank()) + " is at step " + std::to_string(step) +
                        "); every rank must see the same workspace folder, on a shared file system.");
    }
    return step;
}

// Runs part of a step whose collectives (batch statistics, a companion's gradients, the Reducer's
// buckets) may fail when another rank stops: such a failure becomes lost_contact's message.
torch::Tensor step_among_ranks(DataParallelGroup& group, std::int64_t step, const std::function<torch::Tensor()>& part) {
    try {
        return part();
    } catch (const UserError&) {
        throw;
    } catch (const std::exception& error) {
        group.lost_contact("step " + std::to_string(step), error);
    }
}

}  // namespace

LoopResult run_training_loop(TrainingRun& run, FusedAdam& optimizer, const TrainingSchedule& settings,
                             const TrainingControl& control, const std::string& model_name,
                             const std::function<torch::Tensor(std::int64_t)>& loss_of_step,
                             const std::function<Evaluation()>& evaluate) {
    constexpr std::int64_t kStateEvery = 100;
    const std::vector<std::int64_t> schedule = logarithmic_schedule(settings.steps);
    DataParallelGroup* const group = control.data_parallel;
    LoopResult result;
    if (group) group->barrier("starting " + model_name);
    std::int64_t step = resume_together(run, group);
    // Rank 0 writes only after every rank has read the state it resumed from.
    if (group) group->barrier("resuming " + model_name);
    if (step == 0) run.save_state(0);
    const std::unique_ptr<GradientAveraging> averaging =
        group ? group->average_gradients(run.modules().front()->parameters()) : nullptr;
    bool nan_injected = false;

    const auto checkpoint_if_due = [&](std::int64_t at) {
        if (std::find(schedule.begin(), schedule.end(), at) == schedule.end() || run.has_checkpoint(at)) return;
        // Only the rank that writes measures; the others keep their manifest in step and wait.
        const Evaluation evaluation = run.writes_workspace() ? evaluate() : Evaluation{};
        result.metrics = evaluation.metrics;
        run.record_checkpoint(at, evaluation.metrics);
        run.save_state(at);
        if (group) group->barrier("the checkpoint at step " + std::to_string(at));
        TrainingProgress progress{model_name, at, settings.steps, 0.0, optimizer.lr(), {}};
        progress.message = "checkpoint at step " + std::to_string(at) + ": " + evaluation.summary;
        control.report(progress);
    };
    const auto stop_here = [&] {
        run.save_state(step);
        if (group) group->barrier("stopping at step " + std::to_string(step));
        result.steps_done = step;
        result.rollbacks = run.rollbacks();
        return result;
    };

    checkpoint_if_due(step);
    while (step < settings.steps) {
        if (!group && control.should_stop()) return stop_here();
        optimizer.set_lr(run.learning_rate_scale() * cosine_learning_rate(settings.learning_rate, step, settings.steps));
        torch::manual_seed(mix64(settings.seed, static_cast<std::uint64_t>(step) + 1));
        std::optional<BatchShareScope> share;
        if (group) share.emplace(share_of_batch(*group, settings.batch_size));
        torch::Tensor loss = group ? step_among_ranks(*group, step, [&] { return loss_of_step(step); }) : loss_of_step(step);
        if (settings.inject_nan_at && *settings.inject_nan_at == step && !nan_injected) {
            nan_injected = true;
            loss = loss * std::numeric_limits<double>::quiet_NaN();
        }
        const StepAgreement agreed = agree(group, loss, group && control.should_stop(), step);
        if (agreed.stop) return stop_here();
        if (!agreed.finite) {
            step = run.roll_back(step, settings.max_rollbacks);
            continue;
        }
        optimizer.zero_grad();
        if (averaging) {
            step_among_ranks(*group, step, [&] {
                averaging->prepare_for_backward();
                loss.backward();
                return loss;
            });
        } else {
            loss.backward();
        }
        share.reset();
        optimizer.step();
        ++step;
        control.report({model_name, step, settings.steps, agreed.loss, optimizer.lr(), {}});
        checkpoint_if_due(step);
        if (step % kStateEvery == 0) run.save_state(step);
    }
    if (group) group->barrier("the end of " + model_name + "'s training");
    if (result.metrics.is_null()) {
        // A finished run opened again: report what its last checkpoint measured.
        const auto& checkpoints = run.checkpoints();
        if (!checkpoints.empty()) result.metrics = checkpoints.back().metrics;
    }
    result.completed = true;
    result.steps_done = step;
    result.rollbacks = run.rollbacks();
    return result;
}

bool all_finite(const torch::Tensor& t) {
    return torch::isfinite(t).all().item<bool>();
}

}  // namespace inv
