// Server-wide counters for INFO. Hot counters live per io thread, each written only by its
// own thread (plain loads and stores, no locked instructions) and summed when INFO reads them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace redrock::server {

// Cheap timestamps for per-command timing: the CPU's time-stamp counter on x86-64 (a few ns,
// no vDSO call), converted to microseconds only when INFO reads the totals.
class CycleClock {
 public:
  static uint64_t Now() {
#if defined(__x86_64__)
    return __rdtsc();
#else
    return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
  }
  // Converts a tick count to microseconds, calibrated against steady_clock since first use.
  static double ToMicros(uint64_t ticks) {
    static const Origin origin;
    const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now() - origin.time)
                            .count();
    const uint64_t now_ticks = Now() - origin.ticks;
    if (now_ns <= 0 || now_ticks == 0) return 0;
    return static_cast<double>(ticks) * (static_cast<double>(now_ns) / 1000.0) /
           static_cast<double>(now_ticks);
  }

 private:
  struct Origin {
    std::chrono::steady_clock::time_point time = std::chrono::steady_clock::now();
    uint64_t ticks = Now();
  };
};

// A counter with a single writer thread and any number of readers.
class ThreadCounter {
 public:
  void Add(uint64_t n = 1) {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t Get() const { return v_.load(std::memory_order_relaxed); }
  void Reset() { v_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

// Per-command counters (INFO commandstats).
struct CommandCounters {
  ThreadCounter calls;
  ThreadCounter ticks;     // CycleClock ticks spent in the handler
  ThreadCounter rejected;  // refused before running (arity, auth)
  ThreadCounter failed;    // ran and replied with an error
};

// Counters owned by one io thread.
struct ThreadStats {
  explicit ThreadStats(size_t command_ids)
      : commands(new CommandCounters[command_ids]), size(command_ids) {}

  ThreadCounter commands_processed;
  ThreadCounter net_input_bytes;
  ThreadCounter net_output_bytes;
  ThreadCounter keyspace_hits;
  ThreadCounter keyspace_misses;
  ThreadCounter error_replies;
  ThreadCounter write_commands;  // executed commands flagged kCmdWrite (changes since save)
  std::unique_ptr<CommandCounters[]> commands;  // indexed by CommandSpec::id
  size_t size;

  void Reset() {
    commands_processed.Reset();
    net_input_bytes.Reset();
    net_output_bytes.Reset();
    keyspace_hits.Reset();
    keyspace_misses.Reset();
    error_replies.Reset();
    for (size_t i = 0; i < size; ++i) {
      commands[i].calls.Reset();
      commands[i].ticks.Reset();
      commands[i].rejected.Reset();
      commands[i].failed.Reset();
    }
  }
};

}  // namespace redrock::server
