// ListType: Redis lists. A list is the run of slots [head, tail) of its collection version
// in the data column family, each slot keyed by its index as a fixed-width 8-byte
// big-endian number (MemberKey(db, key, version, Fixed64(index))). Byte order is index
// order, so both ends grow by one slot per push (the first list element sits in the middle
// of the uint64 range), LINDEX/LSET are one point access at head + index, and ranges are
// one bounded iterator. head and tail live in MetaRecord::value, the length in
// MetaRecord::size (LLEN is O(1)).
//
// Slots outside [head, tail) never exist in a live version: pops and trims delete them,
// middle operations (LINSERT, LREM) shift one side of the list to keep the run dense, and a
// list that becomes empty is deleted through its meta record alone (its slots become
// garbage for the GC compaction filter). Shifts read and write in chunks, so memory stays
// bounded by the chunk plus the command's one write batch.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/key_format.h"
#include "engine/status.h"

namespace redrock::engine {

class Engine;

// Which end of a list: LEFT is the head (index 0), RIGHT the tail.
enum class ListEnd : uint8_t { kLeft, kRight };

// LPOS options, validated by the command layer.
struct ListPosOptions {
  int64_t rank = 1;    // 1 = first match; negative: search from the tail
  int64_t count = -1;  // -1: no COUNT (one index or nil); 0: every match
  int64_t maxlen = 0;  // elements compared at most; 0 = the whole list
};

class ListType {
 public:
  using SizeFn = std::function<void(uint64_t size)>;
  using ElementFn = std::function<void(std::string_view element)>;

  explicit ListType(Engine* engine) : engine_(engine) {}

  // LPUSH / RPUSH, elements pushed one after the other. With only_if_exists (LPUSHX,
  // RPUSHX) a missing key stays missing. *length is the new length (0 when nothing).
  Status Push(int db, std::string_view key, ListEnd end,
              const std::vector<std::string_view>& elements, bool only_if_exists, int64_t* length);
  // LPOP / RPOP: up to `count` elements from `end`, in pop order. NotFound when missing.
  Status Pop(int db, std::string_view key, ListEnd end, uint64_t count,
             std::vector<std::string>* out);
  // LMPOP, BLPOP, BRPOP: pops up to `count` elements from the first of `keys` that exists,
  // checking them in order under one lock (WrongType when a key met before a non-empty one
  // holds another type). *which is that key's index. NotFound when every key is missing.
  // With `skip_wrong_type`, keys of another type count as missing (a blocked BLPOP woken
  // after a SET on its key keeps waiting, as in Redis).
  Status PopFirst(int db, const std::vector<std::string_view>& keys, ListEnd end, uint64_t count,
                  size_t* which, std::vector<std::string>* out, bool skip_wrong_type = false);
  // LMOVE / RPOPLPUSH: pops from src's `from` end and pushes to dst's `to` end, atomically
  // (src == dst rotates). NotFound when src is missing; WrongType when src, or dst, holds
  // another type (dst is checked only when there is something to move, as in Redis). With
  // `skip_wrong_type`, a src of another type counts as missing (blocked BLMOVE); dst is
  // checked all the same.
  Status Move(int db, std::string_view src, std::string_view dst, ListEnd from, ListEnd to,
              std::string* element, bool skip_wrong_type = false);

  // LLEN. NotFound when the key is missing.
  Status Length(int db, std::string_view key, uint64_t* length) const;
  // LINDEX (negative counts from the tail): NotFound when the key is missing, nullopt when
  // the index is out of range.
  Status Index(int db, std::string_view key, int64_t index,
               std::optional<std::string>* element) const;
  // LRANGE with Redis's index rules, streamed from one snapshot: on_size gets the count
  // first, then on_element each element. NotFound when the key is missing.
  Status Range(int db, std::string_view key, int64_t start, int64_t stop, const SizeFn& on_size,
               const ElementFn& on_element) const;
  // LPOS: indexes (from the head) of matches. NotFound when the key is missing.
  Status Pos(int db, std::string_view key, std::string_view element, const ListPosOptions& opts,
             std::vector<int64_t>* out) const;

  // LSET: NotFound when the key is missing, InvalidArgument("ERR index out of range").
  Status Set(int db, std::string_view key, int64_t index, std::string_view element);
  // LINSERT BEFORE|AFTER pivot: *length is the new length, or -1 when the pivot is absent.
  // NotFound when the key is missing.
  Status Insert(int db, std::string_view key, bool before, std::string_view pivot,
                std::string_view element, int64_t* length);
  // LREM: count > 0 removes the first `count` matches from the head, count < 0 from the
  // tail, 0 all of them. *removed is how many went (0 for a missing key).
  Status Remove(int db, std::string_view key, int64_t count, std::string_view element,
                int64_t* removed);
  // LTRIM with Redis's index rules; an empty result deletes the key. OK for a missing key.
  Status Trim(int db, std::string_view key, int64_t start, int64_t stop);

  // OBJECT ENCODING: Redis 7.0 stores every list as a quicklist.
  static const char* Encoding(const MetaRecord&) { return "quicklist"; }

 private:
  Engine* engine_;
};

}  // namespace redrock::engine
