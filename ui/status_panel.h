#pragma once

#include "core/engine/snapshot.h"

#include <cstdint>
#include <functional>

namespace inv {

// The engine's state for people: the running job with progress and Cancel, the log, and every
// worker error as a dismissible message.
class StatusPanel {
public:
    explicit StatusPanel(std::function<void()> cancel) : m_cancel(std::move(cancel)) {}

    void draw_status_bar(const EngineSnapshot& snapshot);
    void draw_log(const char* title, bool* open, const EngineSnapshot& snapshot);
    void draw_error_popup(const EngineSnapshot& snapshot);

private:
    std::function<void()> m_cancel;
    std::uint64_t m_errors_shown = 0;
    std::string m_error_text;
};

}  // namespace inv
