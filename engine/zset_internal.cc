// Sorted-set internals: bounded iterators, the reader of one set, member writes.
#include "engine/zset_internal.h"

#include <algorithm>

#include <rocksdb/db.h>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/member_iterator.h"
#include "engine/score_coding.h"
#include "engine/write_batch.h"

namespace redrock::engine::zset_internal {

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound();
  return Status::IOError(s.ToString());
}

std::string IndexKey(std::string_view prefix, double score, std::string_view member) {
  std::string k;
  k.reserve(prefix.size() + 8 + member.size());
  k.append(prefix);
  PutScore(&k, score);
  k.append(member);
  return k;
}

BoundedIterator::BoundedIterator(Engine* engine, const rocksdb::ReadOptions& ro,
                                 rocksdb::ColumnFamilyHandle* cf, std::string lo, std::string hi)
    : state_(std::make_unique<State>()) {
  state_->lo = std::move(lo);
  state_->hi = std::move(hi);
  state_->lo_slice = state_->lo;
  state_->hi_slice = state_->hi;
  state_->ro = ro;
  state_->ro.iterate_lower_bound = &state_->lo_slice;
  state_->ro.iterate_upper_bound = &state_->hi_slice;
  state_->it = engine->NewIterator(state_->ro, cf);
}

void BoundedIterator::SkipDownBelowHi() {
  while (state_->it->Valid() && state_->it->key().compare(state_->hi_slice) >= 0)
    state_->it->Prev();
}

void BoundedIterator::SeekToFirst() {
  state_->it->Seek(state_->lo_slice);
}

void BoundedIterator::SeekToLast() {
  state_->it->SeekForPrev(state_->hi_slice);
  SkipDownBelowHi();
}

void BoundedIterator::Seek(std::string_view target) {
  if (target < state_->lo) return SeekToFirst();
  state_->it->Seek(rocksdb::Slice(target.data(), target.size()));
}

void BoundedIterator::SeekForPrev(std::string_view target) {
  if (target >= state_->hi) return SeekToLast();
  state_->it->SeekForPrev(rocksdb::Slice(target.data(), target.size()));
  SkipDownBelowHi();
}

void BoundedIterator::SeekBefore(std::string_view target) {
  SeekForPrev(target);
  if (state_->it->Valid() && View(state_->it->key()) == target) state_->it->Prev();
}

bool BoundedIterator::Valid() const {
  if (!state_->it->Valid()) return false;
  rocksdb::Slice k = state_->it->key();
  return k.compare(state_->lo_slice) >= 0 && k.compare(state_->hi_slice) < 0;
}

void BoundedIterator::Next() {
  state_->it->Next();
}

void BoundedIterator::Prev() {
  state_->it->Prev();
}

ZSetReader::ZSetReader(Engine* engine, const rocksdb::ReadOptions& ro, int db, std::string_view key,
                       const MetaRecord& meta)
    : engine_(engine),
      ro_(ro),
      prefix_(DataPrefix(db, key, meta.version)),
      prefix_end_(PrefixSuccessor(prefix_)),
      size_(static_cast<int64_t>(meta.size)) {}

Status ZSetReader::GetScore(std::string_view member, double* score, bool* found) const {
  std::string k = prefix_;
  k.append(member);
  rocksdb::PinnableSlice value;
  rocksdb::Status s = engine_->Get(ro_, engine_->data_cf(), k, &value);
  *found = false;
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return FromRocks(s);
  if (value.size() != 8) return Status::Corruption("sorted set member without a score");
  *score = DecodeScore(value.data());
  *found = true;
  return Status::OK();
}

BoundedIterator ZSetReader::Index() const {
  return BoundedIterator(engine_, ro_, engine_->zscore_cf(), prefix_, prefix_end_);
}

BoundedIterator ZSetReader::Members() const {
  return BoundedIterator(engine_, ro_, engine_->data_cf(), prefix_, prefix_end_);
}

double ZSetReader::IndexScore(const rocksdb::Slice& index_key) const {
  return DecodeScore(index_key.data() + prefix_.size());
}

std::string_view ZSetReader::IndexMember(const rocksdb::Slice& index_key) const {
  return std::string_view(index_key.data() + prefix_.size() + 8,
                          index_key.size() - prefix_.size() - 8);
}

std::string_view ZSetReader::MemberOf(const rocksdb::Slice& data_key) const {
  return std::string_view(data_key.data() + prefix_.size(), data_key.size() - prefix_.size());
}

Status ZSetReader::CountBetween(const std::string& lo, const std::string& hi,
                                int64_t* count) const {
  *count = 0;
  if (lo >= hi || size_ == 0) return Status::OK();
  rocksdb::Slice lo_slice(lo), hi_slice(hi);
  BoundedIterator inside = Index(), below = Index(), above = Index();
  inside.Seek(lo);
  below.SeekToFirst();  // walks the keys < lo
  above.SeekToLast();   // walks the keys >= hi
  int64_t in = 0, out = 0;
  bool below_done = false, above_done = false;
  while (true) {
    if (!inside.Valid() || inside.key().compare(hi_slice) >= 0) {
      REDROCK_RETURN_IF_ERROR(inside.status());
      *count = in;
      return Status::OK();
    }
    in++;
    inside.Next();
    if (!below_done) {
      if (below.Valid() && below.key().compare(lo_slice) < 0) {
        out++;
        below.Next();
      } else {
        REDROCK_RETURN_IF_ERROR(below.status());
        below_done = true;
      }
    } else if (!above_done) {
      if (above.Valid() && above.key().compare(hi_slice) >= 0) {
        out++;
        above.Prev();
      } else {
        REDROCK_RETURN_IF_ERROR(above.status());
        above_done = true;
      }
    }
    if (below_done && above_done) {
      *count = size_ - out;
      return Status::OK();
    }
  }
}

void PutMember(Engine* engine, Batch* batch, std::string_view prefix, std::string_view member,
               double score) {
  std::string data_key(prefix);
  data_key.append(member);
  std::string value;
  PutScore(&value, score);
  batch->raw()->Put(engine->data_cf(), data_key, value);
  batch->raw()->Put(engine->zscore_cf(), IndexKey(prefix, score, member), rocksdb::Slice());
}

void DeleteMember(Engine* engine, Batch* batch, std::string_view prefix, std::string_view member,
                  double score) {
  std::string data_key(prefix);
  data_key.append(member);
  batch->raw()->Delete(engine->data_cf(), data_key);
  batch->raw()->Delete(engine->zscore_cf(), IndexKey(prefix, score, member));
}

void ChangeScore(Engine* engine, Batch* batch, std::string_view prefix, std::string_view member,
                 double from, double to) {
  batch->raw()->Delete(engine->zscore_cf(), IndexKey(prefix, from, member));
  PutMember(engine, batch, prefix, member, to);
}

bool FitsListpack(const ZSetLimits& limits, uint64_t size, size_t max_member_len) {
  return size <= static_cast<uint64_t>(std::max<int64_t>(limits.max_listpack_entries, 0)) &&
         max_member_len <= static_cast<uint64_t>(std::max<int64_t>(limits.max_listpack_value, 0));
}

Status StoreZSet(Engine* engine, const ZSetLimits& limits, Batch* batch, int db,
                 std::string_view dst, const std::vector<ScoredMember>& members) {
  MetaRecord old;
  bool stored = false;
  REDROCK_RETURN_IF_ERROR(Keyspace(engine).ReadMeta(db, dst, &old, &stored));
  if (members.empty()) {
    if (stored && !old.ExpiredAt(NowMs())) batch->DeleteMeta(db, dst, old);
    return Status::OK();
  }
  MetaRecord meta;
  meta.type = ValueType::kZSet;
  meta.version = engine->NewVersion();
  meta.size = members.size();
  std::string prefix = DataPrefix(db, dst, meta.version);
  size_t longest = 0;
  for (const ScoredMember& m : members) {
    PutMember(engine, batch, prefix, m.member, m.score);
    longest = std::max(longest, m.member.size());
  }
  if (!FitsListpack(limits, meta.size, longest)) meta.flags |= kMetaBigEncoding;
  batch->PutMeta(db, dst, stored ? &old : nullptr, meta);
  return Status::OK();
}

}  // namespace redrock::engine::zset_internal
