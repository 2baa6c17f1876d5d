#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace inv {

inline constexpr const char* kWriterLockFileName = "writer.lock";

// The process that writes a workspace now.
struct WorkspaceWriter {
    long pid = 0;
    std::string command;  // as it described itself when it took the lock
};

// One writer at a time per workspace: an advisory lock on <workspace>/writer.lock, held while the
// object lives and released by the kernel when the process ends however it ends, so a crash never
// leaves a stale lock. Readers (figures, the GUI) never take it and keep reading the last manifest
// written (the manifest is replaced atomically).
class WorkspaceLock {
public:
    // Takes the lock or throws UserError naming the process that holds it and what to do.
    static WorkspaceLock acquire(const std::filesystem::path& folder, const std::string& command);

    WorkspaceLock(WorkspaceLock&& other) noexcept;
    WorkspaceLock& operator=(WorkspaceLock&& other) noexcept;
    WorkspaceLock(const WorkspaceLock&) = delete;
    WorkspaceLock& operator=(const WorkspaceLock&) = delete;
    ~WorkspaceLock();

private:
    explicit WorkspaceLock(int descriptor) : m_descriptor(descriptor) {}
    int m_descriptor = -1;
};

// The lock of a workspace that must exist already: a folder without a valid workspace gets
// Workspace::open's message rather than a lock file.
WorkspaceLock lock_existing_workspace(const std::filesystem::path& folder, const std::string& command);

// Who writes the workspace now, if anyone (another process; a lock this process holds is not seen).
std::optional<WorkspaceWriter> current_writer(const std::filesystem::path& folder);

// Why a command may not write `target`: it is, or would replace, a file a workspace owns (its
// manifest, a checkpoint, a checkpoint's side-car, a training state, the writer lock), or a folder
// on its way is a file. Empty when `target` is free to write.
std::string output_conflict(const std::filesystem::path& target);

}  // namespace inv
