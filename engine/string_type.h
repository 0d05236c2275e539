// StringType: Redis string commands on meta records that carry their value inline, so a GET
// is one point lookup. Every write is one batch under the key lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/key_format.h"
#include "engine/status.h"

namespace redrock::engine {

class Engine;

// SET's options, already validated by the command layer.
struct SetOptions {
  enum class Condition { kAlways, kNX, kXX } condition = Condition::kAlways;
  uint64_t expire_ms = 0;  // absolute; 0 = no TTL (a time not in the future deletes the key)
  bool keep_ttl = false;
  bool get = false;  // return the old value (WRONGTYPE if it is not a string)
};

// GETEX's action on the TTL.
struct GetExOptions {
  enum class Action { kNone, kSetExpire, kPersist } action = Action::kNone;
  uint64_t expire_ms = 0;
};

class StringType {
 public:
  explicit StringType(Engine* engine) : engine_(engine) {}

  // GET: NotFound when missing, WrongType when not a string.
  Status Get(int db, std::string_view key, std::string* value) const;
  // SET with options. *applied tells whether NX/XX let it happen; with options.get, *old
  // holds the previous value (nullopt when there was none).
  Status Set(int db, std::string_view key, std::string_view value, const SetOptions& options,
             bool* applied, std::optional<std::string>* old);
  // GETDEL: the value, then the key is gone.
  Status GetDel(int db, std::string_view key, std::string* value);
  // GETEX: the value, with the TTL changed as asked.
  Status GetEx(int db, std::string_view key, const GetExOptions& options, std::string* value);
  // MGET: one entry per key, nullopt for missing keys and non-strings.
  Status MGet(int db, const std::vector<std::string_view>& keys,
              std::vector<std::optional<std::string>>* values) const;
  // MSET / MSETNX, atomically. With nx nothing is written if any key exists (*applied false).
  Status MSet(int db, const std::vector<std::pair<std::string_view, std::string_view>>& kvs,
              bool nx, bool* applied);
  // Plain SETs (SET key value [EX|PX n]) run as one atomic write: one key-lock acquisition
  // and one commit for all of them. A key named twice ends with its last value and TTL,
  // as if the SETs had run one after the other. expire_ms is absolute and in the future,
  // or 0 for no TTL.
  struct SetItem {
    std::string_view key;
    std::string_view value;
    uint64_t expire_ms = 0;
  };
  Status SetMany(int db, const std::vector<SetItem>& items);
  // INCRBY family commands of one pipeline as one atomic write, each applied in order as if
  // it ran alone: results[i] is item i's new value, or its error (WRONGTYPE, not an
  // integer, overflow), which leaves that key as it was.
  struct IncrItem {
    std::string_view key;
    int64_t delta = 0;
  };
  struct IncrResult {
    Status status;
    int64_t value = 0;
  };
  Status IncrMany(int db, const std::vector<IncrItem>& items, std::vector<IncrResult>* results);
  // INCRBY family: the stored value must be a 64-bit integer; keeps the TTL.
  Status IncrBy(int db, std::string_view key, int64_t delta, int64_t* result);
  // INCRBYFLOAT: *result is the new value as stored (Redis's human format).
  Status IncrByFloat(int db, std::string_view key, long double delta, std::string* result);
  // APPEND: *length is the new length.
  Status Append(int db, std::string_view key, std::string_view value, int64_t* length);
  // STRLEN: 0 for a missing key.
  Status Strlen(int db, std::string_view key, int64_t* length) const;
  // GETRANGE with Redis's index rules (negative from the end, clamped).
  Status GetRange(int db, std::string_view key, int64_t start, int64_t end,
                  std::string* value) const;
  // SETRANGE: zero-pads as needed; *length is the new length. An empty value on a missing
  // key creates nothing.
  Status SetRange(int db, std::string_view key, uint64_t offset, std::string_view value,
                  int64_t* length);

  // OBJECT ENCODING of a string value: "int", "embstr" or "raw", as Redis would report it.
  static const char* Encoding(const MetaRecord& meta);

 private:
  // Reads the live string under the key lock; *present false when missing/expired.
  Status ReadForWrite(int db, std::string_view key, MetaRecord* meta, bool* stored,
                      bool* live) const;
  // MSET, MSETNX and SetMany: with nx, nothing is written if any key is live.
  Status WriteMany(int db, const std::vector<SetItem>& items, bool nx, bool* applied);
  Engine* engine_;
};

}  // namespace redrock::engine
