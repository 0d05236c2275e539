// AccessClock implementation.
#include "engine/access_clock.h"

#include <functional>

#include "engine/key_format.h"

namespace redrock::engine {

AccessClock::AccessClock(size_t capacity, size_t shards)
    : per_shard_limit_(capacity / shards + 1), shards_(shards), start_ms_(NowMs()) {}

std::string AccessClock::Key(int db, std::string_view key) {
  return MetaKey(db, key);
}

AccessClock::Shard& AccessClock::ShardOf(const std::string& k) const {
  return shards_[std::hash<std::string>()(k) % shards_.size()];
}

void AccessClock::Touch(int db, std::string_view key, uint64_t now_ms) {
  std::string k = Key(db, key);
  Shard& shard = ShardOf(k);
  std::lock_guard<std::mutex> l(shard.mu);
  if (shard.last.size() >= per_shard_limit_) shard.last.clear();
  shard.last[std::move(k)] = now_ms;
}

uint64_t AccessClock::IdleMs(int db, std::string_view key, uint64_t now_ms) const {
  std::string k = Key(db, key);
  Shard& shard = ShardOf(k);
  std::lock_guard<std::mutex> l(shard.mu);
  auto it = shard.last.find(k);
  uint64_t last = it == shard.last.end() ? start_ms_.load() : it->second;
  return now_ms > last ? now_ms - last : 0;
}

void AccessClock::Clear(uint64_t now_ms) {
  for (auto& shard : shards_) {
    std::lock_guard<std::mutex> l(shard.mu);
    shard.last.clear();
  }
  start_ms_ = now_ms;
}

}  // namespace redrock::engine
