// Set operations.
#include "engine/set_type.h"

#include <algorithm>
#include <memory>
#include <queue>
#include <unordered_set>

#include <rocksdb/db.h>

#include "engine/collection.h"
#include "engine/engine.h"
#include "engine/key_locks.h"
#include "engine/keyspace.h"
#include "engine/numbers.h"
#include "engine/write_batch.h"

namespace redrock::engine {

namespace {

bool IsIntsetMember(std::string_view member) {
  int64_t v;
  return ParseInt64(member, &v);
}

// Redis converts an intset to a hashtable when a non-integer member is added (and when it
// grows past set-max-intset-entries: SetType::NoteSize).
void NoteAdd(MetaRecord* meta, std::string_view member) {
  if (!(meta->flags & kMetaBigEncoding) && !IsIntsetMember(member)) {
    meta->flags |= kMetaBigEncoding;
  }
}

// Whether `member` is in the set being written (under its key lock).
Status HasMember(Engine* engine, int db, std::string_view key, const CollectionWrite& w,
                 std::string_view member, bool* found) {
  *found = false;
  if (!w.live) return Status::OK();  // a fresh version has no members
  Status s = ReadMember(engine, rocksdb::ReadOptions(), MemberKey(db, key, w.meta.version, member),
                        nullptr);
  if (s.IsNotFound()) return Status::OK();
  REDROCK_RETURN_IF_ERROR(s);
  *found = true;
  return Status::OK();
}

// One input of a set operation: a missing key is an empty set.
struct Source {
  bool exists = false;
  MetaRecord meta;
  std::unique_ptr<MemberIterator> it;
};

// Looks the keys up in order, as Redis does: WrongType stops at the first key of another type.
Status OpenSources(Engine* engine, const rocksdb::ReadOptions& ro, int db,
                   const std::vector<std::string_view>& keys, std::vector<Source>* sources,
                   KeyLookups* lookups) {
  sources->clear();
  sources->resize(keys.size());
  for (size_t i = 0; i < keys.size(); i++) {
    Source& src = (*sources)[i];
    Status s = LoadCollectionForRead(engine, ro, db, keys[i], ValueType::kSet, &src.meta);
    if (s.IsNotFound()) {
      lookups->misses++;
      continue;
    }
    if (s.IsWrongType()) lookups->hits++;
    REDROCK_RETURN_IF_ERROR(s);
    lookups->hits++;
    src.exists = true;
    src.it =
        std::make_unique<MemberIterator>(engine, ro, DataPrefix(db, keys[i], src.meta.version));
  }
  return Status::OK();
}

// Receives the result of a set operation in member order; returns false to stop early.
using EmitFn = std::function<bool(std::string_view member)>;

Status CheckAll(const std::vector<MemberIterator*>& its) {
  for (MemberIterator* it : its)
    REDROCK_RETURN_IF_ERROR(it->status());
  return Status::OK();
}

// Leapfrog join: the smallest set proposes candidates, the others seek to them; a miss makes
// the smallest set jump to where the other one landed.
Status Intersect(std::vector<Source>* sources, const EmitFn& emit) {
  std::vector<const Source*> order;
  for (const Source& s : *sources) {
    if (!s.exists) return Status::OK();  // an empty input empties the result
    order.push_back(&s);
  }
  if (order.empty()) return Status::OK();
  std::stable_sort(order.begin(), order.end(),
                   [](const Source* a, const Source* b) { return a->meta.size < b->meta.size; });
  std::vector<MemberIterator*> its;
  for (const Source* s : order) {
    its.push_back(s->it.get());
    s->it->SeekToFirst();
  }
  MemberIterator* lead = its[0];
  std::string candidate;
  while (lead->Valid()) {
    candidate.assign(lead->member());
    bool in_all = true;
    for (size_t j = 1; j < its.size() && in_all; j++) {
      MemberIterator* other = its[j];
      if (other->Valid() && other->member() < candidate) other->Seek(candidate);
      if (!other->Valid()) return CheckAll(its);  // nothing past here is in every set
      if (other->member() != candidate) {
        in_all = false;
        lead->Seek(other->member());
      }
    }
    if (!in_all) continue;
    if (!emit(candidate)) return CheckAll(its);
    lead->Next();
  }
  return CheckAll(its);
}

// k-way merge of the sorted inputs, each member once.
Status Union(std::vector<Source>* sources, const EmitFn& emit) {
  struct Head {
    std::string member;
    size_t index;
    bool operator>(const Head& o) const { return member > o.member; }
  };
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heap;
  std::vector<MemberIterator*> its;
  for (const Source& s : *sources) {
    if (!s.exists) continue;
    its.push_back(s.it.get());
    s.it->SeekToFirst();
    if (s.it->Valid()) heap.push(Head{std::string(s.it->member()), its.size() - 1});
  }
  std::string last;
  bool any = false;
  while (!heap.empty()) {
    Head head = heap.top();
    heap.pop();
    if (!any || head.member != last) {
      if (!emit(head.member)) return CheckAll(its);
      last = head.member;
      any = true;
    }
    MemberIterator* it = its[head.index];
    it->Next();
    if (it->Valid()) heap.push(Head{std::string(it->member()), head.index});
  }
  return CheckAll(its);
}

// Members of the first input that no other input has; the others seek forward lazily.
Status Diff(std::vector<Source>* sources, const EmitFn& emit) {
  if (sources->empty() || !(*sources)[0].exists) return Status::OK();
  std::vector<MemberIterator*> its;
  for (const Source& s : *sources) {
    if (!s.exists) continue;
    its.push_back(s.it.get());
    s.it->SeekToFirst();
  }
  MemberIterator* lead = its[0];
  for (; lead->Valid(); lead->Next()) {
    std::string_view m = lead->member();
    bool excluded = false;
    for (size_t j = 1; j < its.size() && !excluded; j++) {
      MemberIterator* other = its[j];
      if (other->Valid() && other->member() < m) other->Seek(m);
      excluded = other->Valid() && other->member() == m;
    }
    if (!excluded && !emit(m)) break;
  }
  return CheckAll(its);
}

Status Compute(SetOp op, std::vector<Source>* sources, const EmitFn& emit) {
  switch (op) {
    case SetOp::kInter:
      return Intersect(sources, emit);
    case SetOp::kUnion:
      return Union(sources, emit);
    case SetOp::kDiff:
      return Diff(sources, emit);
  }
  return Status::OK();
}

}  // namespace

void SetType::NoteSize(MetaRecord* meta) const {
  if (meta->size > limits_.max_intset_entries) meta->flags |= kMetaBigEncoding;
}

Status SetType::Add(int db, std::string_view key, const std::vector<std::string_view>& members,
                    int64_t* added) {
  std::vector<int64_t> counts;
  REDROCK_RETURN_IF_ERROR(AddRun(db, key, members, {members.size()}, &counts));
  *added = counts[0];
  return Status::OK();
}

Status SetType::AddRun(int db, std::string_view key, const std::vector<std::string_view>& members,
                       const std::vector<size_t>& group_ends, std::vector<int64_t>* added) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kSet, &w));
  Batch batch(engine_);
  // Reads do not see this batch's own writes: each member is handled once.
  std::unordered_map<std::string_view, bool> existed;
  bool any_new = false;
  for (std::string_view member : members) {
    auto [pos, first] = existed.try_emplace(member, false);
    if (!first) continue;
    REDROCK_RETURN_IF_ERROR(HasMember(engine_, db, key, w, member, &pos->second));
    if (pos->second) continue;
    batch.raw()->Put(engine_->data_cf(), MemberKey(db, key, w.meta.version, member), "");
    w.meta.size++;
    any_new = true;
    NoteAdd(&w.meta, member);
  }
  CountNewPerGroup(
      members, [](std::string_view m) { return m; }, group_ends, &existed, added);
  if (!any_new) return Status::OK();
  NoteSize(&w.meta);
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status SetType::Remove(int db, std::string_view key, const std::vector<std::string_view>& members,
                       int64_t* removed) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kSet, &w));
  *removed = 0;
  if (!w.live) return Status::NotFound();
  Batch batch(engine_);
  std::unordered_set<std::string_view> done;
  for (std::string_view member : members) {
    if (!done.insert(member).second) continue;
    bool found;
    REDROCK_RETURN_IF_ERROR(HasMember(engine_, db, key, w, member, &found));
    if (!found) continue;
    batch.raw()->Delete(engine_->data_cf(), MemberKey(db, key, w.meta.version, member));
    w.meta.size--;
    (*removed)++;
  }
  if (*removed == 0) return Status::OK();
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status SetType::Pop(int db, std::string_view key, uint64_t count,
                    std::vector<std::string>* popped) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kSet, &w));
  popped->clear();
  if (!w.live) return Status::NotFound();
  if (count == 0) return Status::OK();
  MemberIterator it(engine_, rocksdb::ReadOptions(), DataPrefix(db, key, w.meta.version));
  Batch batch(engine_);
  if (count >= w.meta.size) {
    // The whole set: deleting the key is enough, the members of its version are garbage.
    for (it.SeekToFirst(); it.Valid(); it.Next())
      popped->emplace_back(it.member());
    REDROCK_RETURN_IF_ERROR(it.status());
    w.meta.size = 0;
  } else {
    std::vector<SampledMember> sample;
    REDROCK_RETURN_IF_ERROR(MemberSampler(&it, w.meta.size, false).Distinct(count, &sample));
    uint64_t remaining = w.meta.size - sample.size();
    // Redis (spopWithCountCommand) serves a pop of most of a set by building a new set from
    // the members that stay, which is an intset again when they all are integers.
    if ((w.meta.flags & kMetaBigEncoding) && remaining * 5 <= count &&
        remaining <= limits_.max_intset_entries) {
      std::unordered_set<std::string_view> taken;
      for (const SampledMember& m : sample)
        taken.insert(m.member);
      bool all_int = true;
      for (it.SeekToFirst(); it.Valid() && all_int; it.Next()) {
        if (!taken.count(it.member())) all_int = IsIntsetMember(it.member());
      }
      REDROCK_RETURN_IF_ERROR(it.status());
      if (all_int) w.meta.flags &= static_cast<uint8_t>(~kMetaBigEncoding);
    }
    for (SampledMember& m : sample) {
      batch.raw()->Delete(engine_->data_cf(), MemberKey(db, key, w.meta.version, m.member));
      popped->push_back(std::move(m.member));
    }
    w.meta.size = remaining;
  }
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status SetType::Move(int db, std::string_view src, std::string_view dst, std::string_view member,
                     bool* moved) {
  KeyLockGuard guard(engine_->locks(), {{db, src}, {db, dst}});
  *moved = false;
  CollectionWrite from, to;
  Status s = LoadCollectionForWrite(engine_, db, src, ValueType::kSet, &from);
  // Redis answers 0 for a missing source before it looks at the destination's type.
  if (s.ok() && !from.live) return Status::OK();
  REDROCK_RETURN_IF_ERROR(s);
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, dst, ValueType::kSet, &to));
  bool in_src;
  REDROCK_RETURN_IF_ERROR(HasMember(engine_, db, src, from, member, &in_src));
  if (!in_src) return Status::OK();
  *moved = true;
  if (src == dst) return Status::OK();  // a no-op that still answers 1
  bool in_dst;
  REDROCK_RETURN_IF_ERROR(HasMember(engine_, db, dst, to, member, &in_dst));
  Batch batch(engine_);
  batch.raw()->Delete(engine_->data_cf(), MemberKey(db, src, from.meta.version, member));
  from.meta.size--;
  FinishCollectionWrite(&batch, db, src, from);
  if (!in_dst) {
    batch.raw()->Put(engine_->data_cf(), MemberKey(db, dst, to.meta.version, member), "");
    to.meta.size++;
    NoteAdd(&to.meta, member);
    NoteSize(&to.meta);
    FinishCollectionWrite(&batch, db, dst, to);
  }
  return batch.Commit();
}

Status SetType::Store(int db, SetOp op, std::string_view dst,
                      const std::vector<std::string_view>& keys, int64_t* size) {
  std::vector<std::pair<int, std::string_view>> lock_keys{{db, dst}};
  for (std::string_view k : keys)
    lock_keys.emplace_back(db, k);
  KeyLockGuard guard(engine_->locks(), lock_keys);
  // The result is held in memory before it is written: the batch holds it anyway, and the
  // iterators (which see a transaction's pending writes) must not watch the batch change.
  std::vector<std::string> result;
  {
    std::vector<Source> sources;
    KeyLookups lookups;
    rocksdb::ReadOptions ro;
    REDROCK_RETURN_IF_ERROR(OpenSources(engine_, ro, db, keys, &sources, &lookups));
    REDROCK_RETURN_IF_ERROR(Compute(op, &sources, [&](std::string_view m) {
      result.emplace_back(m);
      return true;
    }));
  }
  MetaRecord old;
  bool stored = false;
  REDROCK_RETURN_IF_ERROR(Keyspace(engine_).ReadMeta(db, dst, &old, &stored));
  Batch batch(engine_);
  *size = static_cast<int64_t>(result.size());
  if (result.empty()) {
    if (stored) batch.DeleteMeta(db, dst, old);
    return batch.Commit();
  }
  // A new set under a fresh version, built as Redis builds it: from an empty intset.
  MetaRecord meta;
  meta.type = ValueType::kSet;
  meta.version = engine_->NewVersion();
  meta.size = result.size();
  for (const std::string& m : result) {
    NoteAdd(&meta, m);
    batch.raw()->Put(engine_->data_cf(), MemberKey(db, dst, meta.version, m), "");
  }
  NoteSize(&meta);
  batch.PutMeta(db, dst, stored ? &old : nullptr, meta);
  return batch.Commit();
}

Status SetType::Members(int db, std::string_view key, const SizeFn& on_size,
                        const MemberFn& on_member) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kSet, &meta));
  on_size(meta.size);
  MemberIterator it(engine_, snap.ro(), DataPrefix(db, key, meta.version));
  for (it.SeekToFirst(); it.Valid(); it.Next())
    on_member(it.member());
  return it.status();
}

Status SetType::IsMember(int db, std::string_view key, std::string_view member, bool* found) const {
  std::vector<bool> flags;
  REDROCK_RETURN_IF_ERROR(MIsMember(db, key, {member}, &flags));
  *found = flags[0];
  return Status::OK();
}

Status SetType::MIsMember(int db, std::string_view key,
                          const std::vector<std::string_view>& members,
                          std::vector<bool>* found) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kSet, &meta));
  found->clear();
  std::string prefix = DataPrefix(db, key, meta.version);
  std::string member_key;
  for (std::string_view m : members) {
    member_key.assign(prefix).append(m);
    Status s = ReadMember(engine_, snap.ro(), member_key, nullptr);
    if (!s.ok() && !s.IsNotFound()) return s;
    found->push_back(s.ok());
  }
  return Status::OK();
}

Status SetType::Card(int db, std::string_view key, uint64_t* size) const {
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, rocksdb::ReadOptions(), db, key, ValueType::kSet, &meta));
  *size = meta.size;
  return Status::OK();
}

Status SetType::RandomMembers(int db, std::string_view key, uint64_t count,
                              std::vector<SampledMember>* out) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kSet, &meta));
  MemberIterator it(engine_, snap.ro(), DataPrefix(db, key, meta.version));
  return MemberSampler(&it, meta.size, false).Distinct(count, out);
}

Status SetType::RandomMembersWithRepeats(int db, std::string_view key, uint64_t count,
                                         const SizeFn& on_size,
                                         const MemberSampler::DrawFn& draw) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kSet, &meta));
  on_size(meta.size);
  MemberIterator it(engine_, snap.ro(), DataPrefix(db, key, meta.version));
  return MemberSampler(&it, meta.size, false).WithRepeats(count, draw);
}

Status SetType::Combine(int db, SetOp op, const std::vector<std::string_view>& keys,
                        std::vector<std::string>* result, KeyLookups* lookups) const {
  ReadSnapshot snap(engine_);
  std::vector<Source> sources;
  REDROCK_RETURN_IF_ERROR(OpenSources(engine_, snap.ro(), db, keys, &sources, lookups));
  result->clear();
  return Compute(op, &sources, [&](std::string_view m) {
    result->emplace_back(m);
    return true;
  });
}

Status SetType::InterCard(int db, const std::vector<std::string_view>& keys, uint64_t limit,
                          uint64_t* card, KeyLookups* lookups) const {
  ReadSnapshot snap(engine_);
  std::vector<Source> sources;
  REDROCK_RETURN_IF_ERROR(OpenSources(engine_, snap.ro(), db, keys, &sources, lookups));
  *card = 0;
  return Intersect(&sources, [&](std::string_view) { return ++*card != limit; });
}

Status SetType::Scan(int db, std::string_view key, const ResumeFn& resume, size_t count,
                     std::optional<std::string_view> match, MemberPage* page,
                     uint64_t* version) const {
  return ScanCollection(engine_, db, key, ValueType::kSet, resume, count, match, false, page,
                        version);
}

const char* SetType::Encoding(const MetaRecord& meta) {
  return (meta.flags & kMetaBigEncoding) ? "hashtable" : "intset";
}

}  // namespace redrock::engine
