// Batch: meta writes with their expiry-index and counter bookkeeping.
#include "engine/write_batch.h"

#include <rocksdb/utilities/write_batch_with_index.h>
#include "engine/coding.h"

#include "engine/engine.h"
#include "engine/transaction.h"

namespace redrock::engine {

Batch::Batch(Engine* engine) : engine_(engine), txn_(Transaction::Current()), target_(&batch_) {
  if (txn_ != nullptr) {
    target_ = txn_->batch();
    target_->SetSavePoint();
  }
}

Batch::~Batch() {
  if (txn_ != nullptr && !committed_) target_->RollbackToSavePoint();
}

void Batch::AddDelta(std::vector<std::pair<int, int64_t>>* deltas, int db, int64_t delta) {
  for (auto& [d, v] : *deltas) {
    if (d == db) {
      v += delta;
      return;
    }
  }
  deltas->emplace_back(db, delta);
}

void Batch::PutMeta(int db, std::string_view key, const MetaRecord* old, const MetaRecord& meta) {
  if (old == nullptr) AddDelta(&key_deltas_, db, 1);
  uint64_t old_expire = old ? old->expire_ms : 0;
  if (old_expire != meta.expire_ms) {
    if (old_expire != 0) {
      target_->Delete(engine_->expire_cf(), ExpireKey(db, old_expire, key));
      AddDelta(&expire_deltas_, db, -1);
    }
    if (meta.expire_ms != 0) {
      target_->Put(engine_->expire_cf(), ExpireKey(db, meta.expire_ms, key), "");
      AddDelta(&expire_deltas_, db, 1);
    }
  }
  target_->Put(engine_->meta_cf(), MetaKey(db, key), EncodeMeta(meta));
}

void Batch::DeleteMeta(int db, std::string_view key, const MetaRecord& old) {
  target_->Delete(engine_->meta_cf(), MetaKey(db, key));
  AddDelta(&key_deltas_, db, -1);
  if (old.expire_ms != 0) {
    target_->Delete(engine_->expire_cf(), ExpireKey(db, old.expire_ms, key));
    AddDelta(&expire_deltas_, db, -1);
  }
}

void Batch::DeleteStaleExpireEntry(int db, uint64_t expire_ms, std::string_view key) {
  // A stale entry still counts as a key (its meta record was dropped by the compaction filter
  // without the counters knowing), so removing it removes one key and one expire.
  target_->Delete(engine_->expire_cf(), ExpireKey(db, expire_ms, key));
  AddDelta(&key_deltas_, db, -1);
  AddDelta(&expire_deltas_, db, -1);
}

Status Batch::Commit() {
  committed_ = true;
  if (txn_ != nullptr) {
    // Part of a MULTI/EXEC: the transaction writes everything at its own commit.
    target_->PopSavePoint();
    txn_->AddDeltas(key_deltas_, expire_deltas_);
    return Status::OK();
  }
  if (batch_.Count() == 0) return Status::OK();
  for (const auto& [db, delta] : key_deltas_) {
    if (delta == 0) continue;
    std::string operand;
    PutFixed64(&operand, static_cast<uint64_t>(delta));
    batch_.Merge(engine_->internal_cf(), KeyCountKey(db), operand);
  }
  for (const auto& [db, delta] : expire_deltas_) {
    if (delta == 0) continue;
    std::string operand;
    PutFixed64(&operand, static_cast<uint64_t>(delta));
    batch_.Merge(engine_->internal_cf(), ExpireCountKey(db), operand);
  }
  return engine_->Commit(&batch_, key_deltas_, expire_deltas_);
}

}  // namespace redrock::engine
