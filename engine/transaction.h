// Transaction: an atomic group of commands (MULTI/EXEC). While a Transaction is active on a
// thread:
//   - it holds the key locks of every key the group names (taken up front, in stripe order),
//     so the commands' own KeyLockGuards are no-ops on that thread;
//   - every Batch committed on that thread lands in the transaction's indexed write batch
//     instead of RocksDB, and the engine's reads on that thread see those pending writes;
//   - Commit() writes the whole group as one RocksDB WriteBatch: all or nothing, also
//     across a crash.
// A command that fails half-way rolls back its own part only (Redis semantics: the other
// commands of the group still apply).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/status.h"

namespace rocksdb {
class WriteBatchWithIndex;
}

namespace redrock::engine {

class Engine;
class KeyLockGuard;
class AllKeysLockGuard;

class Transaction {
 public:
  // Locks every (db, key) of `keys` and makes this the thread's current transaction.
  Transaction(Engine* engine, const std::vector<std::pair<int, std::string>>& keys);
  // Locks every stripe instead: for groups whose keys cannot all be named up front.
  struct AllKeys {};
  Transaction(Engine* engine, AllKeys);
  // Discards whatever was not committed, releases the locks.
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Writes all pending changes atomically with the engine's durability policy.
  Status Commit();

  // The transaction running on this thread, or nullptr.
  static Transaction* Current();

  // --- used by Batch and Engine ---
  rocksdb::WriteBatchWithIndex* batch() { return batch_.get(); }
  void AddDeltas(const std::vector<std::pair<int, int64_t>>& key_deltas,
                 const std::vector<std::pair<int, int64_t>>& expire_deltas);
  // Keys / expires the pending writes add to `db` (DBSIZE inside MULTI sees them).
  int64_t PendingKeyDelta(int db) const;
  int64_t PendingExpireDelta(int db) const;

 private:
  Engine* engine_;
  std::unique_ptr<KeyLockGuard> locks_;
  std::unique_ptr<AllKeysLockGuard> all_locks_;
  std::unique_ptr<rocksdb::WriteBatchWithIndex> batch_;
  std::vector<std::pair<int, int64_t>> key_deltas_;
  std::vector<std::pair<int, int64_t>> expire_deltas_;
  Transaction* previous_;
};

}  // namespace redrock::engine
