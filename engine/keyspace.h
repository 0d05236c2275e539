// Keyspace: operations on keys whatever their type (DEL, EXISTS, TYPE, the EXPIRE family,
// SCAN, KEYS, RANDOMKEY, RENAME, COPY, MOVE, TOUCH) and the meta lookups every type uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/key_format.h"
#include "engine/status.h"

namespace redrock::engine {

class Engine;
class Batch;

// EXPIRE's NX / XX / GT / LT options (XX combines with GT or LT, as in Redis).
struct ExpireCondition {
  bool nx = false, xx = false, gt = false, lt = false;
};

class Keyspace {
 public:
  explicit Keyspace(Engine* engine) : engine_(engine) {}

  // Reads the record stored for (db, key), live or expired: *present is false when none.
  Status ReadMeta(int db, std::string_view key, MetaRecord* meta, bool* present) const;
  // Reads the live record: NotFound when missing or expired (an expired record is deleted
  // on the way, as Redis does on access, unless the caller holds key locks).
  Status GetLive(int db, std::string_view key, MetaRecord* meta) const;

  // Number of `keys` that exist (a key named twice counts twice).
  Status Exists(int db, const std::vector<std::string_view>& keys, int64_t* count) const;
  // The type of a live key: NotFound when missing.
  Status Type(int db, std::string_view key, ValueType* type) const;
  // Deletes the keys that exist; *deleted is how many did. O(1) per key whatever its size.
  Status Delete(int db, const std::vector<std::string_view>& keys, int64_t* deleted);

  // Sets an absolute expire time (ms). A time not in the future deletes the key, as Redis
  // does. *applied is false when the key is missing or the condition fails.
  Status Expire(int db, std::string_view key, uint64_t when_ms, ExpireCondition cond,
                bool* applied);
  // Remaining TTL in ms: -2 missing, -1 no TTL.
  Status Ttl(int db, std::string_view key, int64_t* ttl_ms) const;
  // Absolute expire time in ms: -2 missing, -1 no TTL.
  Status ExpireTime(int db, std::string_view key, int64_t* when_ms) const;
  // Removes the TTL; *applied is false when missing or without TTL.
  Status Persist(int db, std::string_view key, bool* applied);

  // One step of a scan over db's live keys, strictly after `after` (nullopt = from the start;
  // "" is the empty key name, a legal one), visiting at most `count` stored records. Keys
  // must match `match` (glob, empty = any) and `type` (if set). *next is the last key
  // visited, or nullopt once the db is exhausted.
  Status Scan(int db, const std::optional<std::string>& after, size_t count, std::string_view match,
              std::optional<ValueType> type, std::vector<std::string>* keys,
              std::optional<std::string>* next) const;
  // Every live key matching the glob `pattern`, in key order.
  Status Keys(int db, std::string_view pattern, std::vector<std::string>* keys) const;
  // A random live key; NotFound when the db is empty.
  Status RandomKey(int db, std::string* key) const;

  // RENAME / RENAMENX: NotFound when src is missing; *applied false when nx and dst exists.
  Status Rename(int db, std::string_view src, std::string_view dst, bool nx, bool* applied);
  // COPY src to (dst_db, dst): NotFound when src is missing; *applied false when dst exists
  // and !replace.
  Status Copy(int db, std::string_view src, int dst_db, std::string_view dst, bool replace,
              bool* applied);
  // MOVE key to dst_db: *applied false when missing or already in dst_db.
  Status Move(int db, std::string_view key, int dst_db, bool* applied);

 private:
  // Writes a copy of `meta` (live record of (src_db, src)) as (dst_db, dst) into batch,
  // replacing `dst_old` (may be null); collections get a fresh version with their members.
  Status CopyValue(Batch* batch, int src_db, std::string_view src, const MetaRecord& meta,
                   int dst_db, std::string_view dst, const MetaRecord* dst_old);

  Engine* engine_;
};

}  // namespace redrock::engine
