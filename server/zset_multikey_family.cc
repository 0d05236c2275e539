// Multi-key sorted-set commands: pops (ZPOPMIN/ZPOPMAX, ZMPOP and the blocking BZPOPMIN,
// BZPOPMAX, BZMPOP on server/blocking.h) and the set algebra (ZUNION, ZINTER, ZDIFF, their
// STORE forms and ZINTERCARD). Registered from zset_family.cc's block.
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/numbers.h"
#include "engine/zset_type.h"
#include "server/arg_parse.h"
#include "server/blocking.h"
#include "server/command.h"
#include "server/notify.h"
#include "server/server.h"
#include "server/zset_util.h"

namespace redrock::server {

namespace {

using engine::ScoredMember;
using engine::ZAggregate;
using engine::ZCombineSpec;
using engine::ZSetOp;
using zset::ArgViews;
using zset::NotifyRemoval;
using zset::NotifyStore;
using zset::Reader;
using zset::ReplyMembers;
using zset::Spec;
using zset::Writer;

// --- pops ---

// How a pop replies (Redis's genericZpopCommand): ZPOPMIN/MAX flat [m, s, ...] (nested pairs
// in RESP3 when COUNT was given); BZPOPMIN/MAX flat [key, m, s]; ZMPOP/BZMPOP
// [key, [[m, s], ...]].
enum class PopReply { kPlain, kPlainNested, kWithKeyFlat, kWithKeyNested };

// Pops from the first existing key of args[first, first + numkeys); true when it replied
// (members or an error), false when every key was missing and nothing was written. A blocked
// client re-checking its keys (`woken`) ignores keys of another type, as Redis does.
bool TryPop(CommandContext& ctx, size_t first, size_t numkeys, bool max, int64_t count,
            PopReply shape, bool woken = false) {
  std::string key;
  std::vector<ScoredMember> out;
  Status s =
      Reader(ctx).Pop(ctx.db, ArgViews(ctx, first, first + numkeys), max, count, &key, &out, woken);
  if (s.IsNotFound()) return false;
  if (!s.ok()) {
    ReplyError(ctx, s);
    return true;
  }
  if (!out.empty()) NotifyRemoval(ctx, max ? "zpopmax" : "zpopmin", key);
  switch (shape) {
    case PopReply::kPlain:
      ctx.reply.ArrayHeader(2 * out.size());
      for (const ScoredMember& m : out) {
        ctx.reply.Bulk(m.member);
        ctx.reply.Double(m.score);
      }
      break;
    case PopReply::kPlainNested:
      ReplyMembers(ctx, out, true);  // pairs nest in RESP3 only
      break;
    case PopReply::kWithKeyFlat:
      ctx.reply.ArrayHeader(1 + 2 * out.size());
      ctx.reply.Bulk(key);
      for (const ScoredMember& m : out) {
        ctx.reply.Bulk(m.member);
        ctx.reply.Double(m.score);
      }
      break;
    case PopReply::kWithKeyNested:
      ctx.reply.ArrayHeader(2);
      ctx.reply.Bulk(key);
      ctx.reply.ArrayHeader(out.size());
      for (const ScoredMember& m : out) {
        ctx.reply.ArrayHeader(2);
        ctx.reply.Bulk(m.member);
        ctx.reply.Double(m.score);
      }
      break;
  }
  return true;
}

// ZPOPMIN / ZPOPMAX key [count]
void ZPopGeneric(CommandContext& ctx, bool max) {
  if (ctx.args.size() > 3) return ctx.reply.Error(kErrSyntax);
  int64_t count = 1;
  const bool has_count = ctx.args.size() == 3;
  if (has_count && (!ParseInt64(ctx.args[2], &count) || count < 0)) {
    return ctx.reply.Error("ERR value is out of range, must be positive");
  }
  if (!TryPop(ctx, 1, 1, max, count, has_count ? PopReply::kPlainNested : PopReply::kPlain)) {
    ctx.reply.ArrayHeader(0);
  }
}

void ZPopMinCommand(CommandContext& ctx) {
  ZPopGeneric(ctx, false);
}
void ZPopMaxCommand(CommandContext& ctx) {
  ZPopGeneric(ctx, true);
}

struct MPopArgs {
  size_t first_key = 0;
  size_t numkeys = 0;
  bool max = false;
  int64_t count = 1;
};

// "numkeys key [key ...] MIN|MAX [COUNT count]" from args[numkeys_index..] (zmpopGenericCommand).
bool ParseMPopArgs(CommandContext& ctx, size_t numkeys_index, MPopArgs* out) {
  const size_t argc = ctx.args.size();
  int64_t numkeys;
  if (!ParseInt64(ctx.args[numkeys_index], &numkeys) || numkeys < 1) {
    ctx.reply.Error("ERR numkeys should be greater than 0");
    return false;
  }
  // The MIN|MAX position must be inside the arguments (no overflow on huge numkeys).
  if (static_cast<uint64_t>(numkeys) >= argc - numkeys_index - 1) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  out->first_key = numkeys_index + 1;
  out->numkeys = static_cast<size_t>(numkeys);
  const size_t where = out->first_key + out->numkeys;
  if (ArgIs(ctx.args[where], "MIN")) {
    out->max = false;
  } else if (ArgIs(ctx.args[where], "MAX")) {
    out->max = true;
  } else {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  bool has_count = false;
  for (size_t j = where + 1; j < argc; j++) {
    if (!has_count && ArgIs(ctx.args[j], "COUNT") && j + 1 < argc) {
      j++;
      if (!ParseInt64(ctx.args[j], &out->count) || out->count < 1) {
        ctx.reply.Error("ERR count should be greater than 0");
        return false;
      }
      has_count = true;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void ZMPopCommand(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, 1, &a)) return;
  if (!TryPop(ctx, a.first_key, a.numkeys, a.max, a.count, PopReply::kWithKeyNested)) {
    ctx.reply.NullArray();
  }
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout
void BZPopGeneric(CommandContext& ctx, bool max) {
  int64_t timeout_ms;
  if (!ParseBlockTimeout(ctx, ctx.args.size() - 1, &timeout_ms)) return;
  BlockSpec spec;
  spec.keys.assign(ctx.args.begin() + 1, ctx.args.end() - 1);
  spec.timeout_ms = timeout_ms;
  const size_t numkeys = spec.keys.size();
  ctx.server.blocking().Serve(ctx, std::move(spec), [max, numkeys](CommandContext& c, bool woken) {
    return TryPop(c, 1, numkeys, max, 1, PopReply::kWithKeyFlat, woken);
  });
}

void BZPopMinCommand(CommandContext& ctx) {
  BZPopGeneric(ctx, false);
}
void BZPopMaxCommand(CommandContext& ctx) {
  BZPopGeneric(ctx, true);
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: Redis parses the keys and
// options before the timeout.
void BZMPopCommand(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, 2, &a)) return;
  int64_t timeout_ms;
  if (!ParseBlockTimeout(ctx, 1, &timeout_ms)) return;
  BlockSpec spec;
  for (size_t i = 0; i < a.numkeys; i++)
    spec.keys.push_back(ctx.args[a.first_key + i]);
  spec.timeout_ms = timeout_ms;
  ctx.server.blocking().Serve(ctx, std::move(spec), [a](CommandContext& c, bool woken) {
    return TryPop(c, a.first_key, a.numkeys, a.max, a.count, PopReply::kWithKeyNested, woken);
  });
}

// --- ZUNION / ZINTER / ZDIFF / ZINTERCARD and the STORE forms ---

// Parses "numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]" (or
// "[LIMIT n]" for ZINTERCARD) from args[numkeys_index..], in Redis's order: numkeys, then
// the key types (WRONGTYPE beats a bad option), then the options. On error replies and
// returns false.
bool ParseCombine(CommandContext& ctx, size_t numkeys_index, ZSetOp op, bool store, bool card_only,
                  ZCombineSpec* spec, bool* with_scores, int64_t* limit) {
  const auto& args = ctx.args;
  int64_t numkeys;
  if (!ParseIntArg(ctx, numkeys_index, &numkeys)) return false;
  if (numkeys < 1) {
    ctx.reply.Error("ERR at least 1 input key is needed for '" + CommandName(ctx) + "' command");
    return false;
  }
  if (static_cast<uint64_t>(numkeys) > args.size() - numkeys_index - 1) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  const size_t first = numkeys_index + 1;
  spec->op = op;
  spec->keys = ArgViews(ctx, first, first + static_cast<size_t>(numkeys));
  *with_scores = false;
  std::string error;
  for (size_t j = first + spec->keys.size(); j < args.size() && error.empty(); j++) {
    const size_t remaining = args.size() - j;
    if (op != ZSetOp::kDiff && !card_only && remaining >= spec->keys.size() + 1 &&
        ArgIs(args[j], "WEIGHTS")) {
      spec->weights.assign(spec->keys.size(), 1.0);
      for (size_t i = 0; i < spec->keys.size(); i++) {
        if (!ParseDouble(args[++j], &spec->weights[i])) {
          error = "ERR weight value is not a float";
          break;
        }
      }
    } else if (op != ZSetOp::kDiff && !card_only && remaining >= 2 && ArgIs(args[j], "AGGREGATE")) {
      const std::string& a = args[++j];
      if (ArgIs(a, "SUM")) {
        spec->aggregate = ZAggregate::kSum;
      } else if (ArgIs(a, "MIN")) {
        spec->aggregate = ZAggregate::kMin;
      } else if (ArgIs(a, "MAX")) {
        spec->aggregate = ZAggregate::kMax;
      } else {
        error = kErrSyntax;
      }
    } else if (!store && !card_only && ArgIs(args[j], "WITHSCORES")) {
      *with_scores = true;
    } else if (card_only && remaining >= 2 && ArgIs(args[j], "LIMIT")) {
      if (!ParseInt64(args[++j], limit) || *limit < 0) error = "ERR LIMIT can't be negative";
    } else {
      error = kErrSyntax;
    }
  }
  if (error.empty()) return true;
  Status s = Reader(ctx).CheckCombineInputs(ctx.db, spec->keys);
  if (!s.ok()) {
    ReplyError(ctx, s);
  } else {
    ctx.reply.Error(error);
  }
  return false;
}

void CombineGeneric(CommandContext& ctx, ZSetOp op) {
  ZCombineSpec spec;
  bool with_scores;
  int64_t limit = 0;
  if (!ParseCombine(ctx, 1, op, false, false, &spec, &with_scores, &limit)) return;
  std::vector<ScoredMember> out;
  engine::KeyLookups lookups;
  Status s = Reader(ctx).Combine(ctx.db, spec, &out, &lookups);
  ctx.server.KeyspaceHit(lookups.hits);
  ctx.server.KeyspaceMiss(lookups.misses);
  if (!s.ok()) return ReplyError(ctx, s);
  ReplyMembers(ctx, out, with_scores);
}

void ZUnionCommand(CommandContext& ctx) {
  CombineGeneric(ctx, ZSetOp::kUnion);
}
void ZInterCommand(CommandContext& ctx) {
  CombineGeneric(ctx, ZSetOp::kInter);
}
void ZDiffCommand(CommandContext& ctx) {
  CombineGeneric(ctx, ZSetOp::kDiff);
}

void CombineStoreGeneric(CommandContext& ctx, ZSetOp op, std::string_view event) {
  ZCombineSpec spec;
  bool with_scores;
  int64_t limit = 0;
  if (!ParseCombine(ctx, 2, op, true, false, &spec, &with_scores, &limit)) return;
  const std::string& dst = ctx.args[1];
  const bool created = KeyWouldBeNew(ctx, ctx.db, dst);
  const bool existed = KeyExistsIfNotifying(ctx, kNotifyGeneric, dst);
  int64_t stored;
  Status s = Writer(ctx).CombineStore(ctx.db, dst, spec, &stored);
  if (!s.ok()) return ReplyError(ctx, s);
  NotifyStore(ctx, event, dst, stored, created, existed);
  ctx.reply.Integer(stored);
}

void ZUnionStoreCommand(CommandContext& ctx) {
  CombineStoreGeneric(ctx, ZSetOp::kUnion, "zunionstore");
}
void ZInterStoreCommand(CommandContext& ctx) {
  CombineStoreGeneric(ctx, ZSetOp::kInter, "zinterstore");
}
void ZDiffStoreCommand(CommandContext& ctx) {
  CombineStoreGeneric(ctx, ZSetOp::kDiff, "zdiffstore");
}

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
void ZInterCardCommand(CommandContext& ctx) {
  ZCombineSpec spec;
  bool with_scores;
  int64_t limit = 0;
  if (!ParseCombine(ctx, 1, ZSetOp::kInter, false, true, &spec, &with_scores, &limit)) return;
  int64_t count;
  engine::KeyLookups lookups;
  Status s = Reader(ctx).InterCard(ctx.db, spec.keys, limit, &count, &lookups);
  ctx.server.KeyspaceHit(lookups.hits);
  ctx.server.KeyspaceMiss(lookups.misses);
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Integer(count);
}

}  // namespace

void zset::RegisterZSetMultiKeyCommands(CommandTable* table) {
  const uint32_t kW = kCmdWrite, kR = kCmdReadOnly, kF = kCmdFast, kD = kCmdDenyOom;
  const uint32_t kB = kCmdBlocking;
  const std::vector<std::string> kReadSlow = {"@read", "@slow"};
  const std::vector<std::string> kWriteFast = {"@write", "@fast"};
  const std::vector<std::string> kWriteSlow = {"@write", "@slow"};
  table->Register(Spec("zpopmin", -2, kW | kF, 1, 1, 1, ZPopMinCommand,
                       "Remove and return members with the lowest scores in a sorted set", "5.0.0",
                       kWriteFast,
                       "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                       "being the number of elements popped."));
  table->Register(Spec("zpopmax", -2, kW | kF, 1, 1, 1, ZPopMaxCommand,
                       "Remove and return members with the highest scores in a sorted set", "5.0.0",
                       kWriteFast,
                       "O(log(N)*M) with N being the number of elements in the sorted set, and M "
                       "being the number of elements popped."));
  // Keys follow numkeys (movable keys): Redis reports 0 0 0 as the legacy key range (1 1 1,
  // the destination, for the STORE forms) and describes them with key specs.
  const std::vector<std::string> kPopKeyFlags = {"RW", "access", "delete"};
  const std::vector<std::string> kReadKeyFlags = {"RO", "access"};
  const std::vector<KeySpec> kStoreKeySpecs = {SingleKeySpec(1, {"OW", "update"}),
                                               NumKeysSpec(2, kReadKeyFlags)};
  table->Register(WithKeySpecs(
      Spec("zmpop", -4, kW, 0, 0, 0, ZMPopCommand,
           "Remove and return members with scores in a sorted set", "7.0.0", kWriteSlow,
           "O(K) + O(N*log(M)) where K is the number of provided keys, N being the "
           "number of elements in the sorted set, and M being the number of elements "
           "popped."),
      {NumKeysSpec(1, kPopKeyFlags)}));
  table->Register(Spec("bzpopmin", -3, kW | kB | kCmdNoScript | kF, 1, -2, 1, BZPopMinCommand,
                       "Remove and return the member with the lowest score from one or more "
                       "sorted sets, or block until one is available",
                       "5.0.0", {"@write", "@fast", "@blocking"},
                       "O(log(N)) with N being the number of elements in the sorted set."));
  table->Register(Spec("bzpopmax", -3, kW | kB | kCmdNoScript | kF, 1, -2, 1, BZPopMaxCommand,
                       "Remove and return the member with the highest score from one or more "
                       "sorted sets, or block until one is available",
                       "5.0.0", {"@write", "@fast", "@blocking"},
                       "O(log(N)) with N being the number of elements in the sorted set."));
  table->Register(
      WithKeySpecs(Spec("bzmpop", -5, kW | kB, 0, 0, 0, BZMPopCommand,
                        "Remove and return members with scores in a sorted set or block until one "
                        "is available",
                        "7.0.0", {"@write", "@slow", "@blocking"},
                        "O(K) + O(N*log(M)) where K is the number of provided keys, N being the "
                        "number of elements in the sorted set, and M being the number of elements "
                        "popped."),
                   {NumKeysSpec(2, kPopKeyFlags)}));
  table->Register(WithKeySpecs(
      Spec("zunion", -3, kR, 0, 0, 0, ZUnionCommand, "Add multiple sorted sets", "6.2.0", kReadSlow,
           "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted "
           "sets, and M being the number of elements in the resulting sorted set."),
      {NumKeysSpec(1, kReadKeyFlags)}));
  table->Register(
      WithKeySpecs(Spec("zinter", -3, kR, 0, 0, 0, ZInterCommand, "Intersect multiple sorted sets",
                        "6.2.0", kReadSlow,
                        "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, "
                        "K being the number of input sorted sets and M being the number of "
                        "elements in the resulting sorted set."),
                   {NumKeysSpec(1, kReadKeyFlags)}));
  table->Register(
      WithKeySpecs(Spec("zdiff", -3, kR, 0, 0, 0, ZDiffCommand, "Subtract multiple sorted sets",
                        "6.2.0", kReadSlow,
                        "O(L + (N-K)log(N)) worst case where L is the total number of elements in "
                        "all the sets, N is the size of the first set, and K is the size of the "
                        "result set."),
                   {NumKeysSpec(1, kReadKeyFlags)}));
  table->Register(
      WithKeySpecs(Spec("zunionstore", -4, kW | kD, 1, 1, 1, ZUnionStoreCommand,
                        "Add multiple sorted sets and store the resulting sorted set in a new key",
                        "2.0.0", kWriteSlow,
                        "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted "
                        "sets, and M being the number of elements in the resulting sorted set."),
                   kStoreKeySpecs));
  table->Register(
      WithKeySpecs(Spec("zinterstore", -4, kW | kD, 1, 1, 1, ZInterStoreCommand,
                        "Intersect multiple sorted sets and store the resulting sorted set in a "
                        "new key",
                        "2.0.0", kWriteSlow,
                        "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, "
                        "K being the number of input sorted sets and M being the number of "
                        "elements in the resulting sorted set."),
                   kStoreKeySpecs));
  table->Register(
      WithKeySpecs(Spec("zdiffstore", -4, kW | kD, 1, 1, 1, ZDiffStoreCommand,
                        "Subtract multiple sorted sets and store the resulting sorted set in a new "
                        "key",
                        "6.2.0", kWriteSlow,
                        "O(L + (N-K)log(N)) worst case where L is the total number of elements in "
                        "all the sets, N is the size of the first set, and K is the size of the "
                        "result set."),
                   kStoreKeySpecs));
  table->Register(
      WithKeySpecs(Spec("zintercard", -3, kR, 0, 0, 0, ZInterCardCommand,
                        "Intersect multiple sorted sets and return the cardinality of the result",
                        "7.0.0", kReadSlow,
                        "O(N*K) worst case with N being the smallest input sorted set, K being the "
                        "number of input sorted sets."),
                   {NumKeysSpec(1, kReadKeyFlags)}));
}

}  // namespace redrock::server
