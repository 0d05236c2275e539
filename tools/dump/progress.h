// Progress on a terminal for the dump tools: keys, bytes, rates and ETA on one line of
// stderr, refreshed twice a second; silent when stderr is not a terminal.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace redrock::dump {

class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled && isatty(2)) {}
  // total_keys / total_bytes: what 100% means (0 = unknown); the ETA follows whichever is known.
  void Update(uint64_t keys, uint64_t bytes, uint64_t total_keys, uint64_t total_bytes) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double frac = total_keys    ? static_cast<double>(keys) / static_cast<double>(total_keys)
                  : total_bytes ? static_cast<double>(bytes) / static_cast<double>(total_bytes)
                                : 0;
    char eta[32] = "?";
    if (frac > 0.001 && frac <= 1) snprintf(eta, sizeof(eta), "%.0fs", secs / frac - secs);
    fprintf(stderr, "\r%llu keys, %.1f MB, %.0f keys/s, %.1f MB/s, %.0f%%, ETA %s   ",
            static_cast<unsigned long long>(keys), static_cast<double>(bytes) / 1e6,
            static_cast<double>(keys) / secs, static_cast<double>(bytes) / 1e6 / secs, frac * 100,
            eta);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
};

}  // namespace redrock::dump
