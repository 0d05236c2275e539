// SetType: Redis set commands. Each member is one record in the data column family
// (DataPrefix(db, key, version) + member -> empty); the meta record holds the member count,
// so SCARD is one lookup and DEL/overwrite/expiry are O(1). Members iterate in byte order, so
// intersections, unions and differences are merge joins over sorted iterators: memory is
// the result's, never the inputs'.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/key_format.h"
#include "engine/member_iterator.h"
#include "engine/member_sample.h"
#include "engine/status.h"

namespace redrock::engine {

class Engine;

// Redis 7.0's set-max-intset-entries (default 512): a set of integers stays an intset up to
// this size; a non-integer member or more members make it a hashtable (OBJECT ENCODING).
struct SetEncodingLimits {
  uint64_t max_intset_entries = 512;
};

// SINTER, SUNION, SDIFF.
enum class SetOp { kInter, kUnion, kDiff };

// How many of the keys a multi-key read looked up existed (INFO keyspace_hits/misses).
struct KeyLookups {
  uint64_t hits = 0;
  uint64_t misses = 0;
};

class SetType {
 public:
  using SizeFn = std::function<void(uint64_t size)>;
  using MemberFn = std::function<void(std::string_view member)>;
  // Gives the position to resume an SSCAN from, once the set's version is known.
  using ResumeFn = ScanResumeFn;

  // `limits` decide the encoding writes record (the server passes its configuration).
  explicit SetType(Engine* engine, SetEncodingLimits limits = {})
      : engine_(engine), limits_(limits) {}

  // SADD: *added members were new.
  Status Add(int db, std::string_view key, const std::vector<std::string_view>& members,
             int64_t* added);
  // Consecutive SADDs of one key (a pipelined run) as one write; `members` and
  // `group_ends` as for HashType::SetRun. (*added)[i] is what SADD i would have answered.
  Status AddRun(int db, std::string_view key, const std::vector<std::string_view>& members,
                const std::vector<size_t>& group_ends, std::vector<int64_t>* added);
  // SREM: *removed members existed; the key goes with its last member. NotFound: no key.
  Status Remove(int db, std::string_view key, const std::vector<std::string_view>& members,
                int64_t* removed);
  // SPOP: removes and returns min(count, size) random members (see MemberSampler for the
  // distribution). NotFound when the key is missing.
  Status Pop(int db, std::string_view key, uint64_t count, std::vector<std::string>* popped);
  // SMOVE: *moved false when src is missing or lacks the member. WrongType when either key
  // holds another type (src missing wins, as in Redis).
  Status Move(int db, std::string_view src, std::string_view dst, std::string_view member,
              bool* moved);
  // SINTERSTORE / SUNIONSTORE / SDIFFSTORE: replaces dst (whatever it held, TTL dropped) with
  // the result, or deletes it when the result is empty. dst may be one of the keys.
  Status Store(int db, SetOp op, std::string_view dst, const std::vector<std::string_view>& keys,
               int64_t* size);

  // SMEMBERS: streams the set at one snapshot. NotFound when the key is missing.
  Status Members(int db, std::string_view key, const SizeFn& on_size,
                 const MemberFn& on_member) const;
  // SISMEMBER. NotFound when the key is missing.
  Status IsMember(int db, std::string_view key, std::string_view member, bool* found) const;
  // SMISMEMBER: one flag per member. NotFound when the key is missing.
  Status MIsMember(int db, std::string_view key, const std::vector<std::string_view>& members,
                   std::vector<bool>* found) const;
  // SCARD. NotFound when the key is missing.
  Status Card(int db, std::string_view key, uint64_t* size) const;
  // SRANDMEMBER with a count >= 0 (or none): min(count, size) distinct members, random order.
  // NotFound when the key is missing.
  Status RandomMembers(int db, std::string_view key, uint64_t count,
                       std::vector<SampledMember>* out) const;
  // SRANDMEMBER with a negative count: `count` members drawn with repeats; on_size gets the
  // set's size before the first draw. NotFound when the key is missing.
  Status RandomMembersWithRepeats(int db, std::string_view key, uint64_t count,
                                  const SizeFn& on_size, const MemberSampler::DrawFn& draw) const;
  // SINTER / SUNION / SDIFF at one snapshot: the result in member order. A missing key is an
  // empty set; WrongType at the first key of another type.
  Status Combine(int db, SetOp op, const std::vector<std::string_view>& keys,
                 std::vector<std::string>* result, KeyLookups* lookups) const;
  // SINTERCARD: the intersection's size, counting stops at `limit` (0: no limit).
  Status InterCard(int db, const std::vector<std::string_view>& keys, uint64_t limit,
                   uint64_t* card, KeyLookups* lookups) const;
  // SSCAN: like HashType::Scan (an intset is returned whole, as Redis does).
  Status Scan(int db, std::string_view key, const ResumeFn& resume, size_t count,
              std::optional<std::string_view> match, MemberPage* page, uint64_t* version) const;

  // OBJECT ENCODING of a set: "intset" or "hashtable", as Redis 7.0 would report it.
  static const char* Encoding(const MetaRecord& meta);

 private:
  // Records the conversion to a hashtable that growing to meta->size would cause in Redis.
  void NoteSize(MetaRecord* meta) const;

  Engine* engine_;
  SetEncodingLimits limits_;
};

}  // namespace redrock::engine
