#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace inv {

// Progress of long work on stderr: a redrawn bar with ETA on a terminal, occasional plain lines
// otherwise (logs, CI), so that output stays readable in both.
class TerminalProgress {
public:
    TerminalProgress(std::string label, long total, std::FILE* stream = stderr);
    ~TerminalProgress();

    void update(long done);
    void finish();

private:
    void draw(long done, bool final);

    std::string m_label;
    long m_total;
    std::FILE* m_stream;
    bool m_interactive;
    bool m_finished = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last_draw;
};

std::string format_duration(double seconds);

}  // namespace inv
