#include "cli/interrupts.h"

#include <signal.h>

namespace jobc::cli {
namespace {

volatile std::sig_atomic_t g_signal = 0;

void note_signal(int number) {
  g_signal = number;
}

}  // namespace

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = note_signal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

const volatile std::sig_atomic_t* interrupt_signal() {
  return &g_signal;
}

void clear_interrupt() {
  g_signal = 0;
}

}  // namespace jobc::cli
