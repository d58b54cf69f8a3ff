// Ctrl-C (SIGINT) and SIGTERM (`timeout`, `kill`, a CI runner's stop) end jobc's waits alike:
// the handler only notes the signal, and the waits (follow_log) look at the note.
#pragma once

#include <csignal>

namespace jobc::cli {

// Installs the handler for SIGINT and SIGTERM.
void catch_interrupts();
// The number of the last signal caught, 0 before one (and after clear_interrupt()).
const volatile std::sig_atomic_t* interrupt_signal();
void clear_interrupt();

}  // namespace jobc::cli
