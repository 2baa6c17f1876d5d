#include "ui/recent_workspaces.h"

#include "core/workspace/atomic_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace inv {
namespace {

constexpr std::size_t kKept = 10;

}  // namespace

RecentWorkspaces::RecentWorkspaces(std::filesystem::path file) : m_file(std::move(file)) {
    if (m_file.empty() || !std::filesystem::exists(m_file)) return;
    try {
        for (const auto& entry : nlohmann::json::parse(read_file(m_file)).at("workspaces"))
            m_list.emplace_back(entry.get<std::string>());
    } catch (const std::exception&) {
        m_list.clear();  // a damaged list is forgotten, not fatal
    }
}

void RecentWorkspaces::remember(const std::filesystem::path& folder) {
    const std::filesystem::path absolute = std::filesystem::absolute(folder).lexically_normal();
    m_list.erase(std::remove(m_list.begin(), m_list.end(), absolute), m_list.end());
    m_list.insert(m_list.begin(), absolute);
    if (m_list.size() > kKept) m_list.resize(kKept);
    if (m_file.empty()) return;
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& path : m_list) entries.push_back(path.string());
    try {
        std::filesystem::create_directories(m_file.parent_path());
        write_file_atomically(m_file, nlohmann::json{{"workspaces", entries}}.dump(2) + "\n");
    } catch (const std::exception&) {
        // Not being able to save the list costs only the list.
    }
}

}  // namespace inv
