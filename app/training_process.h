#pragma once

#include "app/cli_commands.h"
#include "core/runtime/distributed_launch.h"
#include "core/workspace/workspace_lock.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace inv {

// This process's place in a training run: one process, or a rank of a data-parallel run that the
// launcher's environment describes (torchrun, srun, or the variables set by hand). Rank 0 holds
// the workspace's writer lock and speaks; the other ranks train their shares and stay quiet.
class TrainingProcess {
public:
    // Joins the other ranks, if any, then takes the lock of the existing workspace on rank 0.
    TrainingProcess(const std::filesystem::path& workspace, const std::string& command, const GlobalOptions& global);
    // The same with another way to take the lock (a workspace that may not exist yet, say); no lock
    // when `lock_workspace` returns none.
    TrainingProcess(const GlobalOptions& global, const std::function<std::optional<WorkspaceLock>()>& lock_workspace);

    // The group to hand to TrainingControl::data_parallel: null for one process.
    DataParallelGroup* group() const { return m_group.get(); }
    bool speaks() const { return m_launch.writes_workspace(); }
    // " on 2 ranks (torchrun)" for progress labels; empty for one process.
    std::string ranks_note() const;

private:
    DistributedLaunch m_launch;
    std::shared_ptr<DataParallelGroup> m_group;
    std::optional<WorkspaceLock> m_lock;
};

}  // namespace inv
