// Value streams in and out of the database.
#include "engine/value_io.h"

#include <rocksdb/db.h>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/numbers.h"
#include "engine/score_coding.h"
#include "engine/write_batch.h"

namespace redrock::engine {

namespace {

// The slot of a new list's first element: see engine/list_type.cc (the middle of the
// index range, so both ends can grow).
constexpr uint64_t kFirstListSlot = uint64_t{1} << 63;

// Redis 7.0's default conversion limits (hash/set/zset-max-*): a restored value gets the
// encoding flag Redis would give it when loading.
constexpr uint64_t kHashMaxListpackEntries = 512, kHashMaxListpackValue = 64;
constexpr uint64_t kSetMaxIntsetEntries = 512;
constexpr uint64_t kZSetMaxListpackEntries = 128, kZSetMaxListpackValue = 64;

}  // namespace

Status DecodeStoredMember(ValueType type, std::string_view sub, std::string_view val,
                          ValueElement* e) {
  switch (type) {
    case ValueType::kList:
      e->member = val;
      break;
    case ValueType::kSet:
      e->member = sub;
      break;
    case ValueType::kHash:
      e->member = sub;
      e->value = val;
      break;
    case ValueType::kZSet:
      if (val.size() != 8) return Status::Corruption("sorted set member without a score");
      e->member = sub;
      e->score = DecodeScore(val.data());
      break;
    case ValueType::kString:
      return Status::Corruption("a string has no members");
  }
  return Status::OK();
}

Status StreamStoredValue(rocksdb::Iterator* data_it, int db, std::string_view key,
                         const MetaRecord& meta, ValueSink* sink) {
  if (meta.type == ValueType::kString) {
    REDROCK_RETURN_IF_ERROR(sink->Begin(ValueType::kString, 1));
    REDROCK_RETURN_IF_ERROR(sink->Add({meta.value, {}, 0}));
    return sink->End();
  }
  REDROCK_RETURN_IF_ERROR(sink->Begin(meta.type, meta.size));
  const std::string prefix = DataPrefix(db, key, meta.version);
  uint64_t n = 0;
  for (data_it->Seek(prefix); data_it->Valid() && data_it->key().starts_with(prefix);
       data_it->Next()) {
    std::string_view sub(data_it->key().data() + prefix.size(),
                         data_it->key().size() - prefix.size());
    std::string_view val(data_it->value().data(), data_it->value().size());
    ValueElement e;
    REDROCK_RETURN_IF_ERROR(DecodeStoredMember(meta.type, sub, val, &e));
    if (++n > meta.size) break;
    REDROCK_RETURN_IF_ERROR(sink->Add(e));
  }
  if (!data_it->status().ok()) return Status::IOError(data_it->status().ToString());
  if (n != meta.size) {
    return Status::Corruption("collection has " + std::to_string(n) + " members, its record says " +
                              std::to_string(meta.size));
  }
  return sink->End();
}

StoredValueWriter::StoredValueWriter(Engine* engine, Batch* batch, int db, std::string key,
                                     uint64_t expire_ms, const MetaRecord* old)
    : engine_(engine), batch_(batch), db_(db), key_(std::move(key)), has_old_(old != nullptr) {
  if (old) old_ = *old;
  meta_.expire_ms = expire_ms;
}

void StoredValueWriter::SetFlush(Batch** batch, std::function<Status()> flush, uint64_t every,
                                 bool recount) {
  batch_ref_ = batch;
  flush_ = std::move(flush);
  flush_every_ = every;
  recount_ = recount;
}

Status StoredValueWriter::Begin(ValueType type, uint64_t) {
  meta_.type = type;
  meta_.size = 0;
  if (type != ValueType::kString) {
    meta_.version = engine_->NewVersion();
    prefix_ = DataPrefix(db_, key_, meta_.version);
    list_tail_ = kFirstListSlot;
  }
  return Status::OK();
}

void StoredValueWriter::NoteEncoding(const ValueElement& e) {
  int64_t iv;
  switch (meta_.type) {
    case ValueType::kHash:
      if (e.member.size() > kHashMaxListpackValue || e.value.size() > kHashMaxListpackValue ||
          meta_.size > kHashMaxListpackEntries)
        meta_.flags |= kMetaBigEncoding;
      break;
    case ValueType::kSet:
      if (!ParseInt64(e.member, &iv) || meta_.size > kSetMaxIntsetEntries)
        meta_.flags |= kMetaBigEncoding;
      break;
    case ValueType::kZSet:
      if (e.member.size() > kZSetMaxListpackValue || meta_.size > kZSetMaxListpackEntries)
        meta_.flags |= kMetaBigEncoding;
      break;
    default:
      break;
  }
}

Status StoredValueWriter::Add(const ValueElement& e) {
  if (meta_.type == ValueType::kString) {
    if (meta_.size++ > 0) return Status::Corruption("string value with several parts");
    meta_.value.assign(e.member);
    return Status::OK();
  }
  if (meta_.type != ValueType::kList && !seen_.emplace(e.member).second) {
    return Status::Corruption("duplicate member in a " + std::string(TypeName(meta_.type)));
  }
  meta_.size++;
  NoteEncoding(e);
  rocksdb::WriteBatchBase* raw = batch()->raw();
  std::string k = prefix_;
  switch (meta_.type) {
    case ValueType::kList:
      PutFixed64(&k, list_tail_++);
      raw->Put(engine_->data_cf(), k, rocksdb::Slice(e.member.data(), e.member.size()));
      break;
    case ValueType::kSet:
      k.append(e.member);
      raw->Put(engine_->data_cf(), k, rocksdb::Slice());
      break;
    case ValueType::kHash:
      k.append(e.member);
      raw->Put(engine_->data_cf(), k, rocksdb::Slice(e.value.data(), e.value.size()));
      break;
    case ValueType::kZSet: {
      std::string score;
      PutScore(&score, e.score);
      k.append(e.member);
      raw->Put(engine_->data_cf(), k, score);
      std::string index = prefix_;
      index.append(score);
      index.append(e.member);
      raw->Put(engine_->zscore_cf(), index, rocksdb::Slice());
      break;
    }
    case ValueType::kString:
      break;
  }
  if (flush_ && ++since_flush_ >= flush_every_) return Flush();
  return Status::OK();
}

void StoredValueWriter::PutMeta() {
  if (meta_.type == ValueType::kList) {
    meta_.value.clear();
    PutFixed64(&meta_.value, kFirstListSlot);
    PutFixed64(&meta_.value, list_tail_);
  }
  batch()->PutMeta(db_, key_, has_old_ ? &old_ : nullptr, meta_);
  old_ = meta_;
  has_old_ = true;
}

Status StoredValueWriter::Flush() {
  // The record goes out with the first members: the GC compaction filter drops members
  // whose record is missing.
  PutMeta();
  REDROCK_RETURN_IF_ERROR(flush_());
  since_flush_ = 0;
  spanned_ = true;
  // Later duplicates are caught by the recount in End, not by this set.
  seen_.clear();
  return Status::OK();
}

Status StoredValueWriter::End() {
  if (meta_.size == 0) return Status::Corruption("empty value");
  if (spanned_ && recount_ && meta_.type != ValueType::kList && meta_.type != ValueType::kString) {
    // Members went out in several batches: count what landed; a duplicate across batches
    // overwrote its first copy and shows as a missing member.
    REDROCK_RETURN_IF_ERROR(Flush());
    std::unique_ptr<rocksdb::Iterator> it(
        engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->data_cf()));
    uint64_t n = 0;
    for (it->Seek(prefix_); it->Valid() && it->key().starts_with(prefix_); it->Next())
      n++;
    if (!it->status().ok()) return Status::IOError(it->status().ToString());
    if (n != meta_.size) {
      return Status::Corruption("duplicate member in a " + std::string(TypeName(meta_.type)));
    }
  }
  PutMeta();
  return Status::OK();
}

}  // namespace redrock::engine
