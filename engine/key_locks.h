// Striped per-key locks for read-modify-write commands. A key maps to one of a fixed number
// of mutexes; multi-key operations lock their stripes in ascending order, so two commands can
// never deadlock, and LockAll (FLUSHDB, DEBUG RELOAD) excludes every writer.
#pragma once

#include <cstddef>
#include <mutex>
#include <string_view>
#include <vector>

namespace redrock::engine {

class KeyLocks {
 public:
  explicit KeyLocks(size_t stripes = 1024);
  KeyLocks(const KeyLocks&) = delete;
  KeyLocks& operator=(const KeyLocks&) = delete;

  // The stripe guarding (db, key).
  size_t StripeOf(int db, std::string_view key) const;
  std::mutex& Stripe(size_t i) { return mutexes_[i]; }
  size_t stripes() const { return mutexes_.size(); }

 private:
  std::vector<std::mutex> mutexes_;
};

// Holds the stripes of a set of keys (possibly in several dbs) for its lifetime.
class KeyLockGuard {
 public:
  // True while the calling thread holds any key lock (guards against self-deadlock in code
  // that may be reached both with and without locks held).
  static bool HeldByThisThread();

  KeyLockGuard(KeyLocks& locks, int db, std::string_view key);
  // Locks every (db, key) pair given.
  KeyLockGuard(KeyLocks& locks, const std::vector<std::pair<int, std::string_view>>& keys);
  ~KeyLockGuard();
  KeyLockGuard(const KeyLockGuard&) = delete;
  KeyLockGuard& operator=(const KeyLockGuard&) = delete;

 private:
  KeyLocks& locks_;
  std::vector<size_t> held_;  // ascending stripe indices
};

// Holds every stripe: no other writer runs while it lives.
class AllKeysLockGuard {
 public:
  explicit AllKeysLockGuard(KeyLocks& locks);
  ~AllKeysLockGuard();
  AllKeysLockGuard(const AllKeysLockGuard&) = delete;
  AllKeysLockGuard& operator=(const AllKeysLockGuard&) = delete;

 private:
  KeyLocks& locks_;
};

}  // namespace redrock::engine
