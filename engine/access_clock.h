// AccessClock: approximate last-access times of keys, in memory only, for OBJECT IDLETIME.
// A fixed direct-mapped table of atomic slots, each holding a tag from the key's hash and
// the access time: touching a key is one hash and one relaxed store, with no lock and no
// allocation (it runs for every key of every command). When another key lands in the same
// slot, or after Clear, a key reports the time since the clock started (as if untouched
// since start-up), which is what a freshly restarted Redis would say of a loaded key.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

namespace redrock::engine {

class AccessClock {
 public:
  // `slots` is rounded up to a power of two; 8 bytes each.
  explicit AccessClock(size_t slots = 1 << 20);
  AccessClock(const AccessClock&) = delete;
  AccessClock& operator=(const AccessClock&) = delete;

  // Records an access to (db, key) at now_ms.
  void Touch(int db, std::string_view key, uint64_t now_ms);
  // Milliseconds since the last recorded access (or since the clock started).
  uint64_t IdleMs(int db, std::string_view key, uint64_t now_ms) const;
  // Forgets everything (FLUSHALL, DEBUG RELOAD).
  void Clear(uint64_t now_ms);

 private:
  // A slot: tag in the top kTagBits, the access time in Unix ms below (42 bits last until
  // the year 2109); 0 = empty.
  static constexpr int kTagBits = 22;
  static constexpr uint64_t kTimeMask = (uint64_t{1} << (64 - kTagBits)) - 1;
  static uint64_t Hash(int db, std::string_view key);

  size_t mask_;
  std::unique_ptr<std::atomic<uint64_t>[]> slots_;
  std::atomic<uint64_t> start_ms_;
};

}  // namespace redrock::engine
