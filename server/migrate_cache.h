// MIGRATE's cache of target connections, as Redis keeps one: a connection per "host:port"
// survives the command, remembers which db it last SELECTed, and is closed after 10 seconds
// unused. A connection is taken out while a MIGRATE uses it, so two io threads never share
// one; a second concurrent MIGRATE to the same target opens its own.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "server/sync_socket.h"

namespace redrock::server {

// A connection to a MIGRATE target.
struct MigrateConnection {
  std::unique_ptr<SyncSocket> socket;
  int64_t last_db = -1;  // the db SELECTed on it; -1 = unknown, SELECT next time
};

class MigrateConnectionCache {
 public:
  static constexpr int64_t kIdleMs = 10000;  // Redis's MIGRATE_SOCKET_CACHE_TTL
  static constexpr size_t kMaxItems = 64;    // Redis's MIGRATE_SOCKET_CACHE_ITEMS

  // The process-wide cache.
  static MigrateConnectionCache& Get();

  // Takes the cached connection to `target` ("host:port") out of the cache; an empty one
  // (no socket) when there is none.
  MigrateConnection Take(const std::string& target);
  // Hands a connection back after use; it is closed instead when the cache already holds one
  // for `target`. When the cache is full, the connection idle the longest is closed.
  void Put(const std::string& target, MigrateConnection conn, int64_t now_ms);
  // Closes the connections unused for more than kIdleMs (the server cron).
  void CloseIdle(int64_t now_ms);
  // Number of cached connections.
  size_t size() const;

 private:
  struct Entry {
    MigrateConnection conn;
    int64_t last_use_ms = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace redrock::server
