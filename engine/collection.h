// Machinery shared by the collection types (hash, list, set, sorted set): loading a key for
// a write under its lock, creating a fresh version, writing the meta record back (or
// deleting the key once its last member is gone), and member keys in the data family.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <rocksdb/options.h>

#include "engine/key_format.h"
#include "engine/member_iterator.h"
#include "engine/status.h"

namespace redrock::engine {

class Engine;
class Batch;

// A collection key as seen by a write command (which holds the key lock).
struct CollectionWrite {
  bool stored = false;  // a record exists (live or expired, any type)
  MetaRecord old;       // that record, needed to replace or delete it
  bool live = false;    // a live record of the requested type exists
  MetaRecord meta;      // the record to write back: the live one, or a fresh empty one
};

// Loads (db, key) for a write on a collection of `type`. WrongType when a live key of
// another type is there. When the key is missing or expired, `meta` is a new empty
// collection with a fresh version and no TTL (an expired record's members are garbage).
Status LoadCollectionForWrite(Engine* engine, int db, std::string_view key, ValueType type,
                              CollectionWrite* w);

// Writes w.meta back, or deletes the key when its size dropped to zero (empty collections
// do not exist in Redis). Nothing is written when the key neither existed nor got members.
void FinishCollectionWrite(Batch* batch, int db, std::string_view key, const CollectionWrite& w);

// For a run of add commands (HSET, SADD) written as one: `items` are every request's
// fields or members in order, request i owning those before group_ends[i]; `existed` maps
// each distinct one to whether it was there before the run. (*added)[i] becomes what
// request i would have answered had the requests run one by one: its items that were
// neither there before nor added by an earlier request (each counted once). `existed` is
// updated as it goes.
template <typename Items, typename NameOf>
void CountNewPerGroup(const Items& items, NameOf name_of, const std::vector<size_t>& group_ends,
                      std::unordered_map<std::string_view, bool>* existed,
                      std::vector<int64_t>* added) {
  added->assign(group_ends.size(), 0);
  size_t group = 0;
  for (size_t i = 0; i < items.size(); i++) {
    while (group < group_ends.size() && i >= group_ends[group])
      group++;
    bool& there = (*existed)[name_of(items[i])];
    if (!there && group < group_ends.size()) {
      (*added)[group]++;
      there = true;
    }
  }
}

// Loads the live collection of `type` for a read, at `ro`'s snapshot: NotFound when
// missing or expired, WrongType when another type.
Status LoadCollectionForRead(Engine* engine, const rocksdb::ReadOptions& ro, int db,
                             std::string_view key, ValueType type, MetaRecord* meta);

// HSCAN / SSCAN: one cursor page over the live collection of `type` at (db, key), from one
// snapshot, in member byte order, resuming after resume(version); values are copied when
// `with_values`. A collection Redis would keep compact (listpack, intset: no
// kMetaBigEncoding) comes back whole in one page whatever the cursor and count, as Redis
// does. *version is the collection's version (the cursor's scope). NotFound when missing.
Status ScanCollection(Engine* engine, int db, std::string_view key, ValueType type,
                      const ScanResumeFn& resume, size_t count,
                      std::optional<std::string_view> match, bool with_values, MemberPage* page,
                      uint64_t* version);

// data-cf key of one member of a collection version.
std::string MemberKey(int db, std::string_view key, uint64_t version, std::string_view member);

}  // namespace redrock::engine
