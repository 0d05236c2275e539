// ZUNION / ZINTER / ZDIFF, their STORE forms and ZINTERCARD. Inputs are sorted sets or sets
// (a set member counts with score 1; sets share the data-cf layout: DataPrefix + member).
//
// Everything streams over the member-ordered data column family, so memory is O(result):
//   union: a k-way merge of the inputs by member, O(total members · log k);
//   inter: walks the smallest input and looks each member up in the others;
//   diff:  walks the first input and looks each member up in the others.
// Per member, scores are weighted and aggregated in Redis's order (inputs sorted by size for
// union and inter), with Redis's NaN rules (inf - inf and 0 · inf count as 0).
#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>

#include <rocksdb/db.h>

#include "engine/collection.h"
#include "engine/engine.h"
#include "engine/key_locks.h"
#include "engine/member_iterator.h"
#include "engine/score_coding.h"
#include "engine/write_batch.h"
#include "engine/zset_internal.h"
#include "engine/zset_type.h"

namespace redrock::engine {

using zset_internal::BoundedIterator;
using zset_internal::View;

namespace {

struct Source {
  bool exists = false;
  bool is_set = false;
  MetaRecord meta;
  std::string prefix;
  double weight = 1;
  uint64_t size() const { return exists ? meta.size : 0; }
};

// Called for each result member; returning false stops the operation (ZINTERCARD LIMIT).
using EmitFn = std::function<bool(std::string_view member, double score)>;

Status LoadSources(Engine* engine, const rocksdb::ReadOptions& ro, int db,
                   const std::vector<std::string_view>& keys, const std::vector<double>& weights,
                   std::vector<Source>* sources, KeyLookups* lookups = nullptr) {
  sources->assign(keys.size(), Source());
  for (size_t i = 0; i < keys.size(); i++) {
    Source& src = (*sources)[i];
    if (!weights.empty()) src.weight = weights[i];
    Status s = LoadCollectionForRead(engine, ro, db, keys[i], ValueType::kZSet, &src.meta);
    if (s.IsWrongType() && src.meta.type == ValueType::kSet) {
      src.is_set = true;
      s = Status::OK();
    }
    if (lookups) ++(s.IsNotFound() ? lookups->misses : lookups->hits);
    if (s.IsNotFound()) continue;
    REDROCK_RETURN_IF_ERROR(s);
    src.exists = true;
    src.prefix = DataPrefix(db, keys[i], src.meta.version);
  }
  return Status::OK();
}

Status ValueScore(const Source& src, const rocksdb::Slice& value, double* score) {
  if (src.is_set) {
    *score = 1.0;
    return Status::OK();
  }
  if (value.size() != 8) return Status::Corruption("sorted set member without a score");
  *score = DecodeScore(value.data());
  return Status::OK();
}

Status Find(Engine* engine, const rocksdb::ReadOptions& ro, const Source& src,
            std::string_view member, double* score, bool* found) {
  *found = false;
  if (!src.exists) return Status::OK();
  std::string k = src.prefix;
  k.append(member);
  rocksdb::PinnableSlice value;
  rocksdb::Status s = engine->Get(ro, engine->data_cf(), k, &value);
  if (s.IsNotFound()) return Status::OK();
  REDROCK_RETURN_IF_ERROR(zset_internal::FromRocks(s));
  *found = true;
  return ValueScore(src, value, score);
}

// Redis's zunionInterAggregate.
void Aggregate(double* target, double value, ZAggregate aggregate) {
  switch (aggregate) {
    case ZAggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;  // inf + -inf
      break;
    case ZAggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case ZAggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

BoundedIterator MemberIterator(Engine* engine, const rocksdb::ReadOptions& ro, const Source& src) {
  return BoundedIterator(engine, ro, engine->data_cf(), src.prefix, PrefixSuccessor(src.prefix));
}

Status Union(Engine* engine, const rocksdb::ReadOptions& ro, const std::vector<Source>& sources,
             ZAggregate aggregate, const EmitFn& emit) {
  std::vector<BoundedIterator> its;
  std::vector<const Source*> src_of;
  for (const Source& src : sources) {
    if (src.size() == 0) continue;
    its.push_back(MemberIterator(engine, ro, src));
    src_of.push_back(&src);
    its.back().SeekToFirst();
  }
  auto member_of = [&](size_t k) { return View(its[k].key()).substr(src_of[k]->prefix.size()); };
  auto after = [&](size_t a, size_t b) { return member_of(a) > member_of(b); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(after)> heap(after);
  for (size_t k = 0; k < its.size(); k++) {
    if (its[k].Valid()) {
      heap.push(k);
    } else {
      REDROCK_RETURN_IF_ERROR(its[k].status());
    }
  }
  std::vector<size_t> same;
  std::string member;
  while (!heap.empty()) {
    same.assign(1, heap.top());
    heap.pop();
    member.assign(member_of(same[0]));
    while (!heap.empty() && member_of(heap.top()) == member) {
      same.push_back(heap.top());
      heap.pop();
    }
    std::sort(same.begin(), same.end());  // aggregate in input order, as Redis does
    double score = 0;
    for (size_t j = 0; j < same.size(); j++) {
      double v;
      REDROCK_RETURN_IF_ERROR(ValueScore(*src_of[same[j]], its[same[j]].value(), &v));
      v *= src_of[same[j]]->weight;
      if (std::isnan(v)) v = 0;
      if (j == 0) {
        score = v;
      } else {
        Aggregate(&score, v, aggregate);
      }
    }
    if (!emit(member, score)) return Status::OK();
    for (size_t k : same) {
      its[k].Next();
      if (its[k].Valid()) {
        heap.push(k);
      } else {
        REDROCK_RETURN_IF_ERROR(its[k].status());
      }
    }
  }
  return Status::OK();
}

// Intersection (sources sorted smallest first) or difference (first input minus the others).
Status InterOrDiff(Engine* engine, const rocksdb::ReadOptions& ro,
                   const std::vector<Source>& sources, bool inter, ZAggregate aggregate,
                   const EmitFn& emit) {
  if (sources.empty() || sources[0].size() == 0) return Status::OK();
  const Source& first = sources[0];
  BoundedIterator it = MemberIterator(engine, ro, first);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    std::string_view member = View(it.key()).substr(first.prefix.size());
    double s0;
    REDROCK_RETURN_IF_ERROR(ValueScore(first, it.value(), &s0));
    double score = inter ? first.weight * s0 : s0;
    if (std::isnan(score)) score = 0;
    bool keep = true;
    for (size_t j = 1; j < sources.size() && keep; j++) {
      double v;
      bool found;
      REDROCK_RETURN_IF_ERROR(Find(engine, ro, sources[j], member, &v, &found));
      if (inter) {
        if (found) Aggregate(&score, v * sources[j].weight, aggregate);
        keep = found;
      } else {
        keep = !found;
      }
    }
    if (keep && !emit(member, score)) return Status::OK();
  }
  return it.status();
}

Status Run(Engine* engine, const rocksdb::ReadOptions& ro, std::vector<Source>* sources, ZSetOp op,
           ZAggregate aggregate, const EmitFn& emit) {
  if (op != ZSetOp::kDiff) {
    std::stable_sort(sources->begin(), sources->end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }
  if (op == ZSetOp::kUnion) return Union(engine, ro, *sources, aggregate, emit);
  return InterOrDiff(engine, ro, *sources, op == ZSetOp::kInter, aggregate, emit);
}

Status Collect(Engine* engine, const rocksdb::ReadOptions& ro, int db, const ZCombineSpec& spec,
               std::vector<ScoredMember>* out, KeyLookups* lookups = nullptr) {
  out->clear();
  std::vector<Source> sources;
  REDROCK_RETURN_IF_ERROR(LoadSources(engine, ro, db, spec.keys, spec.weights, &sources, lookups));
  return Run(engine, ro, &sources, spec.op, spec.aggregate, [&](std::string_view m, double s) {
    out->push_back({std::string(m), s});
    return true;
  });
}

}  // namespace

Status ZSetType::Combine(int db, const ZCombineSpec& spec, std::vector<ScoredMember>* out,
                         KeyLookups* lookups) const {
  ReadSnapshot view(engine_);
  REDROCK_RETURN_IF_ERROR(Collect(engine_, view.ro(), db, spec, out, lookups));
  std::sort(out->begin(), out->end(), [](const ScoredMember& a, const ScoredMember& b) {
    return a.score < b.score || (a.score == b.score && a.member < b.member);
  });
  return Status::OK();
}

Status ZSetType::CombineStore(int db, std::string_view dst, const ZCombineSpec& spec,
                              int64_t* stored) {
  *stored = 0;
  std::vector<std::pair<int, std::string_view>> lock_keys{{db, dst}};
  for (std::string_view k : spec.keys)
    lock_keys.emplace_back(db, k);
  KeyLockGuard guard(engine_->locks(), lock_keys);
  std::vector<ScoredMember> result;
  REDROCK_RETURN_IF_ERROR(Collect(engine_, rocksdb::ReadOptions(), db, spec, &result));
  Batch batch(engine_);
  REDROCK_RETURN_IF_ERROR(zset_internal::StoreZSet(engine_, limits_, &batch, db, dst, result));
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *stored = static_cast<int64_t>(result.size());
  return Status::OK();
}

Status ZSetType::InterCard(int db, const std::vector<std::string_view>& keys, int64_t limit,
                           int64_t* count, KeyLookups* lookups) const {
  *count = 0;
  ReadSnapshot view(engine_);
  std::vector<Source> sources;
  REDROCK_RETURN_IF_ERROR(LoadSources(engine_, view.ro(), db, keys, {}, &sources, lookups));
  return Run(engine_, view.ro(), &sources, ZSetOp::kInter, ZAggregate::kSum,
             [&](std::string_view, double) {
               ++*count;
               return limit == 0 || *count < limit;
             });
}

Status ZSetType::CheckCombineInputs(int db, const std::vector<std::string_view>& keys) const {
  std::vector<Source> sources;
  return LoadSources(engine_, rocksdb::ReadOptions(), db, keys, {}, &sources);
}

}  // namespace redrock::engine
