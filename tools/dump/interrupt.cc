// Interrupt flag for the dump tools.
#include "tools/dump/interrupt.h"

#include <csignal>

namespace redrock::dump {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void OnSignal(int sig) {
  g_interrupted = 1;
  std::signal(sig, SIG_DFL);  // the next one is not caught
}

}  // namespace

void InstallInterruptHandler() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGHUP, OnSignal);
}

bool Interrupted() {
  return g_interrupted != 0;
}

}  // namespace redrock::dump
