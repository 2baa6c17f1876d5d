#include "ui/writer_watch.h"

#include "core/workspace/workspace_lock.h"

namespace inv {

const std::string& WriterWatch::poll(const std::filesystem::path& workspace) {
    const auto now = std::chrono::steady_clock::now();
    if (workspace == m_folder && now - m_checked < std::chrono::seconds(1)) return m_text;
    m_folder = workspace;
    m_checked = now;
    m_text.clear();
    if (workspace.empty()) return m_text;
    if (const std::optional<WorkspaceWriter> writer = current_writer(workspace)) {
        m_text = "being trained by process " + std::to_string(writer->pid) +
                 (writer->command.empty() ? std::string() : " (" + writer->command + ")") +
                 ": the figures show its last saved state";
    }
    return m_text;
}

}  // namespace inv
