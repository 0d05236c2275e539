// Server-wide counters for INFO. Hot counters live per io thread, each written only by its
// own thread (plain loads and stores, no locked instructions) and summed when INFO reads them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace redrock::server {

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
  ThreadCounter usec;
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
      commands[i].usec.Reset();
      commands[i].rejected.Reset();
      commands[i].failed.Reset();
    }
  }
};

}  // namespace redrock::server
