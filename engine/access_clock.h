// AccessClock: approximate last-access times of keys, in memory only, for OBJECT IDLETIME.
// Sharded and bounded: when a shard grows past its share of the capacity it is cleared,
// and keys it no longer knows report the time since the clock started (as if untouched
// since start-up), which is what a freshly restarted Redis would say of a loaded key.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace redrock::engine {

class AccessClock {
 public:
  explicit AccessClock(size_t capacity = 1 << 20, size_t shards = 64);
  AccessClock(const AccessClock&) = delete;
  AccessClock& operator=(const AccessClock&) = delete;

  // Records an access to (db, key) at now_ms.
  void Touch(int db, std::string_view key, uint64_t now_ms);
  // Milliseconds since the last recorded access (or since the clock started).
  uint64_t IdleMs(int db, std::string_view key, uint64_t now_ms) const;
  // Forgets everything (FLUSHALL, DEBUG RELOAD).
  void Clear(uint64_t now_ms);

 private:
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, uint64_t> last;
  };
  Shard& ShardOf(const std::string& k) const;
  static std::string Key(int db, std::string_view key);

  size_t per_shard_limit_;
  mutable std::vector<Shard> shards_;
  std::atomic<uint64_t> start_ms_;
};

}  // namespace redrock::engine
