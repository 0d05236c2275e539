// Striped key locks and the WATCH version slots.
#include "engine/key_locks.h"

#include "engine/transaction.h"

#include <algorithm>
#include <functional>

namespace redrock::engine {

namespace {
thread_local int locks_held = 0;
}  // namespace

bool KeyLockGuard::HeldByThisThread() {
  return locks_held > 0;
}

KeyLocks::KeyLocks(size_t stripes)
    : mutexes_(stripes), versions_(new std::atomic<uint64_t>[size_t{1} << kSlotBits]) {
  for (size_t i = 0; i < (size_t{1} << kSlotBits); i++)
    versions_[i].store(0, std::memory_order_relaxed);
}

size_t KeyLocks::HashOf(int db, std::string_view key) {
  size_t h = std::hash<std::string_view>()(key);
  return h ^ (static_cast<size_t>(db) * 0x9e3779b97f4a7c15ULL);
}

void KeyLocks::StartWatching() {
  watchers_.fetch_add(1, std::memory_order_seq_cst);
  // Pairs with the fence in BumpSlots: either a writer sees us, or our later reads see it.
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

void KeyLocks::StopWatching() {
  watchers_.fetch_sub(1, std::memory_order_relaxed);
}

uint64_t KeyLocks::Version(int db, std::string_view key) const {
  return versions_[SlotOf(HashOf(db, key))].load(std::memory_order_acquire);
}

void KeyLocks::BumpSlots(const uint32_t* slots, size_t n) {
  // The guard's writes are committed; make them globally visible before looking at
  // watchers_, so a watcher that registers after this load reads our data (Dekker pattern
  // with StartWatching).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (watchers_.load(std::memory_order_relaxed) <= 0) return;
  for (size_t i = 0; i < n; i++)
    versions_[slots[i]].fetch_add(1, std::memory_order_release);
}

KeyLockGuard::KeyLockGuard(KeyLocks& locks, int db, std::string_view key) : locks_(locks) {
  locks_held++;
  if (Transaction::Current() != nullptr) return;  // the transaction holds every lock needed
  const size_t h = KeyLocks::HashOf(db, key);
  held_.push_back(h % locks.stripes());
  slots_.push_back(KeyLocks::SlotOf(h));
  locks_.Stripe(held_[0]).lock();
}

KeyLockGuard::KeyLockGuard(KeyLocks& locks,
                           const std::vector<std::pair<int, std::string_view>>& keys)
    : locks_(locks) {
  locks_held++;
  if (Transaction::Current() != nullptr) return;
  held_.reserve(keys.size());
  slots_.reserve(keys.size());
  for (const auto& [db, key] : keys) {
    const size_t h = KeyLocks::HashOf(db, key);
    held_.push_back(h % locks.stripes());
    slots_.push_back(KeyLocks::SlotOf(h));
  }
  std::sort(held_.begin(), held_.end());
  held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
  for (size_t i : held_)
    locks_.Stripe(i).lock();
}

KeyLockGuard::~KeyLockGuard() {
  if (!held_.empty()) locks_.BumpSlots(slots_.data(), slots_.size());
  for (auto it = held_.rbegin(); it != held_.rend(); ++it)
    locks_.Stripe(*it).unlock();
  locks_held--;
}

void KeyLocks::BumpFlushCount(int db) {
  if (db >= 0) {
    flushes_[static_cast<size_t>(db) % kFlushCounters].fetch_add(1, std::memory_order_release);
    return;
  }
  for (auto& counter : flushes_)
    counter.fetch_add(1, std::memory_order_release);
}

AllKeysLockGuard::AllKeysLockGuard(KeyLocks& locks, int flushed_db)
    : locks_(locks), flushed_db_(flushed_db) {
  for (size_t i = 0; i < locks_.stripes(); i++)
    locks_.Stripe(i).lock();
  locks_held++;
}

AllKeysLockGuard::~AllKeysLockGuard() {
  if (flushed_db_ == kNoFlush) {
    locks_.BumpEpoch();
  } else {
    locks_.BumpFlushCount(flushed_db_);
  }
  for (size_t i = locks_.stripes(); i-- > 0;)
    locks_.Stripe(i).unlock();
  locks_held--;
}

}  // namespace redrock::engine
