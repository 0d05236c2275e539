// Reading the whole keyspace at one RocksDB snapshot, a bounded amount per call, for dumps
// of a running server (SNAPSHOT NEXT): keys come in (db, key) order, and a big collection
// comes in pieces, so neither the server nor the reader's client ever holds one whole.
// Reads take no key locks and never block writers; the snapshot keeps every key as it was.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/key_format.h"
#include "engine/status.h"
#include "engine/value_sink.h"

namespace rocksdb {
class Snapshot;
class Iterator;
}  // namespace rocksdb

namespace redrock::engine {

class Engine;

struct SnapshotFilter {
  int db = -1;        // -1: every database
  std::string match;  // glob over key names; empty: every key
};

// How much one Next call may deliver. A call stops starting pieces once `pieces` were
// delivered or `bytes` (keys and elements) were reached, and stops stepping over keys that
// fail the filter after `visited` meta records; a string value always comes whole.
struct SnapshotLimits {
  size_t pieces = 1000;
  size_t bytes = 4 << 20;
  size_t visited = 10000;
  size_t piece_elements = 1024;  // elements per piece of a collection, at most
  size_t piece_bytes = 1 << 20;  // bytes per piece, about (one element may overshoot)
};

// The key a piece belongs to, and where the piece sits in its value.
struct SnapshotPiece {
  int db = 0;
  std::string_view key;
  ValueType type = ValueType::kString;
  uint64_t expire_ms = 0;  // absolute unix ms; 0 = none
  uint64_t size = 0;       // elements of the whole value (strings: 1)
  uint64_t offset = 0;     // index of the piece's first element; 0 = the key's first piece
};

class SnapshotVisitor {
 public:
  virtual ~SnapshotVisitor() = default;
  // A piece starts; its elements follow, then EndPiece.
  virtual void StartPiece(const SnapshotPiece& piece) = 0;
  // One element (a string value is one element). Views are valid during the call only.
  virtual void Element(const ValueElement& e) = 0;
  // The piece ended; `more`: further pieces of the same key follow.
  virtual void EndPiece(bool more) = 0;
};

class SnapshotReader {
 public:
  // Reads `engine` at `snapshot`, which the caller keeps until the reader is gone. Keys
  // whose TTL passed at `now_ms` are left out, as Redis leaves them out of an RDB file.
  SnapshotReader(Engine* engine, const rocksdb::Snapshot* snapshot, SnapshotFilter filter,
                 uint64_t now_ms);
  SnapshotReader(const SnapshotReader&) = delete;
  SnapshotReader& operator=(const SnapshotReader&) = delete;

  // Keys the selected databases hold at the snapshot, by the engine's counters (expired
  // keys not yet removed count, as for DBSIZE).
  Status CountKeys(uint64_t* keys) const;
  // Delivers the next pieces, continuing where the last call stopped. *done once every key
  // was delivered (then further calls deliver nothing). A call may deliver nothing and not
  // be done when it only stepped over keys failing the filter.
  Status Next(const SnapshotLimits& limits, SnapshotVisitor* visitor, bool* done);

 private:
  // Delivers pieces of the current value until it is complete or the call's budget is spent.
  Status EmitValue(rocksdb::Iterator* data, const SnapshotLimits& limits, SnapshotVisitor* visitor);
  // Where a scan of `db` starts: the first key that can match the filter.
  std::string FirstKey(int db) const;
  bool budget_left(const SnapshotLimits& limits) const {
    return pieces_ < limits.pieces && bytes_ < limits.bytes;
  }

  Engine* engine_;
  const rocksdb::Snapshot* snapshot_;
  SnapshotFilter filter_;
  std::string literal_;  // the filter's literal prefix
  uint64_t now_ms_;

  bool started_ = false;
  bool done_ = false;
  std::string next_meta_;  // the meta key the scan continues at

  // The value being delivered, when a call stopped inside it.
  bool in_value_ = false;
  int db_ = 0;
  std::string key_;
  MetaRecord meta_;
  uint64_t sent_ = 0;      // elements delivered so far
  std::string next_data_;  // the data key its next element is at or after

  // Per call.
  size_t pieces_ = 0;
  size_t bytes_ = 0;
};

}  // namespace redrock::engine
