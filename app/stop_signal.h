#pragma once

namespace inv {

// Ctrl-C (SIGINT) and SIGTERM ask long work to stop at its next unit instead of killing the process,
// so trainers can save their state. A second Ctrl-C ends the process at once.
void install_stop_signal_handlers();
bool stop_signal_received();

}  // namespace inv
