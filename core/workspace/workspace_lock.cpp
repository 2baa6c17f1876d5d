#include "core/workspace/workspace_lock.h"

#include "core/runtime/errors.h"
#include "core/workspace/shipped_demo.h"
#include "core/workspace/workspace.h"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace inv {
namespace {

// POSIX record locks, not flock(): F_GETLK tells who holds one without taking it, so the GUI can
// say which process trains a workspace without ever blocking that process.
struct flock whole_file(short type) {
    struct flock region {};
    region.l_type = type;
    region.l_whence = SEEK_SET;
    region.l_start = 0;
    region.l_len = 0;
    return region;
}

std::string read_holder_description(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string describe_writer(const WorkspaceWriter& writer) {
    return "process " + std::to_string(writer.pid) + (writer.command.empty() ? std::string() : " (" + writer.command + ")");
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

WorkspaceLock WorkspaceLock::acquire(const std::filesystem::path& folder, const std::string& command) {
    if (is_shipped_workspace(folder)) {
        throw UserError(
            folder.string() + " is the demo workspace shipped with Invariances, which is never written. Work on a copy: " +
            "the GUI makes one at its first start (in the data folder's workspaces/demo), or run `cp -r " + folder.string() +
            " DIR && rm DIR/" + kShippedMarkerFileName + " DIR/" + kShippedChecksumsFileName + "`.");
    }
    const std::filesystem::path path = folder / kWriterLockFileName;
    const int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (descriptor < 0) {
        throw UserError("cannot open " + path.string() + " to lock the workspace for writing (" + std::strerror(errno) +
                        "); is the folder writable?");
    }
    struct flock region = whole_file(F_WRLCK);
    if (::fcntl(descriptor, F_SETLK, &region) != 0) {
        const int error = errno;
        ::close(descriptor);
        if (error != EACCES && error != EAGAIN) {
            throw UserError("cannot lock " + path.string() + " (" + std::strerror(error) + ").");
        }
        const std::optional<WorkspaceWriter> holder = current_writer(folder);
        throw UserError(folder.string() + " is being written by " +
                        (holder ? describe_writer(*holder) : std::string("another process")) +
                        ": one command at a time may train or change a workspace. Wait for it to finish, or stop it, "
                        "then run this again; figures and the GUI can read the workspace meanwhile.");
    }
    // Who holds it, for the message another writer gets; the lock itself is the kernel's.
    // If this write fails the lock still holds, and another writer is told "another process".
    const std::string description = command + "\n";
    [[maybe_unused]] const bool described =
        ::ftruncate(descriptor, 0) == 0 && ::pwrite(descriptor, description.data(), description.size(), 0) >= 0;
    return WorkspaceLock(descriptor);
}

WorkspaceLock::WorkspaceLock(WorkspaceLock&& other) noexcept : m_descriptor(other.m_descriptor) {
    other.m_descriptor = -1;
}

WorkspaceLock& WorkspaceLock::operator=(WorkspaceLock&& other) noexcept {
    if (this != &other) {
        if (m_descriptor >= 0) ::close(m_descriptor);
        m_descriptor = other.m_descriptor;
        other.m_descriptor = -1;
    }
    return *this;
}

WorkspaceLock::~WorkspaceLock() {
    if (m_descriptor >= 0) ::close(m_descriptor);
}

WorkspaceLock lock_existing_workspace(const std::filesystem::path& folder, const std::string& command) {
    // Opened once before the lock, so that a missing or damaged workspace is refused without the
    // lock file being made in it; the caller reads the manifest again under the lock.
    Workspace::open(folder);
    return WorkspaceLock::acquire(folder, command);
}

std::optional<WorkspaceWriter> current_writer(const std::filesystem::path& folder) {
    const std::filesystem::path path = folder / kWriterLockFileName;
    const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return std::nullopt;
    struct flock region = whole_file(F_WRLCK);
    const bool asked = ::fcntl(descriptor, F_GETLK, &region) == 0;
    ::close(descriptor);
    if (!asked || region.l_type == F_UNLCK) return std::nullopt;
    return WorkspaceWriter{static_cast<long>(region.l_pid), read_holder_description(path)};
}

std::string output_conflict(const std::filesystem::path& target) {
    std::error_code error;
    const std::filesystem::path absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(target, error), error);
    if (error) return "";  // the write itself reports what is wrong with such a path
    // One walk up the folders: any of them a file makes the path unwritable; the nearest holding a
    // manifest is the workspace the target would belong to.
    std::filesystem::path workspace;
    for (std::filesystem::path folder = absolute.parent_path(); !folder.empty(); folder = folder.parent_path()) {
        if (std::filesystem::exists(folder, error) && !std::filesystem::is_directory(folder, error)) {
            return "cannot write " + target.string() + ": " + folder.string() + " is a file, not a folder";
        }
        if (workspace.empty() && std::filesystem::exists(folder / kManifestFileName, error)) workspace = folder;
        if (folder == folder.root_path()) break;
    }
    if (workspace.empty()) return "";
    const std::string name = absolute.filename().string();
    std::string what;
    if (name == kManifestFileName && absolute.parent_path() == workspace)
        what = "the manifest";
    else if (name == kWriterLockFileName)
        what = "the writer lock";
    else if (ends_with(name, ".pt"))
        what = "a checkpoint or training state";
    else if (ends_with(name, ".pt.json"))
        what = "a checkpoint's side-car";
    if (what.empty()) return "";
    return target.string() + " would replace " + what + " of the workspace " + workspace.string() +
           "; write it to another name or folder";
}

}  // namespace inv
