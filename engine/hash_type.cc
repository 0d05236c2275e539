// Hash operations.
#include "engine/hash_type.h"

#include <cmath>
#include <limits>
#include <unordered_set>

#include <rocksdb/db.h>

#include "engine/collection.h"
#include "engine/engine.h"
#include "engine/key_locks.h"
#include "engine/numbers.h"
#include "engine/write_batch.h"

namespace redrock::engine {

namespace {

// Reads a field of the hash being written (under its key lock): *found false when absent.
Status ReadField(Engine* engine, int db, std::string_view key, const CollectionWrite& w,
                 std::string_view field, std::string* value, bool* found) {
  *found = false;
  if (!w.live) return Status::OK();  // a fresh version has no fields
  Status s =
      ReadMember(engine, rocksdb::ReadOptions(), MemberKey(db, key, w.meta.version, field), value);
  if (s.IsNotFound()) return Status::OK();
  REDROCK_RETURN_IF_ERROR(s);
  *found = true;
  return Status::OK();
}

}  // namespace

// Redis converts a listpack hash to a hashtable when a field or value written is longer than
// hash-max-listpack-value, or when it grows past hash-max-listpack-entries.
void HashType::NoteWrite(MetaRecord* meta, std::string_view field, std::string_view value) const {
  if (field.size() > limits_.max_listpack_value || value.size() > limits_.max_listpack_value) {
    meta->flags |= kMetaBigEncoding;
  }
}

void HashType::NoteSize(MetaRecord* meta) const {
  if (meta->size > limits_.max_listpack_entries) meta->flags |= kMetaBigEncoding;
}

Status HashType::Set(int db, std::string_view key, const FieldValues& fields, int64_t* added) {
  std::vector<int64_t> counts;
  REDROCK_RETURN_IF_ERROR(SetRun(db, key, fields, {fields.size()}, &counts));
  *added = counts[0];
  return Status::OK();
}

Status HashType::SetRun(int db, std::string_view key, const FieldValues& fields,
                        const std::vector<size_t>& group_ends, std::vector<int64_t>* added) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kHash, &w));
  Batch batch(engine_);
  // Redis checks every argument's length, including values a later duplicate overrides.
  for (const auto& [field, value] : fields)
    NoteWrite(&w.meta, field, value);
  // Walk backwards so the last value of a repeated field wins and each field is read once
  // (reads do not see this batch's own writes).
  std::unordered_map<std::string_view, bool> existed;
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    auto [pos, first] = existed.try_emplace(it->first, false);
    if (!first) continue;
    REDROCK_RETURN_IF_ERROR(ReadField(engine_, db, key, w, it->first, nullptr, &pos->second));
    if (!pos->second) w.meta.size++;
    batch.raw()->Put(engine_->data_cf(), MemberKey(db, key, w.meta.version, it->first), it->second);
  }
  CountNewPerGroup(
      fields, [](const auto& fv) { return fv.first; }, group_ends, &existed, added);
  NoteSize(&w.meta);
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status HashType::SetNx(int db, std::string_view key, std::string_view field, std::string_view value,
                       bool* applied) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kHash, &w));
  bool found;
  REDROCK_RETURN_IF_ERROR(ReadField(engine_, db, key, w, field, nullptr, &found));
  *applied = !found;
  if (found) return Status::OK();
  Batch batch(engine_);
  batch.raw()->Put(engine_->data_cf(), MemberKey(db, key, w.meta.version, field), value);
  w.meta.size++;
  NoteWrite(&w.meta, field, value);
  NoteSize(&w.meta);
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status HashType::Delete(int db, std::string_view key, const std::vector<std::string_view>& fields,
                        int64_t* removed) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kHash, &w));
  *removed = 0;
  if (!w.live) return Status::NotFound();
  Batch batch(engine_);
  std::unordered_set<std::string_view> done;
  for (std::string_view field : fields) {
    if (!done.insert(field).second) continue;
    bool found;
    REDROCK_RETURN_IF_ERROR(ReadField(engine_, db, key, w, field, nullptr, &found));
    if (!found) continue;
    batch.raw()->Delete(engine_->data_cf(), MemberKey(db, key, w.meta.version, field));
    w.meta.size--;
    (*removed)++;
  }
  if (*removed == 0) return Status::OK();
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status HashType::IncrBy(int db, std::string_view key, std::string_view field, int64_t delta,
                        int64_t* result) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kHash, &w));
  std::string old;
  bool found;
  REDROCK_RETURN_IF_ERROR(ReadField(engine_, db, key, w, field, &old, &found));
  int64_t current = 0;
  if (found && !ParseInt64(old, &current)) {
    return Status::InvalidArgument("ERR hash value is not an integer");
  }
  if ((delta < 0 && current < 0 && delta < std::numeric_limits<int64_t>::min() - current) ||
      (delta > 0 && current > 0 && delta > std::numeric_limits<int64_t>::max() - current)) {
    return Status::InvalidArgument("ERR increment or decrement would overflow");
  }
  *result = current + delta;
  std::string value = FormatInt64(*result);
  Batch batch(engine_);
  batch.raw()->Put(engine_->data_cf(), MemberKey(db, key, w.meta.version, field), value);
  if (!found) w.meta.size++;
  NoteWrite(&w.meta, field, value);
  NoteSize(&w.meta);
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status HashType::IncrByFloat(int db, std::string_view key, std::string_view field,
                             long double delta, std::string* result) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kHash, &w));
  std::string old;
  bool found;
  REDROCK_RETURN_IF_ERROR(ReadField(engine_, db, key, w, field, &old, &found));
  long double current = 0;
  if (found && !ParseLongDouble(old, &current)) {
    return Status::InvalidArgument("ERR hash value is not a float");
  }
  long double sum = current + delta;
  if (std::isnan(sum) || std::isinf(sum)) {
    return Status::InvalidArgument("ERR increment would produce NaN or Infinity");
  }
  *result = FormatLongDoubleHuman(sum);
  Batch batch(engine_);
  batch.raw()->Put(engine_->data_cf(), MemberKey(db, key, w.meta.version, field), *result);
  if (!found) w.meta.size++;
  NoteWrite(&w.meta, field, *result);
  NoteSize(&w.meta);
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status HashType::Get(int db, std::string_view key, std::string_view field,
                     std::optional<std::string>* value) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kHash, &meta));
  std::string v;
  Status s = ReadMember(engine_, snap.ro(), MemberKey(db, key, meta.version, field), &v);
  value->reset();
  if (s.IsNotFound()) return Status::OK();
  REDROCK_RETURN_IF_ERROR(s);
  *value = std::move(v);
  return Status::OK();
}

Status HashType::MGet(int db, std::string_view key, const std::vector<std::string_view>& fields,
                      std::vector<std::optional<std::string>>* values) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kHash, &meta));
  values->clear();
  values->reserve(fields.size());
  std::string prefix = DataPrefix(db, key, meta.version);
  std::string member_key;
  for (std::string_view field : fields) {
    member_key.assign(prefix).append(field);
    std::string v;
    Status s = ReadMember(engine_, snap.ro(), member_key, &v);
    if (s.IsNotFound()) {
      values->emplace_back(std::nullopt);
      continue;
    }
    REDROCK_RETURN_IF_ERROR(s);
    values->emplace_back(std::move(v));
  }
  return Status::OK();
}

Status HashType::Exists(int db, std::string_view key, std::string_view field, bool* exists) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kHash, &meta));
  Status s = ReadMember(engine_, snap.ro(), MemberKey(db, key, meta.version, field), nullptr);
  *exists = s.ok();
  return s.IsNotFound() ? Status::OK() : s;
}

Status HashType::StrLen(int db, std::string_view key, std::string_view field,
                        int64_t* length) const {
  std::optional<std::string> value;
  REDROCK_RETURN_IF_ERROR(Get(db, key, field, &value));
  *length = value ? static_cast<int64_t>(value->size()) : 0;
  return Status::OK();
}

Status HashType::Len(int db, std::string_view key, uint64_t* length) const {
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, rocksdb::ReadOptions(), db, key, ValueType::kHash, &meta));
  *length = meta.size;
  return Status::OK();
}

Status HashType::GetAll(int db, std::string_view key, bool with_values, const SizeFn& on_size,
                        const FieldFn& on_field) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kHash, &meta));
  on_size(meta.size);
  MemberIterator it(engine_, snap.ro(), DataPrefix(db, key, meta.version));
  for (it.SeekToFirst(); it.Valid(); it.Next())
    on_field(it.member(), with_values ? it.value() : std::string_view());
  return it.status();
}

Status HashType::RandomFields(int db, std::string_view key, uint64_t count, bool with_values,
                              std::vector<SampledMember>* out) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kHash, &meta));
  MemberIterator it(engine_, snap.ro(), DataPrefix(db, key, meta.version));
  return MemberSampler(&it, meta.size, with_values).Distinct(count, out);
}

Status HashType::RandomFieldsWithRepeats(int db, std::string_view key, uint64_t count,
                                         bool with_values, const SizeFn& on_size,
                                         const MemberSampler::DrawFn& draw) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kHash, &meta));
  on_size(meta.size);
  MemberIterator it(engine_, snap.ro(), DataPrefix(db, key, meta.version));
  return MemberSampler(&it, meta.size, with_values).WithRepeats(count, draw);
}

Status HashType::Scan(int db, std::string_view key, const ResumeFn& resume, size_t count,
                      std::optional<std::string_view> match, MemberPage* page,
                      uint64_t* version) const {
  return ScanCollection(engine_, db, key, ValueType::kHash, resume, count, match, true, page,
                        version);
}

const char* HashType::Encoding(const MetaRecord& meta) {
  return (meta.flags & kMetaBigEncoding) ? "hashtable" : "listpack";
}

}  // namespace redrock::engine
