// Batch: one user command's writes, applied as a single atomic RocksDB WriteBatch. Besides
// the raw batch it keeps the expiry index and the exact per-db key counters in step with
// every meta record written or deleted, so callers cannot forget either.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include <rocksdb/write_batch.h>

#include "engine/key_format.h"
#include "engine/status.h"

namespace redrock::engine {

class Engine;
class Transaction;

class Batch {
 public:
  // Writes go to a batch of its own, or into the thread's Transaction when one is active.
  explicit Batch(Engine* engine);
  // Rolls back what was not committed (inside a transaction: this command's part only).
  ~Batch();
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  // Stores `meta` for (db, key). `old` is the record stored now (live or expired), read
  // under the key lock, or nullptr when there is none.
  void PutMeta(int db, std::string_view key, const MetaRecord* old, const MetaRecord& meta);
  // Deletes the record `old` stored for (db, key).
  void DeleteMeta(int db, std::string_view key, const MetaRecord& old);
  // Removes an expiry index entry whose meta record is gone or changed (expire cycle).
  void DeleteStaleExpireEntry(int db, uint64_t expire_ms, std::string_view key);

  // Where members of collections (data/zscore) are written.
  rocksdb::WriteBatchBase* raw() { return target_; }

  // Writes everything atomically with the engine's durability policy.
  Status Commit();

 private:
  void AddDelta(std::vector<std::pair<int, int64_t>>* deltas, int db, int64_t delta);

  Engine* engine_;
  rocksdb::WriteBatch batch_;
  Transaction* txn_;                 // the thread's transaction, or nullptr
  rocksdb::WriteBatchBase* target_;  // &batch_, or the transaction's indexed batch
  bool committed_ = false;
  std::vector<std::pair<int, int64_t>> key_deltas_;
  std::vector<std::pair<int, int64_t>> expire_deltas_;
};

}  // namespace redrock::engine
