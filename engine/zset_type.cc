// Sorted-set operations on one key: ZADD, ZREM, point reads, ranges, pops, random members and
// ZSCAN. The multi-key algebra (ZUNION & co.) is in zset_combine.cc.
#include "engine/zset_type.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include <rocksdb/db.h>

#include "engine/coding.h"
#include "engine/collection.h"
#include "engine/engine.h"
#include "engine/glob.h"
#include "engine/key_locks.h"
#include "engine/member_iterator.h"
#include "engine/member_sample.h"
#include "engine/score_coding.h"
#include "engine/write_batch.h"
#include "engine/zset_internal.h"

namespace redrock::engine {

using zset_internal::BoundedIterator;
using zset_internal::ChangeScore;
using zset_internal::DeleteMember;
using zset_internal::FitsListpack;
using zset_internal::IndexKey;
using zset_internal::PutMember;
using zset_internal::ZSetReader;

namespace {

constexpr std::string_view kNaNError = "ERR resulting score is not a number (NaN)";

// One bound as Redis's zslParseRange: strtod on the C string (so leading spaces, hex, "inf" and
// an empty string all pass, and an embedded NUL ends the number), NaN refused.
bool ParseScoreBound(std::string_view text, double* value, bool* exclusive) {
  std::string buf(text);
  const char* p = buf.c_str();
  *exclusive = false;
  if (*p == '(') {
    p++;
    *exclusive = true;
  }
  char* end = nullptr;
  *value = std::strtod(p, &end);
  return *end == '\0' && !std::isnan(*value);
}

// One bound as Redis's zslParseLexItem.
bool ParseLexBound(std::string_view text, LexBound* bound) {
  if (text.empty()) return false;
  switch (text[0]) {
    case '+':
    case '-':
      // Redis checks the byte after the sign against NUL, so "+\0junk" passes too.
      if (text.size() > 1 && text[1] != '\0') return false;
      bound->kind = text[0] == '+' ? LexBound::Kind::kPlusInf : LexBound::Kind::kMinusInf;
      bound->exclusive = true;
      bound->value.clear();
      return true;
    case '(':
    case '[':
      bound->kind = LexBound::Kind::kValue;
      bound->exclusive = text[0] == '(';
      bound->value.assign(text.substr(1));
      return true;
    default:
      return false;
  }
}

bool LexGteMin(std::string_view v, const LexBound& min) {
  switch (min.kind) {
    case LexBound::Kind::kMinusInf:
      return true;
    case LexBound::Kind::kPlusInf:
      return false;
    default: {
      int c = v.compare(min.value);
      return min.exclusive ? c > 0 : c >= 0;
    }
  }
}

bool LexLteMax(std::string_view v, const LexBound& max) {
  switch (max.kind) {
    case LexBound::Kind::kMinusInf:
      return false;
    case LexBound::Kind::kPlusInf:
      return true;
    default: {
      int c = v.compare(max.value);
      return max.exclusive ? c < 0 : c <= 0;
    }
  }
}

// Redis's sdscmplex: the infinities sort outside every value.
int CompareLexBounds(const LexBound& a, const LexBound& b) {
  using Kind = LexBound::Kind;
  if (a.kind == b.kind && a.kind != Kind::kValue) return 0;
  if (a.kind == Kind::kMinusInf || b.kind == Kind::kPlusInf) return -1;
  if (a.kind == Kind::kPlusInf || b.kind == Kind::kMinusInf) return 1;
  return a.value.compare(b.value);
}

bool LexRangeEmpty(const LexRange& r) {
  int c = CompareLexBounds(r.min, r.max);
  return c > 0 || (c == 0 && (r.min.exclusive || r.max.exclusive));
}

// Index keys [lo, hi) of a score range. An exclusive end moves one step in the sortable
// encoding, which is the next representable double (or an unused code next to the infinities).
std::string ScoreLowKey(std::string_view prefix, const ScoreRange& r) {
  std::string k(prefix);
  uint64_t bits = ScoreToSortable(r.min);
  PutFixed64(&k, r.min_exclusive ? bits + 1 : bits);
  return k;
}

std::string ScoreHighKey(std::string_view prefix, const ScoreRange& r) {
  std::string k(prefix);
  uint64_t bits = ScoreToSortable(r.max);
  PutFixed64(&k, r.max_exclusive ? bits : bits + 1);
  return k;
}

// Index keys [lo, hi) of a lex range within members that all have `score`.
// The low key takes the first member at or after the bound; the high key, the first one past
// it: both are the value itself, or the first member after it ("value\0") when the bound
// leaves the value out of a low end or keeps it in a high one.
std::string LexBoundKey(std::string_view prefix, double score, const LexBound& b, bool high) {
  std::string k(prefix);
  uint64_t bits = ScoreToSortable(score);
  if (b.kind == LexBound::Kind::kPlusInf) {
    PutFixed64(&k, bits + 1);
    return k;
  }
  PutFixed64(&k, bits);
  if (b.kind == LexBound::Kind::kValue) {
    k.append(b.value);
    if (b.exclusive != high) k.push_back('\0');
  }
  return k;
}

void Emit(const ZSetReader& r, const BoundedIterator& it, std::vector<ScoredMember>* out) {
  out->push_back({std::string(r.IndexMember(it.key())), r.IndexScore(it.key())});
}

// Index entries in [lo, hi), forward or from the top down: skips `offset`, then takes up to
// `limit` (< 0 = all). A negative offset selects nothing, as in Redis (its skip loop runs off
// the end).
Status SelectInterval(const ZSetReader& r, const std::string& lo, const std::string& hi,
                      bool reverse, int64_t offset, int64_t limit, std::vector<ScoredMember>* out) {
  if (lo >= hi || offset < 0 || limit == 0) return Status::OK();
  BoundedIterator it = r.Index();
  rocksdb::Slice lo_slice(lo), hi_slice(hi);
  auto in_range = [&] {
    return it.Valid() && it.key().compare(lo_slice) >= 0 && it.key().compare(hi_slice) < 0;
  };
  auto step = [&] { reverse ? it.Prev() : it.Next(); };
  if (reverse) {
    it.SeekBefore(hi);
  } else {
    it.Seek(lo);
  }
  for (; offset > 0 && in_range(); offset--)
    step();
  for (; limit != 0 && in_range(); limit--) {
    Emit(r, it, out);
    step();
  }
  return it.status();
}

// Ranks [start, stop] with Redis's index rules, walking from the nearer end of the index:
// O(min(rank, n - rank) + count), where a skiplist would be O(log n + count).
Status SelectByRank(const ZSetReader& r, int64_t start, int64_t stop, bool reverse,
                    std::vector<ScoredMember>* out) {
  const int64_t n = r.size();
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return Status::OK();
  if (stop >= n) stop = n - 1;
  // Ascending ranks [lo, hi] of the selection.
  const int64_t lo = reverse ? n - 1 - stop : start;
  const int64_t hi = reverse ? n - 1 - start : stop;
  const bool from_front = lo <= n - 1 - hi;
  BoundedIterator it = r.Index();
  out->reserve(static_cast<size_t>(hi - lo + 1));
  if (from_front) {
    it.SeekToFirst();
    for (int64_t i = 0; i < lo && it.Valid(); i++)
      it.Next();
  } else {
    it.SeekToLast();
    for (int64_t i = n - 1; i > hi && it.Valid(); i--)
      it.Prev();
  }
  for (int64_t i = lo; i <= hi && it.Valid(); i++) {
    Emit(r, it, out);
    from_front ? it.Next() : it.Prev();
  }
  REDROCK_RETURN_IF_ERROR(it.status());
  // Collected ascending from the front or descending from the back; the reply wants
  // descending for REV.
  if (from_front == reverse) std::reverse(out->begin(), out->end());
  return Status::OK();
}

// The first and last index entries (the set is not empty).
Status Ends(const ZSetReader& r, ScoredMember* first, ScoredMember* last) {
  BoundedIterator it = r.Index();
  it.SeekToFirst();
  if (!it.Valid()) return it.status().ok() ? Status::Corruption("empty sorted set") : it.status();
  *first = {std::string(r.IndexMember(it.key())), r.IndexScore(it.key())};
  it.SeekToLast();
  if (!it.Valid()) return it.status().ok() ? Status::Corruption("empty sorted set") : it.status();
  *last = {std::string(r.IndexMember(it.key())), r.IndexScore(it.key())};
  return Status::OK();
}

// Lex ranges. Redis defines them for sets whose members all have one score; then the range is
// an interval of the index and we seek straight to it. With mixed scores we follow Redis's
// listpack walk (its skiplist's answer depends on random node levels): the first member in
// score order that is >= min, then onwards while <= max (backwards from the end for REV),
// after the same "is the range in the set at all" check on the first and last members.
// `count_only` counts into *count instead of collecting.
Status SelectLex(const ZSetReader& r, const LexRange& range, bool reverse, int64_t offset,
                 int64_t limit, std::vector<ScoredMember>* out, int64_t* count = nullptr) {
  if (count) *count = 0;
  if (r.size() == 0 || LexRangeEmpty(range)) return Status::OK();
  ScoredMember first, last;
  REDROCK_RETURN_IF_ERROR(Ends(r, &first, &last));
  if (!LexGteMin(last.member, range.min) || !LexLteMax(first.member, range.max)) {
    return Status::OK();
  }
  if (first.score == last.score) {
    std::string lo = LexBoundKey(r.prefix(), first.score, range.min, false);
    std::string hi = LexBoundKey(r.prefix(), first.score, range.max, true);
    if (count) return r.CountBetween(lo, hi, count);
    return SelectInterval(r, lo, hi, reverse, offset, limit, out);
  }
  if (offset < 0 || limit == 0) return Status::OK();
  BoundedIterator it = r.Index();
  auto step = [&] { reverse ? it.Prev() : it.Next(); };
  auto at_start = [&](std::string_view m) {
    return reverse ? LexLteMax(m, range.max) : LexGteMin(m, range.min);
  };
  auto in_range = [&](std::string_view m) {
    return reverse ? LexGteMin(m, range.min) : LexLteMax(m, range.max);
  };
  reverse ? it.SeekToLast() : it.SeekToFirst();
  while (it.Valid() && !at_start(r.IndexMember(it.key())))
    step();
  for (; offset > 0 && it.Valid(); offset--)
    step();
  for (; limit != 0 && it.Valid() && in_range(r.IndexMember(it.key())); limit--) {
    if (count) {
      ++*count;
    } else {
      Emit(r, it, out);
    }
    step();
  }
  return it.status();
}

Status Select(const ZSetReader& r, const ZRangeSpec& spec, std::vector<ScoredMember>* out) {
  switch (spec.by) {
    case ZRangeSpec::By::kRank:
      return SelectByRank(r, spec.start, spec.stop, spec.reverse, out);
    case ZRangeSpec::By::kScore:
      return SelectInterval(r, ScoreLowKey(r.prefix(), spec.score),
                            ScoreHighKey(r.prefix(), spec.score), spec.reverse, spec.offset,
                            spec.limit, out);
    case ZRangeSpec::By::kLex:
      return SelectLex(r, spec.lex, spec.reverse, spec.offset, spec.limit, out);
  }
  return Status::OK();
}

// The size of a selection (offset/limit ignored), cheaply where the range allows: rank
// arithmetic, or a CountBetween walk of the shorter side.
Status CountSelection(const ZSetReader& r, const ZRangeSpec& spec, int64_t* count) {
  switch (spec.by) {
    case ZRangeSpec::By::kRank: {
      const int64_t n = r.size();
      int64_t start = spec.start, stop = spec.stop;
      if (start < 0) start += n;
      if (stop < 0) stop += n;
      if (start < 0) start = 0;
      if (stop >= n) stop = n - 1;
      *count = start > stop || start >= n ? 0 : stop - start + 1;
      return Status::OK();
    }
    case ZRangeSpec::By::kScore:
      return r.CountBetween(ScoreLowKey(r.prefix(), spec.score),
                            ScoreHighKey(r.prefix(), spec.score), count);
    case ZRangeSpec::By::kLex:
      return SelectLex(r, spec.lex, false, 0, -1, nullptr, count);
  }
  return Status::OK();
}

}  // namespace

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* range) {
  return ParseScoreBound(min, &range->min, &range->min_exclusive) &&
         ParseScoreBound(max, &range->max, &range->max_exclusive);
}

bool ParseLexRange(std::string_view min, std::string_view max, LexRange* range) {
  return ParseLexBound(min, &range->min) && ParseLexBound(max, &range->max);
}

Status ZSetType::Add(int db, std::string_view key,
                     const std::vector<std::pair<double, std::string_view>>& items,
                     const ZAddOptions& o, ZAddResult* result) {
  return AddGroups(db, key, items, o, result, nullptr, nullptr);
}

Status ZSetType::AddRun(int db, std::string_view key,
                        const std::vector<std::pair<double, std::string_view>>& items,
                        const std::vector<size_t>& group_ends, std::vector<int64_t>* added) {
  ZAddResult result;
  return AddGroups(db, key, items, ZAddOptions(), &result, &group_ends, added);
}

Status ZSetType::AddGroups(int db, std::string_view key,
                           const std::vector<std::pair<double, std::string_view>>& items,
                           const ZAddOptions& o, ZAddResult* result,
                           const std::vector<size_t>* group_ends,
                           std::vector<int64_t>* group_added) {
  *result = ZAddResult();
  if (group_ends != nullptr) group_added->assign(group_ends->size(), 0);
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kZSet, &w));
  if (!w.live && o.xx) return Status::OK();  // XX never creates the key
  ZSetReader reader(engine_, rocksdb::ReadOptions(), db, key, w.meta);
  const std::string& prefix = reader.prefix();
  Batch batch(engine_);
  // Scores this command already wrote: a member named twice sees its first change, as in
  // Redis, whether or not reads see the batch (they do only inside MULTI).
  std::unordered_map<std::string_view, double> touched;
  size_t longest_added = 0;
  size_t group = 0;
  for (size_t i = 0; i < items.size(); i++) {
    const auto& [score, member] = items[i];
    if (group_ends != nullptr) {
      while (group < group_ends->size() && i >= (*group_ends)[group])
        group++;
    }
    double current = 0;
    bool exists = false;
    if (auto t = touched.find(member); t != touched.end()) {
      current = t->second;
      exists = true;
    } else if (w.live) {
      REDROCK_RETURN_IF_ERROR(reader.GetScore(member, &current, &exists));
    }
    double next = score;
    if (exists) {
      if (o.nx) continue;
      if (o.incr) {
        next = current + score;
        if (std::isnan(next)) return Status::InvalidArgument(std::string(kNaNError));
      }
      if ((o.lt && next >= current) || (o.gt && next <= current)) continue;
      if (next != current) {  // -0 == +0: no change
        ChangeScore(engine_, &batch, prefix, member, current, next);
        touched[member] = next;
        result->updated++;
      }
    } else {
      if (o.xx) continue;
      PutMember(engine_, &batch, prefix, member, next);
      touched[member] = next;
      w.meta.size++;
      result->added++;
      if (group_ends != nullptr && group < group_added->size()) (*group_added)[group]++;
      longest_added = std::max(longest_added, member.size());
    }
    result->processed = true;
    result->score = next;  // the reply shows -0 for a new "-0" member; it is stored as 0
  }
  if (result->added == 0 && result->updated == 0) return Status::OK();
  if (!FitsListpack(limits_, w.meta.size, longest_added)) w.meta.flags |= kMetaBigEncoding;
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status ZSetType::Remove(int db, std::string_view key, const std::vector<std::string_view>& members,
                        int64_t* removed) {
  *removed = 0;
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kZSet, &w));
  if (!w.live) return Status::OK();
  ZSetReader reader(engine_, rocksdb::ReadOptions(), db, key, w.meta);
  Batch batch(engine_);
  std::unordered_set<std::string_view> seen;
  for (std::string_view member : members) {
    if (!seen.insert(member).second) continue;
    double score;
    bool found;
    REDROCK_RETURN_IF_ERROR(reader.GetScore(member, &score, &found));
    if (!found) continue;
    DeleteMember(engine_, &batch, reader.prefix(), member, score);
    w.meta.size--;
    ++*removed;
  }
  if (*removed == 0) return Status::OK();
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status ZSetType::Card(int db, std::string_view key, int64_t* size) const {
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, rocksdb::ReadOptions(), db, key, ValueType::kZSet, &meta));
  *size = static_cast<int64_t>(meta.size);
  return Status::OK();
}

Status ZSetType::Score(int db, std::string_view key, std::string_view member,
                       std::optional<double>* score) const {
  std::vector<std::optional<double>> scores;
  REDROCK_RETURN_IF_ERROR(MScore(db, key, {member}, &scores));
  *score = scores[0];
  return Status::OK();
}

Status ZSetType::MScore(int db, std::string_view key, const std::vector<std::string_view>& members,
                        std::vector<std::optional<double>>* scores) const {
  scores->assign(members.size(), std::nullopt);
  ReadSnapshot view(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, view.ro(), db, key, ValueType::kZSet, &meta));
  ZSetReader reader(engine_, view.ro(), db, key, meta);
  for (size_t i = 0; i < members.size(); i++) {
    double score;
    bool found;
    REDROCK_RETURN_IF_ERROR(reader.GetScore(members[i], &score, &found));
    if (found) (*scores)[i] = score;
  }
  return Status::OK();
}

Status ZSetType::Rank(int db, std::string_view key, std::string_view member, bool reverse,
                      std::optional<int64_t>* rank) const {
  rank->reset();
  ReadSnapshot view(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, view.ro(), db, key, ValueType::kZSet, &meta));
  ZSetReader reader(engine_, view.ro(), db, key, meta);
  double score;
  bool found;
  REDROCK_RETURN_IF_ERROR(reader.GetScore(member, &score, &found));
  if (!found) return Status::OK();
  int64_t before;
  REDROCK_RETURN_IF_ERROR(
      reader.CountBetween(reader.prefix(), IndexKey(reader.prefix(), score, member), &before));
  *rank = reverse ? reader.size() - 1 - before : before;
  return Status::OK();
}

Status ZSetType::Count(int db, std::string_view key, const ScoreRange& range,
                       int64_t* count) const {
  ReadSnapshot view(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, view.ro(), db, key, ValueType::kZSet, &meta));
  ZSetReader reader(engine_, view.ro(), db, key, meta);
  return reader.CountBetween(ScoreLowKey(reader.prefix(), range),
                             ScoreHighKey(reader.prefix(), range), count);
}

Status ZSetType::LexCount(int db, std::string_view key, const LexRange& range,
                          int64_t* count) const {
  ReadSnapshot view(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, view.ro(), db, key, ValueType::kZSet, &meta));
  ZSetReader reader(engine_, view.ro(), db, key, meta);
  return SelectLex(reader, range, false, 0, -1, nullptr, count);
}

Status ZSetType::Range(int db, std::string_view key, const ZRangeSpec& spec,
                       std::vector<ScoredMember>* out) const {
  out->clear();
  ReadSnapshot view(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, view.ro(), db, key, ValueType::kZSet, &meta));
  return Select(ZSetReader(engine_, view.ro(), db, key, meta), spec, out);
}

Status ZSetType::RangeStore(int db, std::string_view dst, std::string_view src,
                            const ZRangeSpec& spec, int64_t* stored) {
  *stored = 0;
  KeyLockGuard guard(engine_->locks(), {{db, dst}, {db, src}});
  MetaRecord meta;
  std::vector<ScoredMember> selected;
  Status s =
      LoadCollectionForRead(engine_, rocksdb::ReadOptions(), db, src, ValueType::kZSet, &meta);
  if (s.ok()) {
    REDROCK_RETURN_IF_ERROR(
        Select(ZSetReader(engine_, rocksdb::ReadOptions(), db, src, meta), spec, &selected));
  } else if (!s.IsNotFound()) {
    return s;
  }
  Batch batch(engine_);
  REDROCK_RETURN_IF_ERROR(zset_internal::StoreZSet(engine_, limits_, &batch, db, dst, selected));
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *stored = static_cast<int64_t>(selected.size());
  return Status::OK();
}

Status ZSetType::RemoveRange(int db, std::string_view key, const ZRangeSpec& spec,
                             int64_t* removed) {
  *removed = 0;
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kZSet, &w));
  if (!w.live) return Status::OK();
  ZSetReader reader(engine_, rocksdb::ReadOptions(), db, key, w.meta);
  ZRangeSpec forward = spec;
  forward.reverse = false;
  forward.offset = 0;
  forward.limit = -1;
  int64_t count;
  REDROCK_RETURN_IF_ERROR(CountSelection(reader, forward, &count));
  if (count == 0) return Status::OK();
  Batch batch(engine_);
  if (count == reader.size()) {
    // Everything goes: as for DEL, dropping the meta record is enough; the members of the
    // dead version are garbage for the compaction filter. O(1) writes whatever the size.
    w.meta.size = 0;
  } else {
    std::vector<ScoredMember> selected;
    REDROCK_RETURN_IF_ERROR(Select(reader, forward, &selected));
    for (const ScoredMember& m : selected)
      DeleteMember(engine_, &batch, reader.prefix(), m.member, m.score);
    count = static_cast<int64_t>(selected.size());
    w.meta.size -= selected.size();
  }
  FinishCollectionWrite(&batch, db, key, w);
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *removed = count;
  return Status::OK();
}

Status ZSetType::Pop(int db, const std::vector<std::string_view>& keys, bool max, int64_t count,
                     std::string* popped_key, std::vector<ScoredMember>* out,
                     bool skip_wrong_type) {
  out->clear();
  std::vector<std::pair<int, std::string_view>> lock_keys;
  for (std::string_view k : keys)
    lock_keys.emplace_back(db, k);
  KeyLockGuard guard(engine_->locks(), lock_keys);
  for (std::string_view key : keys) {
    CollectionWrite w;
    Status s = LoadCollectionForWrite(engine_, db, key, ValueType::kZSet, &w);
    if (s.IsWrongType() && skip_wrong_type) continue;
    REDROCK_RETURN_IF_ERROR(s);
    if (!w.live) continue;
    popped_key->assign(key);
    if (count <= 0) return Status::OK();
    ZSetReader reader(engine_, rocksdb::ReadOptions(), db, key, w.meta);
    BoundedIterator it = reader.Index();
    max ? it.SeekToLast() : it.SeekToFirst();
    for (int64_t i = 0; i < count && it.Valid(); i++) {
      Emit(reader, it, out);
      max ? it.Prev() : it.Next();
    }
    REDROCK_RETURN_IF_ERROR(it.status());
    Batch batch(engine_);
    if (out->size() < w.meta.size) {
      for (const ScoredMember& m : *out)
        DeleteMember(engine_, &batch, reader.prefix(), m.member, m.score);
    }  // else the whole set goes with its meta record (see RemoveRange)
    w.meta.size -= std::min<uint64_t>(out->size(), w.meta.size);
    FinishCollectionWrite(&batch, db, key, w);
    return batch.Commit();
  }
  return Status::NotFound();
}

Status ZSetType::RandomMembers(int db, std::string_view key, uint64_t count,
                               std::vector<SampledMember>* out) const {
  out->clear();
  ReadSnapshot view(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, view.ro(), db, key, ValueType::kZSet, &meta));
  if (count < meta.size) {
    MemberIterator it(engine_, view.ro(), DataPrefix(db, key, meta.version));
    return MemberSampler(&it, meta.size, true).Distinct(count, out);
  }
  // The whole set, highest score first: the order of Redis's reverse iteration.
  ZSetReader reader(engine_, view.ro(), db, key, meta);
  BoundedIterator it = reader.Index();
  out->reserve(meta.size);
  for (it.SeekToLast(); it.Valid(); it.Prev()) {
    std::string score;
    PutScore(&score, reader.IndexScore(it.key()));
    out->push_back({std::string(reader.IndexMember(it.key())), std::move(score)});
  }
  return it.status();
}

Status ZSetType::RandomMembersWithRepeats(int db, std::string_view key, uint64_t count,
                                          const std::function<void(uint64_t size)>& on_size,
                                          const MemberSampler::DrawFn& draw) const {
  ReadSnapshot view(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, view.ro(), db, key, ValueType::kZSet, &meta));
  on_size(meta.size);
  MemberIterator it(engine_, view.ro(), DataPrefix(db, key, meta.version));
  return MemberSampler(&it, meta.size, true).WithRepeats(count, draw);
}

Status ZSetType::Scan(int db, std::string_view key, const SetType::ResumeFn& resume, size_t count,
                      std::optional<std::string_view> match, MemberPage* page,
                      uint64_t* version) const {
  page->items.clear();
  page->next.reset();
  ReadSnapshot view(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, view.ro(), db, key, ValueType::kZSet, &meta));
  *version = meta.version;
  if (meta.flags & kMetaBigEncoding) {
    MemberIterator it(engine_, view.ro(), DataPrefix(db, key, meta.version));
    return ScanMemberPage(&it, resume(meta.version), count, match, true, page);
  }
  // Redis returns a listpack whole, in its (score) order, whatever the cursor and COUNT.
  ZSetReader reader(engine_, view.ro(), db, key, meta);
  BoundedIterator it = reader.Index();
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    std::string_view member = reader.IndexMember(it.key());
    if (match && !GlobMatch(*match, member)) continue;
    std::string score;
    PutScore(&score, reader.IndexScore(it.key()));
    page->items.emplace_back(std::string(member), std::move(score));
  }
  return it.status();
}

const char* ZSetType::Encoding(const MetaRecord& meta) {
  return (meta.flags & kMetaBigEncoding) ? "skiplist" : "listpack";
}

}  // namespace redrock::engine
