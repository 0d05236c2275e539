// ZSetType: Redis sorted sets. Each member is stored twice, written in the same batch:
//   data    DataPrefix(db, key, version) + member                 -> score (8 bytes)
//   zscore  DataPrefix(db, key, version) + score (8 bytes) + member -> ""  (the score index)
// Scores use the order-preserving encoding of engine/score_coding.h, so the index is in Redis's
// order (score, then member bytes). ZSCORE and ZADD's lookups are point reads in `data`; score
// and lex ranges seek the index; ZCARD is MetaRecord::size.
//
// Costs that differ from Redis's skiplist: the index has no rank information, so rank access
// (ZRANK, ZRANGE by index, ZREMRANGEBYRANK) walks the index from the nearer end, O(rank)
// instead of O(log n); counts (ZCOUNT, ZLEXCOUNT, ZRANK) walk the inside and the outside of
// the range at once and stop with the shorter, O(min(count, n - count)). Nothing loads a
// whole set unless the reply (or the stored result) is the whole set.
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
#include "engine/set_type.h"
#include "engine/status.h"

namespace redrock::engine {

class Engine;

// A score interval (ZRANGEBYSCORE min max); "(" makes an end exclusive.
struct ScoreRange {
  double min = 0, max = 0;
  bool min_exclusive = false, max_exclusive = false;
};

// One end of a lex interval: "-" and "+" are the infinities, "[x" includes x, "(x" excludes it.
struct LexBound {
  enum class Kind { kMinusInf, kPlusInf, kValue } kind = Kind::kMinusInf;
  std::string value;
  bool exclusive = false;
};

struct LexRange {
  LexBound min, max;
};

// Parses ZRANGEBYSCORE-style bounds as Redis's zslParseRange (strtod, "(" prefix, no NaN).
// False means "ERR min or max is not a float".
bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* range);
// Parses ZRANGEBYLEX-style bounds as Redis's zslParseLexRange. False means
// "ERR min or max not valid string range item".
bool ParseLexRange(std::string_view min, std::string_view max, LexRange* range);

// ZADD's flags, already checked for compatibility by the command layer.
struct ZAddOptions {
  bool nx = false, xx = false, gt = false, lt = false, incr = false;
};

// What ZADD did: counts for the reply, and with INCR the new score (processed is false when
// NX/XX/GT/LT stopped the increment: the reply is then nil).
struct ZAddResult {
  int64_t added = 0, updated = 0;
  bool processed = false;
  double score = 0;
};

struct ScoredMember {
  std::string member;
  double score = 0;
  bool operator==(const ScoredMember& o) const { return member == o.member && score == o.score; }
};

// What ZRANGE, ZRANGESTORE and the ZREMRANGEBY* commands select.
struct ZRangeSpec {
  enum class By { kRank, kScore, kLex } by = By::kRank;
  bool reverse = false;            // from the highest score down
  int64_t start = 0, stop = -1;    // kRank: Redis index rules (negative from the end)
  ScoreRange score;                // kScore
  LexRange lex;                    // kLex
  int64_t offset = 0, limit = -1;  // kScore/kLex LIMIT; limit < 0 = no limit
};

enum class ZSetOp { kUnion, kInter, kDiff };
enum class ZAggregate { kSum, kMin, kMax };

// ZUNION / ZINTER / ZDIFF and their STORE forms. Inputs may be sorted sets or sets (members of
// a set count with score 1); missing keys are empty.
struct ZCombineSpec {
  ZSetOp op = ZSetOp::kUnion;
  std::vector<std::string_view> keys;
  std::vector<double> weights;  // one per key, or empty for all 1
  ZAggregate aggregate = ZAggregate::kSum;
};

// zset-max-listpack-entries / zset-max-listpack-value: only OBJECT ENCODING (and ZSCAN's
// one-shot replies for small sets) depend on them. A set past either limit carries
// kMetaBigEncoding ("skiplist"), for good: Redis never converts back, except that the STORE
// commands write a fresh result.
struct ZSetLimits {
  int64_t max_listpack_entries = 128;
  int64_t max_listpack_value = 64;
};

class ZSetType {
 public:
  explicit ZSetType(Engine* engine, ZSetLimits limits = {}) : engine_(engine), limits_(limits) {}

  // ZADD / ZINCRBY: applies (score, member) pairs in order. InvalidArgument when an increment
  // yields NaN ("ERR resulting score is not a number (NaN)"); nothing is written then.
  Status Add(int db, std::string_view key,
             const std::vector<std::pair<double, std::string_view>>& items,
             const ZAddOptions& options, ZAddResult* result);
  // Consecutive plain ZADDs (no options) of one key, a pipelined run, as one write: `items`
  // holds every request's pairs in order, request i owning those before group_ends[i].
  // (*added)[i] is what ZADD i would have answered had the requests run one by one.
  Status AddRun(int db, std::string_view key,
                const std::vector<std::pair<double, std::string_view>>& items,
                const std::vector<size_t>& group_ends, std::vector<int64_t>* added);
  // ZREM: *removed is how many of `members` were there.
  Status Remove(int db, std::string_view key, const std::vector<std::string_view>& members,
                int64_t* removed);

  // ZCARD: NotFound when missing.
  Status Card(int db, std::string_view key, int64_t* size) const;
  // ZSCORE: NotFound when the key is missing; nullopt when the member is.
  Status Score(int db, std::string_view key, std::string_view member,
               std::optional<double>* score) const;
  // ZMSCORE: one entry per member. NotFound when the key is missing (then all are nullopt).
  Status MScore(int db, std::string_view key, const std::vector<std::string_view>& members,
                std::vector<std::optional<double>>* scores) const;
  // ZRANK / ZREVRANK: NotFound when the key is missing; nullopt when the member is.
  // O(min(rank, n - rank)).
  Status Rank(int db, std::string_view key, std::string_view member, bool reverse,
              std::optional<int64_t>* rank) const;
  // ZCOUNT / ZLEXCOUNT: NotFound when missing.
  Status Count(int db, std::string_view key, const ScoreRange& range, int64_t* count) const;
  Status LexCount(int db, std::string_view key, const LexRange& range, int64_t* count) const;

  // ZRANGE and its older forms: the selected members in reply order. NotFound when missing.
  Status Range(int db, std::string_view key, const ZRangeSpec& spec,
               std::vector<ScoredMember>* out) const;
  // ZRANGESTORE: replaces dst with the selection (deletes dst when it is empty).
  Status RangeStore(int db, std::string_view dst, std::string_view src, const ZRangeSpec& spec,
                    int64_t* stored);
  // ZREMRANGEBYRANK / BYSCORE / BYLEX (spec.offset/limit/reverse are ignored).
  Status RemoveRange(int db, std::string_view key, const ZRangeSpec& spec, int64_t* removed);

  // ZPOPMIN / ZPOPMAX / ZMPOP: pops up to `count` members from the first of `keys` that exists
  // (keys before it must be missing; a wrong type there is WrongType). NotFound when none
  // exists. *popped_key names the key popped from. With `skip_wrong_type`, keys of another
  // type count as missing (a blocked BZPOPMIN woken by a string landing on its key keeps
  // waiting, as in Redis).
  Status Pop(int db, const std::vector<std::string_view>& keys, bool max, int64_t count,
             std::string* popped_key, std::vector<ScoredMember>* out, bool skip_wrong_type = false);

  // ZRANDMEMBER with a count >= 0: min(count, n) distinct members, in random order (see
  // MemberSampler for the distribution on big sets), or the whole set highest score first
  // (Redis's order) when count >= n. Values are the members' 8-byte scores (DecodeScore).
  // NotFound when missing.
  Status RandomMembers(int db, std::string_view key, uint64_t count,
                       std::vector<SampledMember>* out) const;
  // ZRANDMEMBER with a negative count: `count` independent draws passed to `draw` (value: the
  // 8-byte score), after `on_size` got the set's size. NotFound when missing.
  Status RandomMembersWithRepeats(int db, std::string_view key, uint64_t count,
                                  const std::function<void(uint64_t size)>& on_size,
                                  const MemberSampler::DrawFn& draw) const;

  // ZUNION / ZINTER / ZDIFF: the result ordered by score then member.
  // `lookups` (optional) counts the inputs found, for INFO's keyspace hits and misses.
  Status Combine(int db, const ZCombineSpec& spec, std::vector<ScoredMember>* out,
                 KeyLookups* lookups = nullptr) const;
  // ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE: replaces dst with the result.
  Status CombineStore(int db, std::string_view dst, const ZCombineSpec& spec, int64_t* stored);
  // ZINTERCARD: size of the intersection, counting stops at `limit` (0 = no limit).
  Status InterCard(int db, const std::vector<std::string_view>& keys, int64_t limit, int64_t* count,
                   KeyLookups* lookups = nullptr) const;
  // WrongType when one of `keys` holds something other than a sorted set or a set: Redis checks
  // the inputs of ZUNION & co. before their options.
  Status CheckCombineInputs(int db, const std::vector<std::string_view>& keys) const;

  // ZSCAN step: `resume` gives the member to resume after (empty: from the start) once the
  // set's version is known; visits at most `count` members in byte order; values are the
  // 8-byte scores. A set Redis would hold as a listpack is returned whole, in score order, in
  // one step, as Redis does. NotFound when missing.
  Status Scan(int db, std::string_view key, const SetType::ResumeFn& resume, size_t count,
              std::optional<std::string_view> match, MemberPage* page, uint64_t* version) const;

  // OBJECT ENCODING: "listpack" or "skiplist".
  static const char* Encoding(const MetaRecord& meta);

 private:
  // Add, and with `group_ends` also each group's count of added members.
  Status AddGroups(int db, std::string_view key,
                   const std::vector<std::pair<double, std::string_view>>& items,
                   const ZAddOptions& options, ZAddResult* result,
                   const std::vector<size_t>* group_ends, std::vector<int64_t>* group_added);

  Engine* engine_;
  ZSetLimits limits_;
};

}  // namespace redrock::engine
