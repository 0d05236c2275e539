// The on-disk layout of redrock's records (see docs/design.md):
//   meta    [db:2][user key]                                -> MetaRecord
//   data    [db:2][key len:4][user key][version:8][sub key] -> member value
//   zscore  [db:2][key len:4][user key][version:8][score:8][member]
//   expire  [db:2][expire ms:8][user key]                   -> empty (the expiry index)
// All numbers big-endian, so byte order is logical order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace redrock::engine {

// Redis value types, as stored in the meta record.
enum class ValueType : uint8_t { kString = 0, kHash = 1, kList = 2, kSet = 3, kZSet = 4 };

// The name TYPE reports ("string", "hash", ...).
const char* TypeName(ValueType type);

// Bits of MetaRecord::flags.
enum MetaFlag : uint8_t {
  kMetaRawString = 1 << 0,  // a string modified in place (APPEND/SETRANGE): encoding "raw"
  kMetaNotInt = 1 << 1,     // a string Redis would not int-encode (INCRBYFLOAT results)
  // A collection Redis would have converted to its big encoding (hash/set "hashtable", zset
  // "skiplist"). Sticky: Redis never converts back to the compact encoding.
  kMetaBigEncoding = 1 << 2,
};

// One Redis key's record in the meta column family.
struct MetaRecord {
  ValueType type = ValueType::kString;
  uint8_t flags = 0;
  uint64_t expire_ms = 0;  // absolute unix ms; 0 = no TTL
  // Strings: the value itself. Collections: version and member count.
  std::string value;
  uint64_t version = 0;
  uint64_t size = 0;

  bool HasExpire() const { return expire_ms != 0; }
  bool ExpiredAt(uint64_t now_ms) const { return expire_ms != 0 && expire_ms <= now_ms; }
};

// Size of the fixed header every meta value starts with (type, flags, expire).
inline constexpr size_t kMetaHeaderSize = 10;

// Serializes a meta record.
std::string EncodeMeta(const MetaRecord& meta);
// Parses a meta value; Corruption on malformed input.
Status DecodeMeta(std::string_view in, MetaRecord* meta);
// Reads only the expire time from an encoded meta value (compaction filter fast path).
bool PeekMetaExpire(std::string_view in, uint64_t* expire_ms);

// meta key for (db, key).
std::string MetaKey(int db, std::string_view key);
// Splits a meta key; false when malformed.
bool ParseMetaKey(std::string_view in, int* db, std::string_view* key);
// The smallest meta key of `db`, and the first key past it (range bounds for FLUSHDB/SCAN).
std::string DbPrefix(int db);

// Prefix of every data/zscore key of one collection version.
std::string DataPrefix(int db, std::string_view key, uint64_t version);
// Parses [db][key len][key][version] from the front of a data/zscore key.
bool ParseDataKey(std::string_view in, int* db, std::string_view* key, uint64_t* version,
                  std::string_view* sub_key);

// expiry index key.
std::string ExpireKey(int db, uint64_t expire_ms, std::string_view key);
bool ParseExpireKey(std::string_view in, int* db, uint64_t* expire_ms, std::string_view* key);

// Internal records in the default column family: per-db counters.
std::string KeyCountKey(int db);
std::string ExpireCountKey(int db);

// Current unix time in milliseconds.
uint64_t NowMs();

}  // namespace redrock::engine
