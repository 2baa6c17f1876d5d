#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/flow/fused_adam.h"
#include "core/training/training_control.h"
#include "core/workspace/workspace.h"

#include <torch/torch.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace inv {

inline constexpr const char* kStateFileName = "train-state.pt";

// True when the model has a resumable training state: a run of it was started and not removed.
bool has_training_state(const Workspace& workspace, const std::string& model_name);

// The bookkeeping every trainer shares: where a model's files live in the workspace, the resumable
// training state (weights + optimiser + step, written atomically), checkpoints recorded in the
// manifest, and the roll-back after a non-finite loss.
class TrainingRun {
public:
    TrainingRun(Workspace& workspace, std::string model_name, std::string kind, nlohmann::json config, torch::nn::Module& module,
                FusedAdam& optimizer, const TrainingControl& control);

    // Loads the saved training state if there is one for this configuration; returns the step to
    // continue from (0 for a fresh run). A state for another configuration is an error that names
    // the difference and changes nothing. A fresh run drops the manifest's entry for the model,
    // which can only list the checkpoints of an earlier run whose state was removed.
    std::int64_t resume();
    void save_state(std::int64_t step);
    // Saves the weights as a checkpoint of `step` and records it (with metrics) in the manifest.
    void record_checkpoint(std::int64_t step, const nlohmann::json& metrics);
    // After a non-finite loss: reloads the last saved state and halves the learning-rate scale;
    // returns the step to continue from. Throws UserError after `max_rollbacks` roll-backs.
    std::int64_t roll_back(std::int64_t failed_step, int max_rollbacks);
    // A second network trained alongside the model (the autoencoder's discriminator). It is saved
    // with the training state only, never as a checkpoint, so that a resumed run continues it too.
    // Register companions before resume().
    void add_companion(const std::string& name, torch::nn::Module& module, FusedAdam& optimizer);
    // 1, halved by every roll-back; trainers multiply their learning-rate schedule by it. Saved with
    // the state.
    double learning_rate_scale() const { return m_learning_rate_scale; }
    bool has_checkpoint(std::int64_t step) const;
    // The checkpoints the manifest lists for this model, oldest first.
    const std::vector<CheckpointEntry>& checkpoints() const;
    int rollbacks() const { return m_rollbacks; }

    // What the state holds: the model, then its companions.
    std::vector<torch::nn::Module*> modules() const;
    // False on the ranks of a data-parallel run but rank 0: they keep the manifest in memory in
    // step with rank 0's and write nothing.
    bool writes_workspace() const { return m_writes; }

    std::filesystem::path folder() const;
    std::filesystem::path state_path() const;
    std::filesystem::path checkpoint_path(std::int64_t step) const;

private:
    nlohmann::json state_config() const;
    void forget_earlier_run();

    Workspace& m_workspace;
    std::string m_name;
    std::string m_kind;
    nlohmann::json m_config;
    torch::nn::Module& m_module;
    FusedAdam& m_optimizer;
    const TrainingControl& m_control;
    torch::Device m_device;
    bool m_writes = true;
    int m_rollbacks = 0;
    double m_learning_rate_scale = 1.0;
    struct Companion {
        std::string name;
        torch::nn::Module* module;
        FusedAdam* optimizer;
    };
    std::vector<Companion> m_companions;
};

struct LoopResult {
    bool completed = false;  // false: stopped on request, state saved
    std::int64_t steps_done = 0;
    nlohmann::json metrics;  // of the last checkpoint
    int rollbacks = 0;
};

struct Evaluation {
    nlohmann::json metrics;
    std::string summary;  // one line for people
};

// The training loop every trainer shares: resume, per-step learning rate and seed, stop requests,
// roll-back on a non-finite loss, optimiser steps, progress, checkpoints with their evaluation on
// the logarithmic schedule, and the periodic state. `loss_of_step` computes one step's loss (the
// torch seed is already set from (seed, step)); `evaluate` measures the model for a checkpoint.
LoopResult run_training_loop(TrainingRun& run, FusedAdam& optimizer, const TrainingSchedule& settings,
                             const TrainingControl& control, const std::string& model_name,
                             const std::function<torch::Tensor(std::int64_t)>& loss_of_step,
                             const std::function<Evaluation()>& evaluate);

// The parts of a schedule that shape the weights (batch size, learning rate, seed), stored with a
// model's configuration so a resumed run continues the same training. The step count stays out:
// a finished run can be extended by asking for more steps.
nlohmann::json training_settings(const TrainingSchedule& schedule);

// Cosine decay from `base` at step 0 to 0 at `total`.
double cosine_learning_rate(double base, std::int64_t step, std::int64_t total);

// True when every value of the tensor is finite.
bool all_finite(const torch::Tensor& t);

}  // namespace inv
