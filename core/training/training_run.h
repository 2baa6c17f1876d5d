#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/flow/fused_adam.h"
#include "core/training/training_control.h"
#include "core/workspace.h"

#include <torch/torch.h>

#include <string>

namespace inv {

// The bookkeeping every trainer shares: where a model's files live in the workspace, the resumable
// training state (weights + optimiser + step, written atomically), checkpoints recorded in the
// manifest, and the roll-back after a non-finite loss.
class TrainingRun {
public:
    TrainingRun(Workspace& workspace, std::string model_name, std::string kind, nlohmann::json config,
                torch::nn::Module& module, FusedAdam& optimizer, const TrainingControl& control);

    // Loads the saved training state if there is one for this configuration; returns the step to
    // continue from (0 for a fresh run). A state for another configuration is an error that names
    // the difference and changes nothing.
    std::int64_t resume();
    void save_state(std::int64_t step);
    // Saves the weights as a checkpoint of `step` and records it (with metrics) in the manifest.
    void record_checkpoint(std::int64_t step, const nlohmann::json& metrics);
    // After a non-finite loss: reloads the last saved state and halves the learning rate; returns the
    // step to continue from. Throws UserError after `max_rollbacks` roll-backs.
    std::int64_t roll_back(std::int64_t failed_step, int max_rollbacks);
    bool has_checkpoint(std::int64_t step) const;
    int rollbacks() const { return m_rollbacks; }

    std::filesystem::path folder() const;
    std::filesystem::path state_path() const;
    std::filesystem::path checkpoint_path(std::int64_t step) const;

private:
    nlohmann::json state_config() const;

    Workspace& m_workspace;
    std::string m_name;
    std::string m_kind;
    nlohmann::json m_config;
    torch::nn::Module& m_module;
    FusedAdam& m_optimizer;
    const TrainingControl& m_control;
    int m_rollbacks = 0;
};

// True when every value of the tensor is finite.
bool all_finite(const torch::Tensor& t);

}  // namespace inv
