// SLOWLOG: the most recent commands whose execution took at least `slowlog-log-slower-than`
// microseconds (negative: none, 0: every command), at most `slowlog-max-len` of them, newest
// first. As in Redis 7.0: the time is the command's own execution (not reading the request or
// sending the reply), an entry keeps at most 32 arguments of at most 128 bytes each, the
// arguments of AUTH, HELLO's AUTH and MIGRATE's AUTH/AUTH2 are shown as "(redacted)", EXEC is
// not logged (the commands it runs are), and ids keep growing across SLOWLOG RESET.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "protocol/request_parser.h"

namespace redrock::server {

class Client;
class CommandTable;
struct CommandSpec;

class SlowLog {
 public:
  struct Entry {
    int64_t id = 0;
    int64_t unix_time = 0;  // seconds
    int64_t micros = 0;
    std::vector<std::string> args;  // already cut and redacted
    std::string addr;
    std::string name;
  };

  void set_threshold_us(int64_t us) { threshold_us_.store(us, std::memory_order_relaxed); }
  void set_max_len(int64_t n) { max_len_.store(n, std::memory_order_relaxed); }

  // Cheap pre-check for the dispatcher: false when a command that took `ticks` CycleClock
  // ticks cannot be slow enough (the clock runs at 1 GHz or faster), without converting.
  bool MayLog(uint64_t ticks) const {
    const int64_t t = threshold_us_.load(std::memory_order_relaxed);
    return t >= 0 && ticks >= static_cast<uint64_t>(t) * 1000;
  }
  // Logs the command when `micros` reaches the threshold.
  void Add(const Client& client, const CommandSpec& spec, const protocol::Request& args,
           double micros);

  // Up to `count` entries (negative: all), newest first.
  std::vector<Entry> Get(int64_t count) const;
  size_t size() const;
  void Reset();

 private:
  std::atomic<int64_t> threshold_us_{10000};
  std::atomic<int64_t> max_len_{128};
  mutable std::mutex mu_;
  std::deque<Entry> entries_;  // newest at the front
  int64_t next_id_ = 0;
};

}  // namespace redrock::server
