// Internals shared by the sorted-set files (zset_type.cc, zset_combine.cc): bounded
// iterators over one collection version, the reader of one sorted set, and the writes of one
// member to both column families. Not for use outside engine/zset_*.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/iterator.h>
#include <rocksdb/options.h>

#include "engine/key_format.h"
#include "engine/status.h"
#include "engine/zset_type.h"

namespace rocksdb {
class ColumnFamilyHandle;
}

namespace redrock::engine {

class Batch;

namespace zset_internal {

inline std::string_view View(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}
Status FromRocks(const rocksdb::Status& s);

// zscore-cf key of (score, member) under a collection prefix.
std::string IndexKey(std::string_view prefix, double score, std::string_view member);

// An iterator over the keys in [lo, hi) of one column family (RocksDB bounds, plus explicit
// checks, because a transaction's pending writes are merged in without bounds).
class BoundedIterator {
 public:
  BoundedIterator(Engine* engine, const rocksdb::ReadOptions& ro, rocksdb::ColumnFamilyHandle* cf,
                  std::string lo, std::string hi);

  void SeekToFirst();
  void SeekToLast();
  // First key >= target.
  void Seek(std::string_view target);
  // Last key <= target.
  void SeekForPrev(std::string_view target);
  // Last key < target.
  void SeekBefore(std::string_view target);
  bool Valid() const;
  void Next();
  void Prev();
  rocksdb::Slice key() const { return state_->it->key(); }
  rocksdb::Slice value() const { return state_->it->value(); }
  Status status() const { return FromRocks(state_->it->status()); }

 private:
  struct State {
    std::string lo, hi;
    rocksdb::Slice lo_slice, hi_slice;
    rocksdb::ReadOptions ro;
    std::unique_ptr<rocksdb::Iterator> it;
  };
  void SkipDownBelowHi();
  std::unique_ptr<State> state_;
};

// Reads of one sorted-set version, at `ro` (a snapshot, or the current state under the key
// lock).
class ZSetReader {
 public:
  ZSetReader(Engine* engine, const rocksdb::ReadOptions& ro, int db, std::string_view key,
             const MetaRecord& meta);

  const std::string& prefix() const { return prefix_; }
  int64_t size() const { return size_; }
  // The member's score; *found false when absent.
  Status GetScore(std::string_view member, double* score, bool* found) const;
  // The score index, in (score, member) order.
  BoundedIterator Index() const;
  // The members in byte order (data cf; values are scores).
  BoundedIterator Members() const;
  double IndexScore(const rocksdb::Slice& index_key) const;
  std::string_view IndexMember(const rocksdb::Slice& index_key) const;
  std::string_view MemberOf(const rocksdb::Slice& data_key) const;
  // Number of index keys in [lo, hi): walks the inside and the outside of the range in step
  // and stops with whichever ends first, so it costs O(min(count, size - count)).
  Status CountBetween(const std::string& lo, const std::string& hi, int64_t* count) const;

 private:
  Engine* engine_;
  rocksdb::ReadOptions ro_;
  std::string prefix_, prefix_end_;
  int64_t size_;
};

// Adds / removes one member in both column families (the meta size is the caller's).
void PutMember(Engine* engine, Batch* batch, std::string_view prefix, std::string_view member,
               double score);
void DeleteMember(Engine* engine, Batch* batch, std::string_view prefix, std::string_view member,
                  double score);
// Moves `member` from score `from` to `to`: its index entry moves, and its data record is
// overwritten in place (no tombstone before the new value).
void ChangeScore(Engine* engine, Batch* batch, std::string_view prefix, std::string_view member,
                 double from, double to);

// True when a sorted set of `size` members whose longest member has `max_member_len` bytes
// would be a listpack in Redis.
bool FitsListpack(const ZSetLimits& limits, uint64_t size, size_t max_member_len);

// Replaces whatever (db, dst) holds with a new sorted set of `members` (distinct), or deletes
// dst when `members` is empty: ZRANGESTORE and the STORE forms of ZUNION & co. The caller holds
// dst's key lock.
Status StoreZSet(Engine* engine, const ZSetLimits& limits, Batch* batch, int db,
                 std::string_view dst, const std::vector<ScoredMember>& members);

}  // namespace zset_internal
}  // namespace redrock::engine
