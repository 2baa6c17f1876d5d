#include "app/training_process.h"

#include "core/runtime/errors.h"

namespace inv {

TrainingProcess::TrainingProcess(const std::filesystem::path& workspace, const std::string& command, const GlobalOptions& global)
    : TrainingProcess(global, [&] { return std::optional<WorkspaceLock>(lock_existing_workspace(workspace, command)); }) {}

TrainingProcess::TrainingProcess(const GlobalOptions& global, const std::function<std::optional<WorkspaceLock>()>& lock_workspace)
    : m_launch(launch_from_environment()) {
    if (m_launch.distributed() && global.compute_device() != ComputeDevice::Cpu) {
        throw UserError("data-parallel training runs on the CPU (Gloo) in this build; drop --device " + global.device +
                        " or run one process.");
    }
    m_group = join_data_parallel(m_launch);
    if (m_launch.writes_workspace()) m_lock = lock_workspace();
}

std::string TrainingProcess::ranks_note() const {
    return m_launch.distributed() ? " on " + std::to_string(m_launch.world_size) + " ranks (" + m_launch.launcher + ")" : "";
}

}  // namespace inv
