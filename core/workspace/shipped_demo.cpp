#include "core/workspace/shipped_demo.h"

#include "core/runtime/errors.h"

#include <unistd.h>

namespace inv {

bool is_shipped_workspace(const std::filesystem::path& folder) {
    std::error_code error;
    return std::filesystem::is_regular_file(folder / kShippedMarkerFileName, error);
}

void copy_shipped_workspace(const std::filesystem::path& shipped, const std::filesystem::path& copy) {
    namespace fs = std::filesystem;
    if (fs::exists(copy)) throw UserError(copy.string() + " exists already; the shipped demo is copied only into a new folder.");
    const fs::path staging = copy.parent_path() / ("." + copy.filename().string() + ".copying-" + std::to_string(::getpid()));
    std::error_code error;
    fs::remove_all(staging, error);
    try {
        fs::create_directories(copy.parent_path());
        fs::copy(shipped, staging, fs::copy_options::recursive);
        fs::remove(staging / kShippedMarkerFileName);
        fs::remove(staging / kShippedChecksumsFileName);
        fs::permissions(staging, fs::perms::owner_all, fs::perm_options::add);
        for (const fs::directory_entry& entry : fs::recursive_directory_iterator(staging)) {
            fs::permissions(
                entry.path(),
                fs::perms::owner_read | fs::perms::owner_write | (entry.is_directory() ? fs::perms::owner_exec : fs::perms::none),
                fs::perm_options::add);
        }
        fs::rename(staging, copy);
    } catch (const fs::filesystem_error& failure) {
        fs::remove_all(staging, error);
        throw UserError("could not copy the shipped demo workspace " + shipped.string() + " to " + copy.string() + ": " +
                        failure.code().message() + ". Is there room, and is " + copy.parent_path().string() + " writable?");
    }
}

}  // namespace inv
