// MIGRATE's target connection cache. Sockets are closed outside the lock.
#include "server/migrate_cache.h"

#include <vector>

namespace redrock::server {

MigrateConnectionCache& MigrateConnectionCache::Get() {
  static MigrateConnectionCache* cache = new MigrateConnectionCache();  // never destroyed
  return *cache;
}

MigrateConnection MigrateConnectionCache::Take(const std::string& target) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(target);
  if (it == entries_.end()) return {};
  MigrateConnection conn = std::move(it->second.conn);
  entries_.erase(it);
  return conn;
}

void MigrateConnectionCache::Put(const std::string& target, MigrateConnection conn,
                                 int64_t now_ms) {
  MigrateConnection evicted;  // closed when this function returns, after the unlock
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.count(target) != 0) {
    evicted = std::move(conn);
    return;
  }
  if (entries_.size() >= kMaxItems) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.last_use_ms < oldest->second.last_use_ms) oldest = it;
    }
    evicted = std::move(oldest->second.conn);
    entries_.erase(oldest);
  }
  entries_[target] = Entry{std::move(conn), now_ms};
}

void MigrateConnectionCache::CloseIdle(int64_t now_ms) {
  std::vector<MigrateConnection> closing;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (now_ms - it->second.last_use_ms > kIdleMs) {
      closing.push_back(std::move(it->second.conn));
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

size_t MigrateConnectionCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace redrock::server
