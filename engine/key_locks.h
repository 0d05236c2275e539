// Striped per-key locks for read-modify-write commands. A key maps to one of a fixed number
// of mutexes; multi-key operations lock their stripes in ascending order, so two commands can
// never deadlock, and LockAll (FLUSHDB, DEBUG RELOAD) excludes every writer.
//
// The table also tells WATCH whether a key may have changed. Every key is hashed to a
// version slot (a table much finer than the stripes); while at least one client watches keys,
// a KeyLockGuard bumps the versions of its keys just before it unlocks, and an
// AllKeysLockGuard bumps a global epoch, or for a flush the flush counter of the flushed db.
// Every write happens under one of those guards, so "the versions and the epoch a watcher
// recorded are unchanged, read under the keys' locks" proves that nobody wrote those keys
// since, and an unchanged flush counter that no flush emptied them. (Redis counts a flush as a
// change of the watched keys that existed only, hence the separate counters.) A guard that wrote
// nothing, or another key sharing a slot, makes the check fail spuriously (rare; WATCH then aborts
// an EXEC that Redis would have run, which callers retry anyway).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
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
  size_t StripeOf(int db, std::string_view key) const { return HashOf(db, key) % mutexes_.size(); }
  std::mutex& Stripe(size_t i) { return mutexes_[i]; }
  size_t stripes() const { return mutexes_.size(); }

  // --- modification tracking for WATCH ---
  // A client starts / stops watching keys; versions are bumped only while someone watches.
  // StartWatching() must come before the first Version() read of that client.
  void StartWatching();
  void StopWatching();
  // The version of (db, key)'s slot and the global epoch. Read them before reading the data
  // they vouch for; compare them again while holding the keys' locks.
  uint64_t Version(int db, std::string_view key) const;
  uint64_t Epoch() const { return epoch_.load(std::memory_order_acquire); }
  // How many flushes emptied `db` (counters are shared by dbs equal modulo kFlushCounters,
  // which can only make a watcher fail spuriously). Read it before reading the key.
  uint64_t FlushCount(int db) const {
    return flushes_[static_cast<size_t>(db) % kFlushCounters].load(std::memory_order_acquire);
  }

 private:
  friend class KeyLockGuard;
  friend class AllKeysLockGuard;
  static constexpr int kSlotBits = 16;
  static constexpr size_t kFlushCounters = 64;

  static size_t HashOf(int db, std::string_view key);
  static uint32_t SlotOf(size_t hash) {
    return static_cast<uint32_t>((hash * 0x9e3779b97f4a7c15ULL) >> (64 - kSlotBits));
  }
  // Called by guards just before they unlock.
  void BumpSlots(const uint32_t* slots, size_t n);
  void BumpEpoch() { epoch_.fetch_add(1, std::memory_order_release); }
  // db < 0: every db.
  void BumpFlushCount(int db);

  std::vector<std::mutex> mutexes_;
  std::atomic<int64_t> watchers_{0};
  std::atomic<uint64_t> epoch_{0};
  std::atomic<uint64_t> flushes_[kFlushCounters] = {};
  std::unique_ptr<std::atomic<uint64_t>[]> versions_;
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
  std::vector<size_t> held_;     // ascending stripe indices
  std::vector<uint32_t> slots_;  // version slots of the keys (WATCH)
};

// Holds every stripe: no other writer runs while it lives.
class AllKeysLockGuard {
 public:
  static constexpr int kNoFlush = -2;
  static constexpr int kAllDbs = -1;
  // For a write that may touch any key: counts as a change of every watched key.
  explicit AllKeysLockGuard(KeyLocks& locks) : AllKeysLockGuard(locks, kNoFlush) {}
  // For emptying db `flushed_db` (kAllDbs: every db): counts as a change of the watched keys
  // of that db that existed.
  AllKeysLockGuard(KeyLocks& locks, int flushed_db);
  ~AllKeysLockGuard();
  AllKeysLockGuard(const AllKeysLockGuard&) = delete;
  AllKeysLockGuard& operator=(const AllKeysLockGuard&) = delete;

 private:
  KeyLocks& locks_;
  int flushed_db_;
};

}  // namespace redrock::engine
