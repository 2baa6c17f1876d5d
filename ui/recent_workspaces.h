#pragma once

#include <filesystem>
#include <vector>

namespace inv {

// The workspaces a user opened, newest first, kept in a small JSON file in the per-user config
// folder (next to the window layout). A missing or unreadable file is an empty list: losing the
// list must never stop the application.
class RecentWorkspaces {
public:
    explicit RecentWorkspaces(std::filesystem::path file);  // empty: remember nothing on disk
    const std::vector<std::filesystem::path>& list() const { return m_list; }
    // Moves `folder` to the front (at most 10 are kept) and saves the list atomically.
    void remember(const std::filesystem::path& folder);

private:
    std::filesystem::path m_file;
    std::vector<std::filesystem::path> m_list;
};

}  // namespace inv
