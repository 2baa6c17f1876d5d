#include "app/training_process.h"

namespace inv {

TrainingProcess::TrainingProcess(const std::filesystem::path& workspace, const std::string& command, const GlobalOptions& global)
    : TrainingProcess(global, [&] { return std::optional<WorkspaceLock>(lock_existing_workspace(workspace, command)); }) {}

TrainingProcess::TrainingProcess(const GlobalOptions& global, const std::function<std::optional<WorkspaceLock>()>& lock_workspace)
    : m_launch(launch_from_environment()) {
    // The group refuses CUDA ranks where this build has no NCCL, saying so.
    m_group = join_data_parallel(m_launch, global.compute_device());
    if (m_launch.writes_workspace()) m_lock = lock_workspace();
}

std::string TrainingProcess::ranks_note() const {
    return m_launch.distributed() ? " on " + std::to_string(m_launch.world_size) + " ranks (" + m_launch.launcher + ")" : "";
}

}  // namespace inv
