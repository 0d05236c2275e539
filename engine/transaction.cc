// Transaction: thread-bound indexed batch plus up-front key locks.
#include "engine/transaction.h"

#include <rocksdb/utilities/write_batch_with_index.h>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/key_format.h"
#include "engine/key_locks.h"

namespace redrock::engine {

namespace {
thread_local Transaction* current = nullptr;

void Accumulate(std::vector<std::pair<int, int64_t>>* into,
                const std::vector<std::pair<int, int64_t>>& from) {
  for (const auto& [db, delta] : from) {
    bool found = false;
    for (auto& [d, v] : *into) {
      if (d == db) {
        v += delta;
        found = true;
      }
    }
    if (!found) into->emplace_back(db, delta);
  }
}
}  // namespace

Transaction::Transaction(Engine* engine, const std::vector<std::pair<int, std::string>>& keys)
    : engine_(engine),
      batch_(std::make_unique<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                            /*overwrite_key=*/true)),
      previous_(current) {
  std::vector<std::pair<int, std::string_view>> views(keys.begin(), keys.end());
  locks_ = std::make_unique<KeyLockGuard>(engine->locks(), views);
  current = this;
}

Transaction::Transaction(Engine* engine, AllKeys)
    : engine_(engine),
      batch_(std::make_unique<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                            /*overwrite_key=*/true)),
      previous_(current) {
  all_locks_ = std::make_unique<AllKeysLockGuard>(engine->locks());
  current = this;
}

Transaction::~Transaction() {
  current = previous_;
  locks_.reset();
  all_locks_.reset();
}

Transaction* Transaction::Current() {
  return current;
}

void Transaction::AddDeltas(const std::vector<std::pair<int, int64_t>>& key_deltas,
                            const std::vector<std::pair<int, int64_t>>& expire_deltas) {
  Accumulate(&key_deltas_, key_deltas);
  Accumulate(&expire_deltas_, expire_deltas);
}

int64_t Transaction::PendingKeyDelta(int db) const {
  int64_t n = 0;
  for (const auto& [d, v] : key_deltas_)
    n += d == db ? v : 0;
  return n;
}

int64_t Transaction::PendingExpireDelta(int db) const {
  int64_t n = 0;
  for (const auto& [d, v] : expire_deltas_)
    n += d == db ? v : 0;
  return n;
}

Status Transaction::Commit() {
  rocksdb::WriteBatch* wb = batch_->GetWriteBatch();
  for (const auto& [db, delta] : key_deltas_) {
    if (delta == 0) continue;
    std::string operand;
    PutFixed64(&operand, static_cast<uint64_t>(delta));
    wb->Merge(engine_->internal_cf(), KeyCountKey(db), operand);
  }
  for (const auto& [db, delta] : expire_deltas_) {
    if (delta == 0) continue;
    std::string operand;
    PutFixed64(&operand, static_cast<uint64_t>(delta));
    wb->Merge(engine_->internal_cf(), ExpireCountKey(db), operand);
  }
  Status s = wb->Count() == 0 ? Status::OK() : engine_->Commit(wb, key_deltas_, expire_deltas_);
  batch_->Clear();
  key_deltas_.clear();
  expire_deltas_.clear();
  return s;
}

}  // namespace redrock::engine
