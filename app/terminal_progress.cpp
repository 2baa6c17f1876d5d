#include "app/terminal_progress.h"

#include <unistd.h>

namespace inv {
namespace {
constexpr int kBarWidth = 30;
constexpr auto kPlainInterval = std::chrono::seconds(5);
constexpr auto kBarInterval = std::chrono::milliseconds(100);
}  // namespace

std::string format_duration(double seconds) {
    const long s = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
    char text[32];
    if (s >= 3600) {
        std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    } else {
        std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
    }
    return text;
}

TerminalProgress::TerminalProgress(std::string label, long total, std::FILE* stream)
    : m_label(std::move(label)),
      m_total(total > 0 ? total : 1),
      m_stream(stream),
      m_interactive(::isatty(::fileno(stream)) != 0),
      m_start(std::chrono::steady_clock::now()),
      m_last_draw(m_start) {}

TerminalProgress::~TerminalProgress() {
    if (!m_finished && m_interactive) std::fputc('\n', m_stream);
}

void TerminalProgress::update(long done) {
    const auto now = std::chrono::steady_clock::now();
    if (done >= m_total || now - m_last_draw < (m_interactive ? kBarInterval : kPlainInterval)) return;
    m_last_draw = now;
    draw(done, false);
}

void TerminalProgress::finish() {
    if (m_finished) return;
    // Work that ended within a second is not worth a line in a log.
    const bool drew_before = m_last_draw != m_start;
    if (m_interactive || drew_before || std::chrono::steady_clock::now() - m_start > std::chrono::seconds(1)) {
        draw(m_total, true);
    }
    m_finished = true;
}

void TerminalProgress::draw(long done, bool final) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    const double fraction = static_cast<double>(done) / static_cast<double>(m_total);
    const std::string timing =
        final || done == 0 ? "elapsed " + format_duration(elapsed) : "ETA " + format_duration(elapsed / fraction - elapsed);
    if (!m_interactive) {
        std::fprintf(m_stream, "%s: %ld/%ld (%.0f%%), %s\n", m_label.c_str(), done, m_total, 100.0 * fraction, timing.c_str());
        std::fflush(m_stream);
        return;
    }
    const int filled = static_cast<int>(fraction * kBarWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kBarWidth, '.');
    std::fprintf(m_stream, "\r%s [%s] %ld/%ld %3.0f%% %s   ", m_label.c_str(), bar.c_str(), done, m_total, 100.0 * fraction,
                 timing.c_str());
    if (final) std::fputc('\n', m_stream);
    std::fflush(m_stream);
}

}  // namespace inv
