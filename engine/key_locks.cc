// Striped key locks.
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

KeyLocks::KeyLocks(size_t stripes) : mutexes_(stripes) {}

size_t KeyLocks::StripeOf(int db, std::string_view key) const {
  size_t h = std::hash<std::string_view>()(key);
  h ^= static_cast<size_t>(db) * 0x9e3779b97f4a7c15ULL;
  return h % mutexes_.size();
}

KeyLockGuard::KeyLockGuard(KeyLocks& locks, int db, std::string_view key) : locks_(locks) {
  if (Transaction::Current() != nullptr) return;  // the transaction holds every lock needed
  held_.push_back(locks.StripeOf(db, key));
  locks_.Stripe(held_[0]).lock();
  locks_held++;
}

KeyLockGuard::KeyLockGuard(KeyLocks& locks,
                           const std::vector<std::pair<int, std::string_view>>& keys)
    : locks_(locks) {
  if (Transaction::Current() != nullptr) return;
  held_.reserve(keys.size());
  for (const auto& [db, key] : keys)
    held_.push_back(locks.StripeOf(db, key));
  std::sort(held_.begin(), held_.end());
  held_.erase(std::unique(held_.begin(), held_.end()), held_.end());
  for (size_t i : held_)
    locks_.Stripe(i).lock();
  locks_held++;
}

KeyLockGuard::~KeyLockGuard() {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it)
    locks_.Stripe(*it).unlock();
  locks_held--;
}

AllKeysLockGuard::AllKeysLockGuard(KeyLocks& locks) : locks_(locks) {
  for (size_t i = 0; i < locks_.stripes(); i++)
    locks_.Stripe(i).lock();
  locks_held++;
}

AllKeysLockGuard::~AllKeysLockGuard() {
  for (size_t i = locks_.stripes(); i-- > 0;)
    locks_.Stripe(i).unlock();
  locks_held--;
}

}  // namespace redrock::engine
