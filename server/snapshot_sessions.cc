// Snapshots held by dump clients.
#include "server/snapshot_sessions.h"

#include <rocksdb/db.h>

#include "engine/engine.h"
#include "engine/key_format.h"
#include "server/client.h"

namespace redrock::server {

SnapshotSessions::~SnapshotSessions() {
  // Every connection closed before the server goes, so normally nothing is left here.
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, s] : sessions_)
    ReleaseLocked(&s);
}

Status SnapshotSessions::Begin(Client& client, engine::SnapshotFilter filter, uint64_t* keys) {
  const uint64_t id = client.id();
  bool first = false;
  engine::SnapshotReader* reader = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it != sessions_.end() && it->second.snapshot != nullptr) {
      return Status::InvalidArgument(
          "ERR this connection already holds a snapshot (SNAPSHOT END releases it)");
    }
    if (open_.load() >= kMaxOpen) {
      return Status::InvalidArgument("ERR too many open snapshots (at most " +
                                     std::to_string(kMaxOpen) +
                                     "); wait for a dump to finish or end one");
    }
    if (it == sessions_.end()) {
      it = sessions_.emplace(id, Session()).first;
      first = true;
    }
    Session& s = it->second;
    s.snapshot = engine_->db()->GetSnapshot();
    s.released_by_reload = false;
    s.reader = std::make_unique<engine::SnapshotReader>(engine_, s.snapshot, std::move(filter),
                                                        engine::NowMs());
    reader = s.reader.get();
    open_.fetch_add(1);
  }
  if (first) {
    // Once per connection: the entry lives until the connection closes.
    client.AddCloseHook([this, id]() { Forget(id); });
    client.AddResetHook([this, id]() { End(id); });
  }
  Status st = reader->CountKeys(keys);
  if (!st.ok()) End(id);
  return st;
}

engine::SnapshotReader* SnapshotSessions::Reader(uint64_t id, std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it != sessions_.end() && it->second.reader) return it->second.reader.get();
  if (it != sessions_.end() && it->second.released_by_reload) {
    *error = "ERR the snapshot was released by DEBUG RELOAD";
  } else {
    *error = "ERR no snapshot open on this connection (SNAPSHOT BEGIN first)";
  }
  return nullptr;
}

bool SnapshotSessions::End(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  it->second.released_by_reload = false;
  if (it->second.snapshot == nullptr) return false;
  ReleaseLocked(&it->second);
  return true;
}

void SnapshotSessions::ReleaseAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, s] : sessions_) {
    if (s.snapshot == nullptr) continue;
    ReleaseLocked(&s);
    s.released_by_reload = true;
  }
}

void SnapshotSessions::ReleaseLocked(Session* s) {
  s->reader.reset();
  if (s->snapshot == nullptr) return;
  // After Engine::Close the snapshot went with the database.
  if (engine_->db() != nullptr) engine_->db()->ReleaseSnapshot(s->snapshot);
  s->snapshot = nullptr;
  open_.fetch_sub(1);
}

void SnapshotSessions::Forget(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  ReleaseLocked(&it->second);
  sessions_.erase(it);
}

}  // namespace redrock::server
