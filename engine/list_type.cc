// List operations on dense runs of index-keyed slots (see list_type.h).
#include "engine/list_type.h"

#include <algorithm>
#include <limits>

#include <rocksdb/db.h>
#include <rocksdb/write_batch_base.h>

#include "engine/coding.h"
#include "engine/collection.h"
#include "engine/engine.h"
#include "engine/key_locks.h"
#include "engine/member_iterator.h"
#include "engine/write_batch.h"

namespace redrock::engine {

namespace {

// The first element of a new list: the middle of the index range, so both ends have 2^63
// slots to grow into.
constexpr uint64_t kFirstSlot = uint64_t{1} << 63;
// Slots read at once when a middle operation shifts part of a list.
constexpr uint64_t kChunk = 1024;
// Runs of at least this many slots are deleted with one range tombstone (when the batch
// supports it); shorter ones with a tombstone per slot, which reads pay nothing for.
constexpr uint64_t kRangeDeleteMin = 128;

// Where a list's elements are: the slots [head, tail).
struct Slots {
  uint64_t head = kFirstSlot;
  uint64_t tail = kFirstSlot;
  uint64_t size() const { return tail - head; }
};

Status DecodeSlots(const MetaRecord& meta, Slots* s) {
  if (meta.value.empty() && meta.size == 0) {
    *s = Slots();  // a list being created
    return Status::OK();
  }
  if (meta.value.size() != 16) return Status::Corruption("list meta record without head/tail");
  s->head = DecodeFixed64(meta.value.data());
  s->tail = DecodeFixed64(meta.value.data() + 8);
  if (s->tail < s->head || s->size() != meta.size) {
    return Status::Corruption("list head/tail disagree with its length");
  }
  return Status::OK();
}

void EncodeSlots(const Slots& s, MetaRecord* meta) {
  meta->value.clear();
  PutFixed64(&meta->value, s.head);
  PutFixed64(&meta->value, s.tail);
  meta->size = s.size();
}

// The data keys of one list version.
class SlotKeys {
 public:
  SlotKeys(int db, std::string_view key, uint64_t version)
      : prefix_(DataPrefix(db, key, version)) {}
  const std::string& prefix() const { return prefix_; }
  std::string Slot(uint64_t index) const {
    std::string k = prefix_;
    PutFixed64(&k, index);
    return k;
  }

 private:
  std::string prefix_;
};

using SlotFn = std::function<bool(uint64_t index, std::string_view value)>;

// Visits the `n` slots from `from` towards the tail (forward) or the head; fn returns false
// to stop. Runs are dense, so a missing slot means corruption.
Status VisitRun(Engine* engine, const rocksdb::ReadOptions& ro, const SlotKeys& keys, uint64_t from,
                uint64_t n, bool forward, const SlotFn& fn) {
  if (n == 0) return Status::OK();
  if (n == 1) {
    // One slot (LPOP, RPOP, BLPOP, LMOVE...): a point read is cheaper than an iterator.
    std::string value;
    Status s = ReadMember(engine, ro, keys.Slot(from), &value);
    if (s.IsNotFound()) return Status::Corruption("list slot missing");
    REDROCK_RETURN_IF_ERROR(s);
    fn(from, value);
    return Status::OK();
  }
  MemberIterator it(engine, ro, keys.prefix());
  std::string name;
  PutFixed64(&name, from);
  it.Seek(name);  // `from` exists, so Seek lands on it in both directions
  uint64_t index = from;
  for (uint64_t i = 0; i < n; i++) {
    if (!it.Valid()) {
      REDROCK_RETURN_IF_ERROR(it.status());
      return Status::Corruption("list slot missing");
    }
    std::string_view member = it.member();
    if (member.size() != 8 || DecodeFixed64(member.data()) != index) {
      return Status::Corruption("list slot missing");
    }
    if (!fn(index, it.value())) return Status::OK();
    if (i + 1 == n) break;
    if (forward) {
      it.Next();
      index++;
    } else {
      it.Prev();
      index--;
    }
  }
  return it.status();
}

// Reads `n` slots as VisitRun visits them.
Status ReadRun(Engine* engine, const rocksdb::ReadOptions& ro, const SlotKeys& keys, uint64_t from,
               uint64_t n, bool forward, std::vector<std::string>* out) {
  out->reserve(out->size() + static_cast<size_t>(std::min<uint64_t>(n, kChunk)));
  return VisitRun(engine, ro, keys, from, n, forward, [&](uint64_t, std::string_view v) {
    out->emplace_back(v);
    return true;
  });
}

// Moves the slots [from, from + n) one slot up (towards the tail) or down. Chunks are read
// whole before being rewritten, starting at the end the run moves towards, so no chunk reads
// a slot this move already wrote (inside MULTI/EXEC reads see the pending writes).
Status ShiftRun(Engine* engine, Batch* batch, const SlotKeys& keys, uint64_t from, uint64_t n,
                bool up) {
  rocksdb::ReadOptions ro;
  std::vector<std::string> chunk;
  for (uint64_t done = 0; done < n;) {
    const uint64_t m = std::min(kChunk, n - done);
    const uint64_t start = up ? from + n - 1 - done : from + done;
    chunk.clear();
    REDROCK_RETURN_IF_ERROR(ReadRun(engine, ro, keys, start, m, !up, &chunk));
    for (uint64_t i = 0; i < m; i++) {
      const uint64_t index = up ? start - i : start + i;
      batch->raw()->Put(engine->data_cf(), keys.Slot(up ? index + 1 : index - 1), chunk[i]);
    }
    done += m;
  }
  return Status::OK();
}

// Deletes the slots [from, from + n).
void DeleteRun(Engine* engine, Batch* batch, const SlotKeys& keys, uint64_t from, uint64_t n) {
  if (n >= kRangeDeleteMin &&
      batch->raw()->DeleteRange(engine->data_cf(), keys.Slot(from), keys.Slot(from + n)).ok()) {
    return;
  }
  // Short runs, or a transaction's indexed batch (which has no range deletions).
  for (uint64_t i = 0; i < n; i++)
    batch->raw()->Delete(engine->data_cf(), keys.Slot(from + i));
}

// Pops up to `count` elements from `end` of the live list w.meta (under its key lock), in
// pop order, and updates w.meta. A list that empties keeps its slots: deleting its meta
// record makes them garbage at no cost.
Status PopFrom(Engine* engine, Batch* batch, int db, std::string_view key, CollectionWrite* w,
               ListEnd end, uint64_t count, std::vector<std::string>* out) {
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(w->meta, &s));
  const uint64_t n = std::min(count, s.size());
  if (n == 0) return Status::OK();
  SlotKeys keys(db, key, w->meta.version);
  const bool left = end == ListEnd::kLeft;
  REDROCK_RETURN_IF_ERROR(
      ReadRun(engine, rocksdb::ReadOptions(), keys, left ? s.head : s.tail - 1, n, left, out));
  const bool emptied = n == s.size();
  if (left) {
    if (!emptied) DeleteRun(engine, batch, keys, s.head, n);
    s.head += n;
  } else {
    if (!emptied) DeleteRun(engine, batch, keys, s.tail - n, n);
    s.tail -= n;
  }
  EncodeSlots(s, &w->meta);
  return Status::OK();
}

// Pushes `element` at `end` of w.meta's list.
Status PushTo(Engine* engine, Batch* batch, int db, std::string_view key, CollectionWrite* w,
              ListEnd end, std::string_view element) {
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(w->meta, &s));
  const uint64_t index = end == ListEnd::kLeft ? --s.head : s.tail++;
  batch->raw()->Put(engine->data_cf(), SlotKeys(db, key, w->meta.version).Slot(index), element);
  EncodeSlots(s, &w->meta);
  return Status::OK();
}

// Redis's index normalization for LRANGE: false when the range is empty.
bool NormalizeRange(int64_t len, int64_t* start, int64_t* stop) {
  if (*start < 0) *start += len;
  if (*stop < 0) *stop += len;
  if (*start < 0) *start = 0;
  if (*start > *stop || *start >= len) return false;
  if (*stop >= len) *stop = len - 1;
  return true;
}

}  // namespace

Status ListType::Push(int db, std::string_view key, ListEnd end,
                      const std::vector<std::string_view>& elements, bool only_if_exists,
                      int64_t* length) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kList, &w));
  *length = 0;
  if (only_if_exists && !w.live) return Status::OK();
  Batch batch(engine_);
  for (std::string_view e : elements)
    REDROCK_RETURN_IF_ERROR(PushTo(engine_, &batch, db, key, &w, end, e));
  FinishCollectionWrite(&batch, db, key, w);
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *length = static_cast<int64_t>(w.meta.size);
  return Status::OK();
}

Status ListType::Pop(int db, std::string_view key, ListEnd end, uint64_t count,
                     std::vector<std::string>* out) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kList, &w));
  if (!w.live) return Status::NotFound();
  if (count == 0) return Status::OK();
  Batch batch(engine_);
  REDROCK_RETURN_IF_ERROR(PopFrom(engine_, &batch, db, key, &w, end, count, out));
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

Status ListType::PopFirst(int db, const std::vector<std::string_view>& keys, ListEnd end,
                          uint64_t count, size_t* which, std::vector<std::string>* out,
                          bool skip_wrong_type) {
  std::vector<std::pair<int, std::string_view>> lock_keys;
  lock_keys.reserve(keys.size());
  for (std::string_view k : keys)
    lock_keys.emplace_back(db, k);
  KeyLockGuard guard(engine_->locks(), lock_keys);
  for (size_t i = 0; i < keys.size(); i++) {
    CollectionWrite w;
    Status s = LoadCollectionForWrite(engine_, db, keys[i], ValueType::kList, &w);
    if (s.IsWrongType() && skip_wrong_type) continue;
    REDROCK_RETURN_IF_ERROR(s);
    if (!w.live) continue;
    Batch batch(engine_);
    REDROCK_RETURN_IF_ERROR(PopFrom(engine_, &batch, db, keys[i], &w, end, count, out));
    FinishCollectionWrite(&batch, db, keys[i], w);
    REDROCK_RETURN_IF_ERROR(batch.Commit());
    *which = i;
    return Status::OK();
  }
  return Status::NotFound();
}

Status ListType::Move(int db, std::string_view src, std::string_view dst, ListEnd from, ListEnd to,
                      std::string* element, bool skip_wrong_type) {
  KeyLockGuard guard(engine_->locks(), {{db, src}, {db, dst}});
  CollectionWrite sw;
  Status s = LoadCollectionForWrite(engine_, db, src, ValueType::kList, &sw);
  if (s.IsWrongType() && skip_wrong_type) return Status::NotFound();
  REDROCK_RETURN_IF_ERROR(s);
  if (!sw.live) return Status::NotFound();
  std::vector<std::string> popped;
  Batch batch(engine_);
  if (src == dst) {
    // Rotation: pop and push on one record.
    REDROCK_RETURN_IF_ERROR(PopFrom(engine_, &batch, db, src, &sw, from, 1, &popped));
    if (popped.size() != 1) return Status::Corruption("list without elements");
    if (sw.meta.size == 0) {
      // The only element: popping emptied the record but its slot stays; put it back where
      // it was (any end is the same end).
      sw.meta = sw.old;
      *element = std::move(popped[0]);
      return Status::OK();
    }
    REDROCK_RETURN_IF_ERROR(PushTo(engine_, &batch, db, src, &sw, to, popped[0]));
    FinishCollectionWrite(&batch, db, src, sw);
  } else {
    CollectionWrite dw;
    REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, dst, ValueType::kList, &dw));
    REDROCK_RETURN_IF_ERROR(PopFrom(engine_, &batch, db, src, &sw, from, 1, &popped));
    if (popped.size() != 1) return Status::Corruption("list without elements");
    REDROCK_RETURN_IF_ERROR(PushTo(engine_, &batch, db, dst, &dw, to, popped[0]));
    FinishCollectionWrite(&batch, db, src, sw);
    FinishCollectionWrite(&batch, db, dst, dw);
  }
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *element = std::move(popped[0]);
  return Status::OK();
}

Status ListType::Length(int db, std::string_view key, uint64_t* length) const {
  MetaRecord meta;
  Status s =
      LoadCollectionForRead(engine_, rocksdb::ReadOptions(), db, key, ValueType::kList, &meta);
  REDROCK_RETURN_IF_ERROR(s);
  *length = meta.size;
  return Status::OK();
}

Status ListType::Index(int db, std::string_view key, int64_t index,
                       std::optional<std::string>* element) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kList, &meta));
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(meta, &s));
  const int64_t len = static_cast<int64_t>(s.size());
  if (index < 0) index += len;
  element->reset();
  if (index < 0 || index >= len) return Status::OK();
  std::string value;
  Status st = ReadMember(
      engine_, snap.ro(),
      SlotKeys(db, key, meta.version).Slot(s.head + static_cast<uint64_t>(index)), &value);
  if (st.IsNotFound()) return Status::Corruption("list slot missing");
  REDROCK_RETURN_IF_ERROR(st);
  *element = std::move(value);
  return Status::OK();
}

Status ListType::Range(int db, std::string_view key, int64_t start, int64_t stop,
                       const SizeFn& on_size, const ElementFn& on_element) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kList, &meta));
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(meta, &s));
  if (!NormalizeRange(static_cast<int64_t>(s.size()), &start, &stop)) {
    on_size(0);
    return Status::OK();
  }
  const uint64_t n = static_cast<uint64_t>(stop - start + 1);
  on_size(n);
  return VisitRun(engine_, snap.ro(), SlotKeys(db, key, meta.version),
                  s.head + static_cast<uint64_t>(start), n, true,
                  [&](uint64_t, std::string_view v) {
                    on_element(v);
                    return true;
                  });
}

Status ListType::Pos(int db, std::string_view key, std::string_view element,
                     const ListPosOptions& opts, std::vector<int64_t>* out) const {
  ReadSnapshot snap(engine_);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(
      LoadCollectionForRead(engine_, snap.ro(), db, key, ValueType::kList, &meta));
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(meta, &s));
  const bool forward = opts.rank > 0;
  // rank is never LLONG_MIN (the command layer refuses it), so its magnitude fits.
  const uint64_t rank = static_cast<uint64_t>(forward ? opts.rank : -opts.rank);
  uint64_t n = s.size();
  if (opts.maxlen > 0) n = std::min(n, static_cast<uint64_t>(opts.maxlen));
  uint64_t matches = 0;
  return VisitRun(engine_, snap.ro(), SlotKeys(db, key, meta.version),
                  forward ? s.head : s.tail - 1, n, forward,
                  [&](uint64_t index, std::string_view v) {
                    if (v != element || ++matches < rank) return true;
                    out->push_back(static_cast<int64_t>(index - s.head));
                    if (opts.count == -1) return false;  // no COUNT: the first one only
                    return opts.count == 0 || out->size() < static_cast<uint64_t>(opts.count);
                  });
}

Status ListType::Set(int db, std::string_view key, int64_t index, std::string_view element) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kList, &w));
  if (!w.live) return Status::NotFound();
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(w.meta, &s));
  const int64_t len = static_cast<int64_t>(s.size());
  if (index < 0) index += len;
  if (index < 0 || index >= len) return Status::InvalidArgument("ERR index out of range");
  Batch batch(engine_);
  batch.raw()->Put(engine_->data_cf(),
                   SlotKeys(db, key, w.meta.version).Slot(s.head + static_cast<uint64_t>(index)),
                   element);
  return batch.Commit();
}

Status ListType::Insert(int db, std::string_view key, bool before, std::string_view pivot,
                        std::string_view element, int64_t* length) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kList, &w));
  if (!w.live) return Status::NotFound();
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(w.meta, &s));
  SlotKeys keys(db, key, w.meta.version);
  uint64_t pivot_index = 0;
  bool found = false;
  REDROCK_RETURN_IF_ERROR(VisitRun(engine_, rocksdb::ReadOptions(), keys, s.head, s.size(), true,
                                   [&](uint64_t index, std::string_view v) {
                                     if (v != pivot) return true;
                                     pivot_index = index;
                                     found = true;
                                     return false;
                                   }));
  if (!found) {
    *length = -1;
    return Status::OK();
  }
  // The new element goes just before slot q; shift whichever side of q is shorter.
  const uint64_t q = before ? pivot_index : pivot_index + 1;
  Batch batch(engine_);
  if (q - s.head <= s.tail - q) {
    REDROCK_RETURN_IF_ERROR(ShiftRun(engine_, &batch, keys, s.head, q - s.head, false));
    batch.raw()->Put(engine_->data_cf(), keys.Slot(q - 1), element);
    s.head--;
  } else {
    REDROCK_RETURN_IF_ERROR(ShiftRun(engine_, &batch, keys, q, s.tail - q, true));
    batch.raw()->Put(engine_->data_cf(), keys.Slot(q), element);
    s.tail++;
  }
  EncodeSlots(s, &w.meta);
  FinishCollectionWrite(&batch, db, key, w);
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *length = static_cast<int64_t>(s.size());
  return Status::OK();
}

Status ListType::Remove(int db, std::string_view key, int64_t count, std::string_view element,
                        int64_t* removed) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kList, &w));
  *removed = 0;
  if (!w.live) return Status::OK();
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(w.meta, &s));
  SlotKeys keys(db, key, w.meta.version);
  // count < 0 walks from the tail; LLONG_MIN's magnitude does not fit, but no list is
  // that long anyway.
  const bool forward = count >= 0;
  uint64_t limit = s.size();  // count 0: every match
  if (count > 0) limit = static_cast<uint64_t>(count);
  if (count < 0 && count != std::numeric_limits<int64_t>::min()) {
    limit = static_cast<uint64_t>(-count);
  }
  // Pass 1 finds the span [lo, hi] of the matches to drop: the first `limit` ones from the
  // chosen end, which are exactly the matches inside that span.
  uint64_t found = 0, first = 0, last = 0;
  REDROCK_RETURN_IF_ERROR(VisitRun(engine_, rocksdb::ReadOptions(), keys,
                                   forward ? s.head : s.tail - 1, s.size(), forward,
                                   [&](uint64_t index, std::string_view v) {
                                     if (v != element) return true;
                                     if (found == 0) first = index;
                                     last = index;
                                     return ++found < limit;
                                   }));
  if (found == 0) return Status::OK();
  const uint64_t lo = std::min(first, last), hi = std::max(first, last);
  // Pass 2 closes the gaps by moving the survivors on the cheaper side: those after lo down
  // towards the head, or those before hi up towards the tail. Reads go in the direction of
  // the move, a chunk at a time, so every write lands on a slot already read.
  const bool down = s.tail - lo <= hi + 1 - s.head;
  Batch batch(engine_);
  uint64_t dropped = 0;
  const uint64_t span = down ? s.tail - lo : hi + 1 - s.head;
  std::vector<std::string> chunk;
  for (uint64_t done = 0; done < span;) {
    const uint64_t m = std::min(kChunk, span - done);
    const uint64_t start = down ? lo + done : hi - done;
    chunk.clear();
    REDROCK_RETURN_IF_ERROR(ReadRun(engine_, rocksdb::ReadOptions(), keys, start, m, down, &chunk));
    for (uint64_t i = 0; i < m; i++) {
      const uint64_t index = down ? start + i : start - i;
      if (index >= lo && index <= hi && chunk[i] == element) {
        dropped++;
      } else if (dropped > 0) {
        batch.raw()->Put(engine_->data_cf(), keys.Slot(down ? index - dropped : index + dropped),
                         chunk[i]);
      }
    }
    done += m;
  }
  if (dropped != found) return Status::Corruption("list changed while LREM ran");
  const bool emptied = dropped == s.size();
  if (down) {
    if (!emptied) DeleteRun(engine_, &batch, keys, s.tail - dropped, dropped);
    s.tail -= dropped;
  } else {
    if (!emptied) DeleteRun(engine_, &batch, keys, s.head, dropped);
    s.head += dropped;
  }
  EncodeSlots(s, &w.meta);
  FinishCollectionWrite(&batch, db, key, w);
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *removed = static_cast<int64_t>(dropped);
  return Status::OK();
}

Status ListType::Trim(int db, std::string_view key, int64_t start, int64_t stop) {
  KeyLockGuard guard(engine_->locks(), db, key);
  CollectionWrite w;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForWrite(engine_, db, key, ValueType::kList, &w));
  if (!w.live) return Status::OK();
  Slots s;
  REDROCK_RETURN_IF_ERROR(DecodeSlots(w.meta, &s));
  const int64_t len = static_cast<int64_t>(s.size());
  uint64_t ltrim, rtrim;
  if (NormalizeRange(len, &start, &stop)) {
    ltrim = static_cast<uint64_t>(start);
    rtrim = static_cast<uint64_t>(len - stop - 1);
  } else {
    ltrim = static_cast<uint64_t>(len);  // out-of-range start, or start > stop: empty
    rtrim = 0;
  }
  if (ltrim == 0 && rtrim == 0) return Status::OK();
  SlotKeys keys(db, key, w.meta.version);
  Batch batch(engine_);
  if (ltrim + rtrim < s.size()) {
    DeleteRun(engine_, &batch, keys, s.head, ltrim);
    DeleteRun(engine_, &batch, keys, s.tail - rtrim, rtrim);
  }
  s.head += ltrim;
  s.tail -= rtrim;
  EncodeSlots(s, &w.meta);
  FinishCollectionWrite(&batch, db, key, w);
  return batch.Commit();
}

}  // namespace redrock::engine
