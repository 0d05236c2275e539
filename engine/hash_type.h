// HashType: Redis hash commands. Each field is one record in the data column family
// (DataPrefix(db, key, version) + field -> value); the meta record holds the field count, so
// HLEN is one lookup, and DEL/overwrite/expiry are O(1) whatever the size. Writes are one
// batch under the key lock; multi-step reads use one snapshot.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/key_format.h"
#include "engine/member_iterator.h"
#include "engine/member_sample.h"
#include "engine/status.h"

namespace redrock::engine {

class Engine;

// Redis 7.0's hash-max-listpack-entries / hash-max-listpack-value (built-in defaults 512 and
// 64): past either, Redis converts a hash to a hashtable (OBJECT ENCODING), and never back.
struct HashEncodingLimits {
  uint64_t max_listpack_entries = 512;
  uint64_t max_listpack_value = 64;
};

class HashType {
 public:
  using FieldValues = std::vector<std::pair<std::string_view, std::string_view>>;
  // Receives the field count once, then every (field, value) in field order.
  using SizeFn = std::function<void(uint64_t size)>;
  using FieldFn = std::function<void(std::string_view field, std::string_view value)>;
  // Gives the position to resume an HSCAN from, once the hash's version is known.
  using ResumeFn = ScanResumeFn;

  // `limits` decide the encoding writes record (the server passes its configuration).
  explicit HashType(Engine* engine, HashEncodingLimits limits = {})
      : engine_(engine), limits_(limits) {}

  // HSET / HMSET: a field named twice takes its last value. *added: fields that were new.
  Status Set(int db, std::string_view key, const FieldValues& fields, int64_t* added);
  // Consecutive HSETs of one key (a pipelined run) as one write. `fields` holds every
  // request's fields in order, request i owning those before group_ends[i] (and from
  // group_ends[i - 1]). (*added)[i] is what HSET i would have answered had they run one by
  // one; the final state is the same too.
  Status SetRun(int db, std::string_view key, const FieldValues& fields,
                const std::vector<size_t>& group_ends, std::vector<int64_t>* added);
  // HSETNX: *applied false when the field exists.
  Status SetNx(int db, std::string_view key, std::string_view field, std::string_view value,
               bool* applied);
  // HDEL: *removed fields existed; the key goes with its last field. NotFound: no key.
  Status Delete(int db, std::string_view key, const std::vector<std::string_view>& fields,
                int64_t* removed);
  // HINCRBY: the field's value must be a 64-bit integer (0 when missing).
  Status IncrBy(int db, std::string_view key, std::string_view field, int64_t delta,
                int64_t* result);
  // HINCRBYFLOAT: *result is the new value as stored (Redis's long double human format).
  Status IncrByFloat(int db, std::string_view key, std::string_view field, long double delta,
                     std::string* result);

  // HGET: NotFound when the key is missing; *value nullopt when only the field is.
  Status Get(int db, std::string_view key, std::string_view field,
             std::optional<std::string>* value) const;
  // HMGET: one entry per field. NotFound when the key is missing.
  Status MGet(int db, std::string_view key, const std::vector<std::string_view>& fields,
              std::vector<std::optional<std::string>>* values) const;
  // HEXISTS. NotFound when the key is missing.
  Status Exists(int db, std::string_view key, std::string_view field, bool* exists) const;
  // HSTRLEN: 0 when the field is missing. NotFound when the key is.
  Status StrLen(int db, std::string_view key, std::string_view field, int64_t* length) const;
  // HLEN. NotFound when the key is missing.
  Status Len(int db, std::string_view key, uint64_t* length) const;
  // HGETALL / HKEYS / HVALS: streams the whole hash at one snapshot (values are read only
  // when `with_values`). NotFound when the key is missing.
  Status GetAll(int db, std::string_view key, bool with_values, const SizeFn& on_size,
                const FieldFn& on_field) const;
  // HRANDFIELD with a count >= 0 (or none): min(count, size) distinct fields in random order
  // (see MemberSampler for the distribution). NotFound when the key is missing.
  Status RandomFields(int db, std::string_view key, uint64_t count, bool with_values,
                      std::vector<SampledMember>* out) const;
  // HRANDFIELD with a negative count: `count` fields drawn with repeats. on_size gets the
  // hash's size before the first draw. NotFound when the key is missing.
  Status RandomFieldsWithRepeats(int db, std::string_view key, uint64_t count, bool with_values,
                                 const SizeFn& on_size, const MemberSampler::DrawFn& draw) const;
  // HSCAN: one page of at most `count` fields after the position `resume` gives for the
  // hash's version, keeping fields that match `match`. A hash Redis keeps as a listpack is
  // returned whole in one page, as Redis does. *version is the hash's version (the cursor
  // scope). NotFound when the key is missing.
  Status Scan(int db, std::string_view key, const ResumeFn& resume, size_t count,
              std::optional<std::string_view> match, MemberPage* page, uint64_t* version) const;

  // OBJECT ENCODING of a hash: "listpack" or "hashtable", as Redis 7.0 would report it.
  static const char* Encoding(const MetaRecord& meta);

 private:
  // Records the conversion to a hashtable that writing (field, value) would cause in Redis.
  void NoteWrite(MetaRecord* meta, std::string_view field, std::string_view value) const;
  // Records the conversion that growing to meta->size would cause.
  void NoteSize(MetaRecord* meta) const;

  Engine* engine_;
  HashEncodingLimits limits_;
};

}  // namespace redrock::engine
