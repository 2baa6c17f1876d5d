#include "app/stop_signal.h"

#include <unistd.h>
#include <atomic>
#include <csignal>
#include <cstdlib>

namespace inv {
namespace {

// A signal handler can only reach static storage; this flag is the one piece of it.
std::atomic<bool> g_stop_requested{false};

void on_signal(int) {
    if (g_stop_requested.exchange(true)) std::_Exit(130);
    constexpr char kNote[] = "\nstopping after the current step (Ctrl-C again to quit at once)\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, kNote, sizeof kNote - 1);
}

}  // namespace

void install_stop_signal_handlers() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

bool stop_signal_received() {
    return g_stop_requested.load();
}

}  // namespace inv
