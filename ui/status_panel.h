#pragma once

#include "core/engine/snapshot.h"

#include <chrono>
#include <cstdint>
#include <functional>

namespace inv {

// The engine's state for people: the running job with progress and Cancel, the log, and every
// worker error as a dismissible message.
class StatusPanel {
public:
    explicit StatusPanel(std::function<void()> cancel) : m_cancel(std::move(cancel)) {}

    // `other_writer`: another process writing the open workspace, or empty.
    void draw_status_bar(const EngineSnapshot& snapshot, const std::string& other_writer);
    void draw_log(const char* title, bool* open, const EngineSnapshot& snapshot);
    void draw_error_popup(const EngineSnapshot& snapshot);

private:
    std::string eta(const EngineSnapshot& snapshot);

    std::function<void()> m_cancel;
    // For the time left of the running command: when it was first seen, and its progress then (a
    // resumed build starts part way).
    std::uint64_t m_job_id = 0;
    std::chrono::steady_clock::time_point m_job_seen;
    float m_progress_seen = 0.0f;
    std::uint64_t m_errors_shown = 0;
    std::string m_error_text;
};

}  // namespace inv
