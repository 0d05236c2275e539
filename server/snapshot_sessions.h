// The RocksDB snapshots clients hold for network dumps (SNAPSHOT BEGIN / NEXT / END, see
// server/snapshot_family.cc). Each belongs to one connection and goes away with SNAPSHOT END,
// RESET or the connection; at most kMaxOpen exist at once, because every one pins old
// versions of the keys written since it was taken (disk space, compaction work).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "engine/snapshot_reader.h"
#include "engine/status.h"

namespace rocksdb {
class Snapshot;
}

namespace redrock::engine {
class Engine;
}

namespace redrock::server {

class Client;

class SnapshotSessions {
 public:
  static constexpr size_t kMaxOpen = 16;

  explicit SnapshotSessions(engine::Engine* engine) : engine_(engine) {}
  ~SnapshotSessions();
  SnapshotSessions(const SnapshotSessions&) = delete;
  SnapshotSessions& operator=(const SnapshotSessions&) = delete;

  // Takes a snapshot for `client` (on its thread) and sets up its reader; *keys gets the
  // number of keys the filter's databases hold at it. InvalidArgument with the error text
  // when the client already holds one or kMaxOpen are open.
  Status Begin(Client& client, engine::SnapshotFilter filter, uint64_t* keys);
  // The reader of the snapshot client `id` holds (valid until that client's next END, RESET
  // or close, which happen on its own thread); nullptr with the error text in *error when
  // it holds none.
  engine::SnapshotReader* Reader(uint64_t id, std::string* error);
  // Releases client `id`'s snapshot; false when it held none.
  bool End(uint64_t id);
  // Releases every snapshot (DEBUG RELOAD, which closes the database under them); the
  // clients holding one get an error on their next NEXT. Only with every command excluded.
  void ReleaseAll();
  // Snapshots open now (INFO).
  size_t open() const { return open_.load(std::memory_order_relaxed); }

 private:
  struct Session {
    const rocksdb::Snapshot* snapshot = nullptr;
    std::unique_ptr<engine::SnapshotReader> reader;
    bool released_by_reload = false;
  };
  // Releases s's snapshot; mu_ held.
  void ReleaseLocked(Session* s);
  // The connection closed: its entry goes.
  void Forget(uint64_t id);

  engine::Engine* engine_;
  mutable std::mutex mu_;  // guards sessions_ (not the readers, used on their client's thread)
  // One entry per client that ever called BEGIN, until it disconnects (its hooks are set).
  std::unordered_map<uint64_t, Session> sessions_;
  std::atomic<size_t> open_{0};
};

}  // namespace redrock::server
