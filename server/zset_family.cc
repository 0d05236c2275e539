// Single-key sorted-set commands: ZADD/ZINCRBY, point reads, the ZRANGE family (by rank,
// score or lex, forward or REV, LIMIT, ZRANGESTORE and the older ZREVRANGE/Z[REV]RANGEBY*
// forms), removals, ZRANDMEMBER and ZSCAN, plus the group's registration block. Pops and the
// set algebra are in zset_multikey_family.cc. Handlers parse with Redis 7.0's rules and error
// precedence, call one ZSetType operation and write the reply; writes that may give a key
// members signal the clients blocked on it.
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/numbers.h"
#include "engine/score_coding.h"
#include "engine/zset_type.h"
#include "server/arg_parse.h"
#include "server/blocking.h"
#include "server/command.h"
#include "server/config.h"
#include "server/families.h"
#include "server/notify.h"
#include "server/scan_util.h"
#include "server/server.h"
#include "server/streamed_reply.h"
#include "server/zset_util.h"

namespace redrock::server {

namespace zset {

engine::ZSetType Reader(CommandContext& ctx) {
  return engine::ZSetType(&ctx.engine);
}

engine::ZSetType Writer(CommandContext& ctx) {
  return engine::ZSetType(&ctx.engine, ZSetLimits(ctx.server.config()));
}

std::vector<std::string_view> ArgViews(const CommandContext& ctx, size_t first, size_t end) {
  return std::vector<std::string_view>(ctx.args.begin() + static_cast<ptrdiff_t>(first),
                                       ctx.args.begin() + static_cast<ptrdiff_t>(end));
}

void ReplyMembers(CommandContext& ctx, const std::vector<engine::ScoredMember>& members,
                  bool with_scores) {
  const bool nested = with_scores && ctx.reply.resp() >= 3;
  ctx.reply.ArrayHeader(with_scores && !nested ? members.size() * 2 : members.size());
  for (const engine::ScoredMember& m : members) {
    if (nested) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(m.member);
    if (with_scores) ctx.reply.Double(m.score);
  }
}

void NotifyRemoval(CommandContext& ctx, std::string_view event, std::string_view key) {
  NotifyKeyspaceEvent(ctx, kNotifyZSet, event, key);
  NotifyIfEmptied(ctx, key);
}

void NotifyStore(CommandContext& ctx, std::string_view event, std::string_view dst, int64_t size,
                 bool created, bool existed) {
  if (size > 0) {
    if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", dst);
    NotifyKeyspaceEvent(ctx, kNotifyZSet, event, dst);
    ctx.server.blocking().Signal(ctx.db, dst);
  } else if (existed) {  // an empty result deletes the destination
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", dst);
  }
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, int first, int last, int step,
                 CommandHandler handler, std::string summary, std::string since,
                 std::vector<std::string> acl, std::string complexity,
                 std::vector<std::string> tips) {
  acl.insert(acl.begin() + 1, "@sortedset");
  return MakeCommandSpec(std::move(name), arity, flags, {first, last, step}, handler, "sorted_set",
                         std::move(summary), std::move(since), std::move(acl),
                         std::move(complexity), std::move(tips));
}

}  // namespace zset

namespace {

using engine::LexRange;
using engine::SampledMember;
using engine::ScoredMember;
using engine::ScoreRange;
using engine::ZAddOptions;
using engine::ZAddResult;
using engine::ZRangeSpec;
using engine::ZSetType;
using zset::ArgViews;
using zset::NotifyRemoval;
using zset::NotifyStore;
using zset::Reader;
using zset::ReplyMembers;
using zset::Spec;
using zset::Writer;

constexpr std::string_view kErrNotFloatRange = "ERR min or max is not a float";
constexpr std::string_view kErrNotLexRange = "ERR min or max not valid string range item";
// Draws with repeats per ZRANDMEMBER call, as for SRANDMEMBER/HRANDFIELD: a bigger reply
// would only exhaust memory (Redis streams it until the client buffer limit hits).
constexpr uint64_t kMaxRandomDraws = 1ULL << 24;

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]; ZINCRBY is ZADD INCR
// with the options loop too, so "ZINCRBY k nx m" is a syntax error as in Redis.
void ZAddGeneric(CommandContext& ctx, bool zincrby) {
  ZAddOptions o;
  o.incr = zincrby;
  bool ch = false;
  size_t i = 2;
  for (; i < ctx.args.size(); i++) {
    const std::string& opt = ctx.args[i];
    if (ArgIs(opt, "NX")) {
      o.nx = true;
    } else if (ArgIs(opt, "XX")) {
      o.xx = true;
    } else if (ArgIs(opt, "CH")) {
      ch = true;
    } else if (ArgIs(opt, "INCR")) {
      o.incr = true;
    } else if (ArgIs(opt, "GT")) {
      o.gt = true;
    } else if (ArgIs(opt, "LT")) {
      o.lt = true;
    } else {
      break;
    }
  }
  const size_t elements = ctx.args.size() - i;
  if (elements == 0 || elements % 2 != 0) return ctx.reply.Error(kErrSyntax);
  if (o.nx && o.xx) {
    return ctx.reply.Error("ERR XX and NX options at the same time are not compatible");
  }
  if ((o.gt && o.nx) || (o.lt && o.nx) || (o.gt && o.lt)) {
    return ctx.reply.Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (o.incr && elements > 2) {
    return ctx.reply.Error("ERR INCR option supports a single increment-element pair");
  }
  // Every score is checked before anything is written.
  std::vector<std::pair<double, std::string_view>> items;
  items.reserve(elements / 2);
  for (size_t j = i; j < ctx.args.size(); j += 2) {
    double score;
    if (!ParseDouble(ctx.args[j], &score)) return ctx.reply.Error(kErrNotFloat);
    items.emplace_back(score, ctx.args[j + 1]);
  }
  const std::string& key = ctx.args[1];
  const bool created = KeyWouldBeNew(ctx, ctx.db, key);
  ZAddResult r;
  Status s = Writer(ctx).Add(ctx.db, key, items, o, &r);
  if (!s.ok()) return ReplyError(ctx, s);
  if (r.added > 0 || r.updated > 0) {
    if (created && r.added > 0) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", key);
    NotifyKeyspaceEvent(ctx, kNotifyZSet, o.incr ? "zincr" : "zadd", key);
  }
  if (r.added > 0) ctx.server.blocking().Signal(ctx.db, key);
  if (o.incr) {
    if (!r.processed) return ctx.reply.Null();
    return ctx.reply.Double(r.score);
  }
  ctx.reply.Integer(ch ? r.added + r.updated : r.added);
}

void ZAddCommand(CommandContext& ctx) {
  ZAddGeneric(ctx, false);
}
void ZIncrByCommand(CommandContext& ctx) {
  ZAddGeneric(ctx, true);
}

void ZRemCommand(CommandContext& ctx) {
  int64_t removed;
  Status s = Reader(ctx).Remove(ctx.db, ctx.args[1], ArgViews(ctx, 2, ctx.args.size()), &removed);
  if (!s.ok()) return ReplyError(ctx, s);
  if (removed > 0) NotifyRemoval(ctx, "zrem", ctx.args[1]);
  ctx.reply.Integer(removed);
}

void ZCardCommand(CommandContext& ctx) {
  int64_t size = 0;
  Status s = Reader(ctx).Card(ctx.db, ctx.args[1], &size);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(size);
}

void ZScoreCommand(CommandContext& ctx) {
  std::optional<double> score;
  Status s = Reader(ctx).Score(ctx.db, ctx.args[1], ctx.args[2], &score);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  if (!score) return ctx.reply.Null();
  ctx.reply.Double(*score);
}

void ZMScoreCommand(CommandContext& ctx) {
  std::vector<std::optional<double>> scores;
  Status s = Reader(ctx).MScore(ctx.db, ctx.args[1], ArgViews(ctx, 2, ctx.args.size()), &scores);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.ArrayHeader(scores.size());
  for (const auto& score : scores) {
    if (score) {
      ctx.reply.Double(*score);
    } else {
      ctx.reply.Null();
    }
  }
}

void ZRankGeneric(CommandContext& ctx, bool reverse) {
  std::optional<int64_t> rank;
  Status s = Reader(ctx).Rank(ctx.db, ctx.args[1], ctx.args[2], reverse, &rank);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  if (!rank) return ctx.reply.Null();
  ctx.reply.Integer(*rank);
}

void ZRankCommand(CommandContext& ctx) {
  ZRankGeneric(ctx, false);
}
void ZRevRankCommand(CommandContext& ctx) {
  ZRankGeneric(ctx, true);
}

void ZCountCommand(CommandContext& ctx) {
  ScoreRange range;
  if (!engine::ParseScoreRange(ctx.args[2], ctx.args[3], &range)) {
    return ctx.reply.Error(kErrNotFloatRange);
  }
  int64_t count = 0;
  Status s = Reader(ctx).Count(ctx.db, ctx.args[1], range, &count);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(count);
}

void ZLexCountCommand(CommandContext& ctx) {
  LexRange range;
  if (!engine::ParseLexRange(ctx.args[2], ctx.args[3], &range)) {
    return ctx.reply.Error(kErrNotLexRange);
  }
  int64_t count = 0;
  Status s = Reader(ctx).LexCount(ctx.db, ctx.args[1], range, &count);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(count);
}

// --- the ZRANGE family ---

enum class RangeBy { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// Parses "<src> <min> <max> [BYSCORE|BYLEX] [REV] [WITHSCORES] [LIMIT offset count]" from
// args[src_index..] as Redis's zrangeGenericCommand does: options first (a second BYSCORE,
// or an option the command fixes, is a syntax error), then the conflicts, then the range.
// `store` (ZRANGESTORE) refuses WITHSCORES. On error replies and returns false.
bool ParseRangeCommand(CommandContext& ctx, size_t src_index, bool store, RangeBy by, Direction dir,
                       ZRangeSpec* spec, bool* with_scores) {
  const auto& args = ctx.args;
  int64_t offset = 0, limit = -1;
  *with_scores = false;
  for (size_t j = src_index + 3; j < args.size(); j++) {
    const size_t left = args.size() - j - 1;
    if (!store && ArgIs(args[j], "WITHSCORES")) {
      *with_scores = true;
    } else if (ArgIs(args[j], "LIMIT") && left >= 2) {
      if (!ParseIntArg(ctx, j + 1, &offset) || !ParseIntArg(ctx, j + 2, &limit)) return false;
      j += 2;
    } else if (dir == Direction::kAuto && ArgIs(args[j], "REV")) {
      dir = Direction::kReverse;
    } else if (by == RangeBy::kAuto && ArgIs(args[j], "BYLEX")) {
      by = RangeBy::kLex;
    } else if (by == RangeBy::kAuto && ArgIs(args[j], "BYSCORE")) {
      by = RangeBy::kScore;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (by == RangeBy::kAuto) by = RangeBy::kRank;
  // Redis tests limit != -1, so "LIMIT 0 -1" passes with a rank range.
  if (limit != -1 && by == RangeBy::kRank) {
    ctx.reply.Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return false;
  }
  if (*with_scores && by == RangeBy::kLex) {
    ctx.reply.Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return false;
  }
  spec->reverse = dir == Direction::kReverse;
  spec->offset = offset;
  spec->limit = limit;
  size_t min_index = src_index + 1, max_index = src_index + 2;
  if (spec->reverse && by != RangeBy::kRank) std::swap(min_index, max_index);  // [max, min]
  switch (by) {
    case RangeBy::kScore:
      spec->by = ZRangeSpec::By::kScore;
      if (!engine::ParseScoreRange(args[min_index], args[max_index], &spec->score)) {
        ctx.reply.Error(kErrNotFloatRange);
        return false;
      }
      return true;
    case RangeBy::kLex:
      spec->by = ZRangeSpec::By::kLex;
      if (!engine::ParseLexRange(args[min_index], args[max_index], &spec->lex)) {
        ctx.reply.Error(kErrNotLexRange);
        return false;
      }
      return true;
    default:
      spec->by = ZRangeSpec::By::kRank;
      return ParseIntArg(ctx, min_index, &spec->start) && ParseIntArg(ctx, max_index, &spec->stop);
  }
}

void RangeGeneric(CommandContext& ctx, RangeBy by, Direction dir) {
  ZRangeSpec spec;
  bool with_scores;
  if (!ParseRangeCommand(ctx, 1, false, by, dir, &spec, &with_scores)) return;
  std::vector<ScoredMember> out;
  Status s = Reader(ctx).Range(ctx.db, ctx.args[1], spec, &out);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ReplyMembers(ctx, out, with_scores);
}

void ZRangeCommand(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kAuto, Direction::kAuto);
}
void ZRevRangeCommand(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kRank, Direction::kReverse);
}
void ZRangeByScoreCommand(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kScore, Direction::kForward);
}
void ZRevRangeByScoreCommand(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kScore, Direction::kReverse);
}
void ZRangeByLexCommand(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kLex, Direction::kForward);
}
void ZRevRangeByLexCommand(CommandContext& ctx) {
  RangeGeneric(ctx, RangeBy::kLex, Direction::kReverse);
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
void ZRangeStoreCommand(CommandContext& ctx) {
  ZRangeSpec spec;
  bool with_scores;
  if (!ParseRangeCommand(ctx, 2, true, RangeBy::kAuto, Direction::kAuto, &spec, &with_scores)) {
    return;
  }
  const std::string& dst = ctx.args[1];
  const bool created = KeyWouldBeNew(ctx, ctx.db, dst);
  const bool existed = KeyExistsIfNotifying(ctx, kNotifyGeneric, dst);
  int64_t stored;
  Status s = Writer(ctx).RangeStore(ctx.db, dst, ctx.args[2], spec, &stored);
  if (!s.ok()) return ReplyError(ctx, s);
  NotifyStore(ctx, "zrangestore", dst, stored, created, existed);
  ctx.reply.Integer(stored);
}

void RemoveRangeGeneric(CommandContext& ctx, ZRangeSpec::By by, std::string_view event) {
  ZRangeSpec spec;
  spec.by = by;
  if (by == ZRangeSpec::By::kRank) {
    if (!ParseIntArg(ctx, 2, &spec.start) || !ParseIntArg(ctx, 3, &spec.stop)) return;
  } else if (by == ZRangeSpec::By::kScore) {
    if (!engine::ParseScoreRange(ctx.args[2], ctx.args[3], &spec.score)) {
      return ctx.reply.Error(kErrNotFloatRange);
    }
  } else if (!engine::ParseLexRange(ctx.args[2], ctx.args[3], &spec.lex)) {
    return ctx.reply.Error(kErrNotLexRange);
  }
  int64_t removed;
  Status s = Reader(ctx).RemoveRange(ctx.db, ctx.args[1], spec, &removed);
  if (!s.ok()) return ReplyError(ctx, s);
  if (removed > 0) NotifyRemoval(ctx, event, ctx.args[1]);
  ctx.reply.Integer(removed);
}

void ZRemRangeByRankCommand(CommandContext& ctx) {
  RemoveRangeGeneric(ctx, ZRangeSpec::By::kRank, "zremrangebyrank");
}
void ZRemRangeByScoreCommand(CommandContext& ctx) {
  RemoveRangeGeneric(ctx, ZRangeSpec::By::kScore, "zremrangebyscore");
}
void ZRemRangeByLexCommand(CommandContext& ctx) {
  RemoveRangeGeneric(ctx, ZRangeSpec::By::kLex, "zremrangebylex");
}
// --- ZRANDMEMBER ---

// ZRANDMEMBER key [count [WITHSCORES]]
void ZRandMemberCommand(CommandContext& ctx) {
  ZSetType zsets = Reader(ctx);
  if (ctx.args.size() == 2) {
    std::vector<SampledMember> sample;
    Status s = zsets.RandomMembers(ctx.db, ctx.args[1], 1, &sample);
    CountLookup(ctx, !s.IsNotFound());
    if (s.IsNotFound() || (s.ok() && sample.empty())) return ctx.reply.Null();
    if (!s.ok()) return ReplyError(ctx, s);
    return ctx.reply.Bulk(sample[0].member);
  }
  int64_t count;
  if (!ParseRandomCountArg(ctx, 2, &count)) return;
  if (ctx.args.size() > 4 || (ctx.args.size() == 4 && !ArgIs(ctx.args[3], "WITHSCORES"))) {
    return ctx.reply.Error(kErrSyntax);
  }
  const bool with_scores = ctx.args.size() == 4;
  constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
  if (with_scores && (count < -kHalf || count > kHalf)) {
    return ctx.reply.Error("ERR value is out of range");
  }
  const bool nested = with_scores && ctx.reply.resp() >= 3;
  auto write_one = [&](std::string_view member, std::string_view score) {
    if (nested) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(member);
    if (with_scores) ctx.reply.Double(engine::DecodeScore(score.data()));
  };
  if (count >= 0) {
    std::vector<SampledMember> sample;
    Status s = zsets.RandomMembers(ctx.db, ctx.args[1], static_cast<uint64_t>(count), &sample);
    CountLookup(ctx, !s.IsNotFound());
    if (s.IsNotFound()) return ctx.reply.ArrayHeader(0);
    if (!s.ok()) return ReplyError(ctx, s);
    ctx.reply.ArrayHeader(with_scores && !nested ? 2 * sample.size() : sample.size());
    for (const SampledMember& m : sample)
      write_one(m.member, m.value);
    return;
  }
  const uint64_t draws = static_cast<uint64_t>(-count);
  if (draws > kMaxRandomDraws) return ctx.reply.Error("ERR value is out of range");
  StreamedReply stream(ctx.reply);
  Status s = zsets.RandomMembersWithRepeats(
      ctx.db, ctx.args[1], draws,
      [&](uint64_t) {
        stream.Expect(draws);
        ctx.reply.ArrayHeader(with_scores && !nested ? 2 * draws : draws);
      },
      [&](std::string_view member, std::string_view score) {
        stream.Add();
        write_one(member, score);
      });
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ctx.reply.ArrayHeader(0);
  if (stream.Complete(s)) return;
  ReplyError(ctx, s.ok() ? Status::Corruption("sorted set changed size while it was read") : s);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]: member/score pairs, scores as bulk strings
// in Redis's format (also in RESP3).
void ZScanCommand(CommandContext& ctx) {
  CollectionScanCommand(
      ctx, engine::ValueType::kZSet, true,
      [&](const engine::ScanResumeFn& resume, size_t count, std::optional<std::string_view> match,
          engine::MemberPage* page, uint64_t* version) {
        Status s = Reader(ctx).Scan(ctx.db, ctx.args[1], resume, count, match, page, version);
        for (auto& item : page->items)
          item.second = protocol::FormatDouble(engine::DecodeScore(item.second.data()));
        return s;
      });
}

}  // namespace

void RegisterZSetCommands(CommandTable* table) {
  const uint32_t kW = kCmdWrite, kR = kCmdReadOnly, kF = kCmdFast, kD = kCmdDenyOom;
  const std::vector<std::string> kReadFast = {"@read", "@fast"};
  const std::vector<std::string> kReadSlow = {"@read", "@slow"};
  const std::vector<std::string> kWriteFast = {"@write", "@fast"};
  const std::vector<std::string> kWriteSlow = {"@write", "@slow"};
  const std::string kLogN = "O(log(N)) where N is the number of elements in the sorted set.";
  const std::string kRangeCost =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.";
  table->Register(Spec("zadd", -4, kW | kD | kF, 1, 1, 1, ZAddCommand,
                       "Add one or more members to a sorted set, or update its score if it "
                       "already exists",
                       "1.2.0", kWriteFast,
                       "O(log(N)) for each item added, where N is the number of elements in the "
                       "sorted set."));
  table->Register(Spec("zincrby", 4, kW | kD | kF, 1, 1, 1, ZIncrByCommand,
                       "Increment the score of a member in a sorted set", "1.2.0", kWriteFast,
                       kLogN));
  table->Register(Spec("zrem", -3, kW | kF, 1, 1, 1, ZRemCommand,
                       "Remove one or more members from a sorted set", "1.2.0", kWriteFast,
                       "O(M*log(N)) with N being the number of elements in the sorted set and M "
                       "the number of elements to be removed."));
  table->Register(Spec("zcard", 2, kR | kF, 1, 1, 1, ZCardCommand,
                       "Get the number of members in a sorted set", "1.2.0", kReadFast, "O(1)"));
  table->Register(Spec("zscore", 3, kR | kF, 1, 1, 1, ZScoreCommand,
                       "Get the score associated with the given member in a sorted set", "1.2.0",
                       kReadFast, "O(1)"));
  table->Register(Spec("zmscore", -3, kR | kF, 1, 1, 1, ZMScoreCommand,
                       "Get the score associated with the given members in a sorted set", "6.2.0",
                       kReadFast, "O(N) where N is the number of members being requested."));
  table->Register(Spec("zcount", 4, kR | kF, 1, 1, 1, ZCountCommand,
                       "Count the members in a sorted set with scores within the given values",
                       "2.0.0", kReadFast, kLogN));
  table->Register(Spec("zlexcount", 4, kR | kF, 1, 1, 1, ZLexCountCommand,
                       "Count the number of members in a sorted set between a given "
                       "lexicographical range",
                       "2.8.9", kReadFast, kLogN));
  table->Register(Spec("zrange", -4, kR, 1, 1, 1, ZRangeCommand,
                       "Return a range of members in a sorted set", "1.2.0", kReadSlow,
                       kRangeCost));
  table->Register(Spec("zrangestore", -5, kW | kD, 1, 2, 1, ZRangeStoreCommand,
                       "Store a range of members from sorted set into another key", "6.2.0",
                       kWriteSlow,
                       "O(log(N)+M) with N being the number of elements in the sorted set and M "
                       "the number of elements stored into the destination key."));
  table->Register(Spec("zrevrange", -4, kR, 1, 1, 1, ZRevRangeCommand,
                       "Return a range of members in a sorted set, by index, with scores ordered "
                       "from high to low",
                       "1.2.0", kReadSlow, kRangeCost));
  table->Register(Spec("zrangebyscore", -4, kR, 1, 1, 1, ZRangeByScoreCommand,
                       "Return a range of members in a sorted set, by score", "1.0.5", kReadSlow,
                       kRangeCost));
  table->Register(Spec("zrevrangebyscore", -4, kR, 1, 1, 1, ZRevRangeByScoreCommand,
                       "Return a range of members in a sorted set, by score, with scores ordered "
                       "from high to low",
                       "2.2.0", kReadSlow, kRangeCost));
  table->Register(Spec("zrangebylex", -4, kR, 1, 1, 1, ZRangeByLexCommand,
                       "Return a range of members in a sorted set, by lexicographical range",
                       "2.8.9", kReadSlow, kRangeCost));
  table->Register(Spec("zrevrangebylex", -4, kR, 1, 1, 1, ZRevRangeByLexCommand,
                       "Return a range of members in a sorted set, by lexicographical range, "
                       "ordered from higher to lower strings.",
                       "2.8.9", kReadSlow, kRangeCost));
  table->Register(Spec("zrank", 3, kR | kF, 1, 1, 1, ZRankCommand,
                       "Determine the index of a member in a sorted set", "2.0.0", kReadFast,
                       kLogN));
  table->Register(Spec("zrevrank", 3, kR | kF, 1, 1, 1, ZRevRankCommand,
                       "Determine the index of a member in a sorted set, with scores ordered from "
                       "high to low",
                       "2.0.0", kReadFast, kLogN));
  table->Register(Spec("zremrangebyrank", 4, kW, 1, 1, 1, ZRemRangeByRankCommand,
                       "Remove all members in a sorted set within the given indexes", "2.0.0",
                       kWriteSlow,
                       "O(log(N)+M) with N being the number of elements in the sorted set and M "
                       "the number of elements removed by the operation."));
  table->Register(Spec("zremrangebyscore", 4, kW, 1, 1, 1, ZRemRangeByScoreCommand,
                       "Remove all members in a sorted set within the given scores", "1.2.0",
                       kWriteSlow,
                       "O(log(N)+M) with N being the number of elements in the sorted set and M "
                       "the number of elements removed by the operation."));
  table->Register(Spec("zremrangebylex", 4, kW, 1, 1, 1, ZRemRangeByLexCommand,
                       "Remove all members in a sorted set between the given lexicographical "
                       "range",
                       "2.8.9", kWriteSlow,
                       "O(log(N)+M) with N being the number of elements in the sorted set and M "
                       "the number of elements removed by the operation."));
  table->Register(Spec("zrandmember", -2, kR, 1, 1, 1, ZRandMemberCommand,
                       "Get one or multiple random elements from a sorted set", "6.2.0", kReadSlow,
                       "O(N) where N is the number of elements returned",
                       {"nondeterministic_output"}));
  table->Register(Spec("zscan", -3, kR, 1, 1, 1, ZScanCommand,
                       "Incrementally iterate sorted sets elements and associated scores", "2.8.0",
                       kReadSlow,
                       "O(1) for every call. O(N) for a complete iteration, including enough "
                       "command calls for the cursor to return back to 0. N is the number of "
                       "elements inside the collection.",
                       {"nondeterministic_output"}));
  zset::RegisterZSetMultiKeyCommands(table);
}

engine::ZSetLimits ZSetLimits(const Config& config) {
  engine::ZSetLimits limits;
  limits.max_listpack_entries = config.GetInt("zset-max-listpack-entries");
  limits.max_listpack_value = config.GetInt("zset-max-listpack-value");
  return limits;
}

}  // namespace redrock::server
