// Set commands: SADD/SREM, membership, SPOP/SRANDMEMBER, SMOVE, the algebra (SINTER,
// SUNION, SDIFF, their STORE forms, SINTERCARD) and SSCAN. Handlers parse arguments, call
// one SetType operation and write the reply.
#include <optional>
#include <vector>

#include "engine/engine.h"
#include "engine/numbers.h"
#include "engine/set_type.h"
#include "server/arg_parse.h"
#include "server/command.h"
#include "server/config.h"
#include "server/families.h"
#include "server/notify.h"
#include "server/scan_util.h"
#include "server/server.h"
#include "server/streamed_reply.h"

namespace redrock::server {

namespace {

using engine::SampledMember;
using engine::SetOp;
using engine::SetType;

// Draws with repeats beyond this are refused: the reply alone would take gigabytes (Redis
// 7.0 would try, and exhaust memory).
constexpr uint64_t kMaxRandomDraws = 1ULL << 24;

std::vector<std::string_view> Args(const CommandContext& ctx, size_t first, size_t end = 0) {
  return std::vector<std::string_view>(ctx.args.begin() + first,
                                       end == 0 ? ctx.args.end() : ctx.args.begin() + end);
}

// A SetType for writes: the encoding limit comes from the configuration, as in Redis.
SetType Writer(CommandContext& ctx) {
  return SetType(&ctx.engine, SetLimits(ctx.server.config()));
}

void CountLookups(CommandContext& ctx, const engine::KeyLookups& lookups) {
  for (uint64_t i = 0; i < lookups.hits; i++)
    CountLookup(ctx, true);
  for (uint64_t i = 0; i < lookups.misses; i++)
    CountLookup(ctx, false);
}

void ReplyMembers(CommandContext& ctx, const std::vector<std::string>& members) {
  ctx.reply.SetHeader(members.size());
  for (const std::string& m : members)
    ctx.reply.Bulk(m);
}

void SAddCommand(CommandContext& ctx) {
  int64_t added;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = Writer(ctx).Add(ctx.db, ctx.args[1], Args(ctx, 2), &added);
  if (!s.ok()) return ReplyError(ctx, s);
  if (added > 0) {
    if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
    NotifyKeyspaceEvent(ctx, kNotifySet, "sadd", ctx.args[1]);
  }
  ctx.reply.Integer(added);
}

void SRemCommand(CommandContext& ctx) {
  int64_t removed = 0;
  Status s = SetType(&ctx.engine).Remove(ctx.db, ctx.args[1], Args(ctx, 2), &removed);
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  if (removed > 0) {
    NotifyKeyspaceEvent(ctx, kNotifySet, "srem", ctx.args[1]);
    NotifyIfEmptied(ctx, ctx.args[1]);
  }
  ctx.reply.Integer(removed);
}

// SMEMBERS: a set reply in RESP3 (Redis 7.0 serves it as a one-key SINTER), streamed.
void SMembersCommand(CommandContext& ctx) {
  StreamedReply stream(ctx.reply);
  Status s = SetType(&ctx.engine)
                 .Members(
                     ctx.db, ctx.args[1],
                     [&](uint64_t size) {
                       stream.Expect(size);
                       ctx.reply.SetHeader(size);
                     },
                     [&](std::string_view member) {
                       stream.Add();
                       ctx.reply.Bulk(member);
                     });
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ctx.reply.SetHeader(0);
  if (stream.Complete(s)) return;
  ReplyError(ctx, s.ok() ? Status::Corruption("set changed size while it was read") : s);
}

void SIsMemberCommand(CommandContext& ctx) {
  bool found = false;
  Status s = SetType(&ctx.engine).IsMember(ctx.db, ctx.args[1], ctx.args[2], &found);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(found ? 1 : 0);
}

void SMIsMemberCommand(CommandContext& ctx) {
  std::vector<std::string_view> members = Args(ctx, 2);
  std::vector<bool> found;
  Status s = SetType(&ctx.engine).MIsMember(ctx.db, ctx.args[1], members, &found);
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) {
    found.assign(members.size(), false);
  } else if (!s.ok()) {
    return ReplyError(ctx, s);
  }
  ctx.reply.ArrayHeader(found.size());
  for (bool f : found)
    ctx.reply.Integer(f ? 1 : 0);
}

void SCardCommand(CommandContext& ctx) {
  uint64_t size = 0;
  Status s = SetType(&ctx.engine).Card(ctx.db, ctx.args[1], &size);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(static_cast<int64_t>(size));
}

// SPOP key [count]: a bulk without count, a set (RESP3) with one.
void SPopCommand(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  bool with_count = ctx.args.size() == 3;
  int64_t count = 1;
  if (with_count && (!ParseInt64(ctx.args[2], &count) || count < 0)) {
    ctx.reply.Error("ERR value is out of range, must be positive");
    return;
  }
  std::vector<std::string> popped;
  Status s = Writer(ctx).Pop(ctx.db, ctx.args[1], static_cast<uint64_t>(count), &popped);
  if (s.IsNotFound()) return with_count ? ctx.reply.SetHeader(0) : ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  if (!popped.empty()) {
    NotifyKeyspaceEvent(ctx, kNotifySet, "spop", ctx.args[1]);
    NotifyIfEmptied(ctx, ctx.args[1]);
  }
  if (with_count) return ReplyMembers(ctx, popped);
  if (popped.empty()) return ctx.reply.Null();
  ctx.reply.Bulk(popped[0]);
}

// SRANDMEMBER key [count]: count >= 0 distinct members, count < 0 -count draws with repeats.
void SRandMemberCommand(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  SetType sets(&ctx.engine);
  if (ctx.args.size() == 2) {
    std::vector<SampledMember> sample;
    Status s = sets.RandomMembers(ctx.db, ctx.args[1], 1, &sample);
    CountLookup(ctx, !s.IsNotFound());
    if (s.IsNotFound() || (s.ok() && sample.empty())) return ctx.reply.Null();
    if (!s.ok()) return ReplyError(ctx, s);
    return ctx.reply.Bulk(sample[0].member);
  }
  int64_t count;
  if (!ParseRandomCountArg(ctx, 2, &count)) return;
  if (count >= 0) {
    std::vector<SampledMember> sample;
    Status s = sets.RandomMembers(ctx.db, ctx.args[1], static_cast<uint64_t>(count), &sample);
    CountLookup(ctx, !s.IsNotFound());
    if (s.IsNotFound()) return ctx.reply.ArrayHeader(0);
    if (!s.ok()) return ReplyError(ctx, s);
    ctx.reply.ArrayHeader(sample.size());
    for (const SampledMember& m : sample)
      ctx.reply.Bulk(m.member);
    return;
  }
  uint64_t draws = static_cast<uint64_t>(-count);
  if (draws > kMaxRandomDraws) {
    ctx.reply.Error("ERR value is out of range");
    return;
  }
  StreamedReply stream(ctx.reply);
  Status s = sets.RandomMembersWithRepeats(
      ctx.db, ctx.args[1], draws,
      [&](uint64_t) {
        stream.Expect(draws);
        ctx.reply.ArrayHeader(draws);
      },
      [&](std::string_view member, std::string_view) {
        stream.Add();
        ctx.reply.Bulk(member);
      });
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ctx.reply.ArrayHeader(0);
  if (stream.Complete(s)) return;
  ReplyError(ctx, s.ok() ? Status::Corruption("set changed size while it was read") : s);
}

void SMoveCommand(CommandContext& ctx) {
  bool moved;
  const bool dst_created = KeyWouldBeNew(ctx, ctx.db, ctx.args[2]);
  bool dst_had = false;  // "sadd" only when the member is new to the destination
  if (ctx.server.notify_enabled(kNotifySet)) {
    SetType(&ctx.engine).IsMember(ctx.db, ctx.args[2], ctx.args[3], &dst_had);
  }
  Status s = Writer(ctx).Move(ctx.db, ctx.args[1], ctx.args[2], ctx.args[3], &moved);
  if (!s.ok()) return ReplyError(ctx, s);
  if (moved && ctx.args[1] != ctx.args[2]) {
    NotifyKeyspaceEvent(ctx, kNotifySet, "srem", ctx.args[1]);
    NotifyIfEmptied(ctx, ctx.args[1]);
    if (dst_created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[2]);
    if (!dst_had) NotifyKeyspaceEvent(ctx, kNotifySet, "sadd", ctx.args[2]);
  }
  ctx.reply.Integer(moved ? 1 : 0);
}

void CombineGeneric(CommandContext& ctx, SetOp op) {
  std::vector<std::string> result;
  engine::KeyLookups lookups;
  Status s = SetType(&ctx.engine).Combine(ctx.db, op, Args(ctx, 1), &result, &lookups);
  CountLookups(ctx, lookups);
  if (!s.ok()) return ReplyError(ctx, s);
  ReplyMembers(ctx, result);
}

void SInterCommand(CommandContext& ctx) {
  CombineGeneric(ctx, SetOp::kInter);
}
void SUnionCommand(CommandContext& ctx) {
  CombineGeneric(ctx, SetOp::kUnion);
}
void SDiffCommand(CommandContext& ctx) {
  CombineGeneric(ctx, SetOp::kDiff);
}

void StoreGeneric(CommandContext& ctx, SetOp op) {
  int64_t size;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  const bool existed = KeyExistsIfNotifying(ctx, kNotifyGeneric, ctx.args[1]);
  Status s = Writer(ctx).Store(ctx.db, op, ctx.args[1], Args(ctx, 2), &size);
  if (!s.ok()) return ReplyError(ctx, s);
  if (size > 0) {
    if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
    const char* event = op == SetOp::kInter   ? "sinterstore"
                        : op == SetOp::kUnion ? "sunionstore"
                                              : "sdiffstore";
    NotifyKeyspaceEvent(ctx, kNotifySet, event, ctx.args[1]);
  } else if (existed) {  // an empty result deletes the destination
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
  }
  ctx.reply.Integer(size);
}

void SInterStoreCommand(CommandContext& ctx) {
  StoreGeneric(ctx, SetOp::kInter);
}
void SUnionStoreCommand(CommandContext& ctx) {
  StoreGeneric(ctx, SetOp::kUnion);
}
void SDiffStoreCommand(CommandContext& ctx) {
  StoreGeneric(ctx, SetOp::kDiff);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCardCommand(CommandContext& ctx) {
  int64_t numkeys;
  if (!ParseInt64(ctx.args[1], &numkeys) || numkeys < 1) {
    ctx.reply.Error("ERR numkeys should be greater than 0");
    return;
  }
  if (numkeys > static_cast<int64_t>(ctx.args.size()) - 2) {
    ctx.reply.Error("ERR Number of keys can't be greater than number of args");
    return;
  }
  size_t keys_end = 2 + static_cast<size_t>(numkeys);
  int64_t limit = 0;
  for (size_t i = keys_end; i < ctx.args.size(); i++) {
    if (ArgIs(ctx.args[i], "LIMIT") && i + 1 < ctx.args.size()) {
      if (!ParseInt64(ctx.args[++i], &limit) || limit < 0) {
        ctx.reply.Error("ERR LIMIT can't be negative");
        return;
      }
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  uint64_t card;
  engine::KeyLookups lookups;
  Status s =
      SetType(&ctx.engine)
          .InterCard(ctx.db, Args(ctx, 2, keys_end), static_cast<uint64_t>(limit), &card, &lookups);
  CountLookups(ctx, lookups);
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Integer(static_cast<int64_t>(card));
}

void SScanCommand(CommandContext& ctx) {
  CollectionScanCommand(ctx, engine::ValueType::kSet, false, [&](const auto&... a) {
    return SetType(&ctx.engine).Scan(ctx.db, ctx.args[1], a...);
  });
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, int first, int last,
                 CommandHandler handler, std::string summary, std::string since,
                 std::vector<std::string> acl, std::string complexity,
                 std::vector<std::string> tips = {}) {
  acl.insert(acl.begin() + 1, "@set");
  return MakeCommandSpec(std::move(name), arity, flags, {first, last, first == 0 ? 0 : 1}, handler,
                         "set", std::move(summary), std::move(since), std::move(acl),
                         std::move(complexity), std::move(tips));
}

}  // namespace

void RegisterSetCommands(CommandTable* table) {
  const uint32_t kW = kCmdWrite, kR = kCmdReadOnly, kF = kCmdFast, kD = kCmdDenyOom;
  const std::string kOrder = "nondeterministic_output_order", kNondet = "nondeterministic_output";
  const std::string kScanComplexity =
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection..";
  const std::string kInterComplexity =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.";
  const std::string kTotalComplexity =
      "O(N) where N is the total number of elements in all given sets.";
  table->Register(Spec("sadd", -3, kW | kD | kF, 1, 1, SAddCommand,
                       "Add one or more members to a set", "1.0.0", {"@write", "@fast"},
                       "O(1) for each element added, so O(N) to add N elements when the command "
                       "is called with multiple arguments."));
  table->Register(Spec("srem", -3, kW | kF, 1, 1, SRemCommand,
                       "Remove one or more members from a set", "1.0.0", {"@write", "@fast"},
                       "O(N) where N is the number of members to be removed."));
  table->Register(Spec("smembers", 2, kR, 1, 1, SMembersCommand, "Get all the members in a set",
                       "1.0.0", {"@read", "@slow"}, "O(N) where N is the set cardinality.",
                       {kOrder}));
  table->Register(Spec("sismember", 3, kR | kF, 1, 1, SIsMemberCommand,
                       "Determine if a given value is a member of a set", "1.0.0",
                       {"@read", "@fast"}, "O(1)"));
  table->Register(Spec("smismember", -3, kR | kF, 1, 1, SMIsMemberCommand,
                       "Returns the membership associated with the given elements for a set",
                       "6.2.0", {"@read", "@fast"},
                       "O(N) where N is the number of elements being checked for membership"));
  table->Register(Spec("scard", 2, kR | kF, 1, 1, SCardCommand,
                       "Get the number of members in a set", "1.0.0", {"@read", "@fast"}, "O(1)"));
  table->Register(Spec("spop", -2, kW | kF, 1, 1, SPopCommand,
                       "Remove and return one or multiple random members from a set", "1.0.0",
                       {"@write", "@fast"},
                       "Without the count argument O(1), otherwise O(N) where N is the value of "
                       "the passed count.",
                       {kNondet}));
  table->Register(Spec("srandmember", -2, kR, 1, 1, SRandMemberCommand,
                       "Get one or multiple random members from a set", "1.0.0", {"@read", "@slow"},
                       "Without the count argument O(1), otherwise O(N) where N is the absolute "
                       "value of the passed count.",
                       {kNondet}));
  table->Register(Spec("smove", 4, kW | kF, 1, 2, SMoveCommand,
                       "Move a member from one set to another", "1.0.0", {"@write", "@fast"},
                       "O(1)"));
  table->Register(Spec("sinter", -2, kR, 1, -1, SInterCommand, "Intersect multiple sets", "1.0.0",
                       {"@read", "@slow"}, kInterComplexity, {kOrder}));
  table->Register(Spec("sunion", -2, kR, 1, -1, SUnionCommand, "Add multiple sets", "1.0.0",
                       {"@read", "@slow"}, kTotalComplexity, {kOrder}));
  table->Register(Spec("sdiff", -2, kR, 1, -1, SDiffCommand, "Subtract multiple sets", "1.0.0",
                       {"@read", "@slow"}, kTotalComplexity, {kOrder}));
  table->Register(Spec("sinterstore", -3, kW | kD, 1, -1, SInterStoreCommand,
                       "Intersect multiple sets and store the resulting set in a key", "1.0.0",
                       {"@write", "@slow"}, kInterComplexity));
  table->Register(Spec("sunionstore", -3, kW | kD, 1, -1, SUnionStoreCommand,
                       "Add multiple sets and store the resulting set in a key", "1.0.0",
                       {"@write", "@slow"}, kTotalComplexity));
  table->Register(Spec("sdiffstore", -3, kW | kD, 1, -1, SDiffStoreCommand,
                       "Subtract multiple sets and store the resulting set in a key", "1.0.0",
                       {"@write", "@slow"}, kTotalComplexity));
  // Keys follow numkeys (movable keys): Redis reports 0 0 0 as the legacy key range.
  table->Register(WithKeySpecs(Spec("sintercard", -3, kR, 0, 0, SInterCardCommand,
                                    "Intersect multiple sets and return the cardinality of the "
                                    "result",
                                    "7.0.0", {"@read", "@slow"}, kInterComplexity),
                               {NumKeysSpec(1, {"RO", "access"})}));
  table->Register(Spec("sscan", -3, kR, 1, 1, SScanCommand, "Incrementally iterate Set elements",
                       "2.8.0", {"@read", "@slow"}, kScanComplexity, {kNondet}));
}

engine::SetEncodingLimits SetLimits(const Config& config) {
  engine::SetEncodingLimits limits;
  limits.max_intset_entries = static_cast<uint64_t>(config.GetInt("set-max-intset-entries"));
  return limits;
}

}  // namespace redrock::server
