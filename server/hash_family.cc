// Hash commands: HSET and friends, reads, counters, HRANDFIELD, HSCAN. Handlers parse
// arguments, call one HashType operation and write the reply.
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "engine/engine.h"
#include "engine/hash_type.h"
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

using engine::HashType;
using engine::SampledMember;

// Draws with repeats beyond this are refused: the reply alone would take gigabytes (Redis
// 7.0 would try, and exhaust memory).
constexpr uint64_t kMaxRandomDraws = 1ULL << 24;

std::vector<std::string_view> Args(const CommandContext& ctx, size_t first) {
  return std::vector<std::string_view>(ctx.args.begin() + first, ctx.args.end());
}

// A HashType for writes: the encoding limits come from the configuration, as in Redis.
HashType Writer(CommandContext& ctx) {
  return HashType(&ctx.engine, HashLimits(ctx.server.config()));
}

void ReplyWrongArity(CommandContext& ctx) {
  ctx.reply.Error("ERR wrong number of arguments for '" + CommandName(ctx) + "' command");
}

// HSET / HMSET key field value [field value ...]
bool SetFields(CommandContext& ctx, int64_t* added) {
  if (ctx.args.size() % 2 == 1) {
    ReplyWrongArity(ctx);
    return false;
  }
  HashType::FieldValues fields;
  for (size_t i = 2; i + 1 < ctx.args.size(); i += 2)
    fields.emplace_back(ctx.args[i], ctx.args[i + 1]);
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = Writer(ctx).Set(ctx.db, ctx.args[1], fields, added);
  if (!s.ok()) {
    ReplyError(ctx, s);
    return false;
  }
  if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", ctx.args[1]);
  return true;
}

void HSetCommand(CommandContext& ctx) {
  int64_t added;
  if (SetFields(ctx, &added)) ctx.reply.Integer(added);
}

void HMSetCommand(CommandContext& ctx) {
  int64_t added;
  if (SetFields(ctx, &added)) ctx.reply.Ok();
}

void HSetNxCommand(CommandContext& ctx) {
  bool applied;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = Writer(ctx).SetNx(ctx.db, ctx.args[1], ctx.args[2], ctx.args[3], &applied);
  if (!s.ok()) return ReplyError(ctx, s);
  if (applied) {
    if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
    NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", ctx.args[1]);
  }
  ctx.reply.Integer(applied ? 1 : 0);
}

void HGetCommand(CommandContext& ctx) {
  std::optional<std::string> value;
  Status s = HashType(&ctx.engine).Get(ctx.db, ctx.args[1], ctx.args[2], &value);
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  if (!value) return ctx.reply.Null();
  ctx.reply.Bulk(*value);
}

void HMGetCommand(CommandContext& ctx) {
  std::vector<std::string_view> fields = Args(ctx, 2);
  std::vector<std::optional<std::string>> values;
  Status s = HashType(&ctx.engine).MGet(ctx.db, ctx.args[1], fields, &values);
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) {
    values.assign(fields.size(), std::nullopt);
  } else if (!s.ok()) {
    return ReplyError(ctx, s);
  }
  ctx.reply.ArrayHeader(values.size());
  for (const auto& v : values) {
    if (v) {
      ctx.reply.Bulk(*v);
    } else {
      ctx.reply.Null();
    }
  }
}

// HGETALL (a map in RESP3), HKEYS, HVALS: streamed from one snapshot.
void GetAllGeneric(CommandContext& ctx, bool fields, bool values) {
  StreamedReply stream(ctx.reply);
  bool both = fields && values;
  Status s = HashType(&ctx.engine)
                 .GetAll(
                     ctx.db, ctx.args[1], values,
                     [&](uint64_t size) {
                       stream.Expect(size);
                       if (both) {
                         ctx.reply.MapHeader(size);
                       } else {
                         ctx.reply.ArrayHeader(size);
                       }
                     },
                     [&](std::string_view field, std::string_view value) {
                       stream.Add();
                       if (fields) ctx.reply.Bulk(field);
                       if (values) ctx.reply.Bulk(value);
                     });
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return both ? ctx.reply.MapHeader(0) : ctx.reply.ArrayHeader(0);
  if (stream.Complete(s)) return;
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Error("ERR hash changed size while it was read");
}

void HGetAllCommand(CommandContext& ctx) {
  GetAllGeneric(ctx, true, true);
}
void HKeysCommand(CommandContext& ctx) {
  GetAllGeneric(ctx, true, false);
}
void HValsCommand(CommandContext& ctx) {
  GetAllGeneric(ctx, false, true);
}

void HDelCommand(CommandContext& ctx) {
  int64_t removed = 0;
  Status s = HashType(&ctx.engine).Delete(ctx.db, ctx.args[1], Args(ctx, 2), &removed);
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  if (removed > 0) {
    NotifyKeyspaceEvent(ctx, kNotifyHash, "hdel", ctx.args[1]);
    NotifyIfEmptied(ctx, ctx.args[1]);
  }
  ctx.reply.Integer(removed);
}

void HExistsCommand(CommandContext& ctx) {
  bool exists = false;
  Status s = HashType(&ctx.engine).Exists(ctx.db, ctx.args[1], ctx.args[2], &exists);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(exists ? 1 : 0);
}

void HLenCommand(CommandContext& ctx) {
  uint64_t length = 0;
  Status s = HashType(&ctx.engine).Len(ctx.db, ctx.args[1], &length);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(static_cast<int64_t>(length));
}

void HStrLenCommand(CommandContext& ctx) {
  int64_t length = 0;
  Status s = HashType(&ctx.engine).StrLen(ctx.db, ctx.args[1], ctx.args[2], &length);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(length);
}

void HIncrByCommand(CommandContext& ctx) {
  int64_t delta;
  if (!ParseIntArg(ctx, 3, &delta)) return;
  int64_t result;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = Writer(ctx).IncrBy(ctx.db, ctx.args[1], ctx.args[2], delta, &result);
  if (!s.ok()) return ReplyError(ctx, s);
  if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hincrby", ctx.args[1]);
  ctx.reply.Integer(result);
}

void HIncrByFloatCommand(CommandContext& ctx) {
  long double delta;
  if (!ParseLongDoubleArg(ctx, 3, &delta)) return;
  if (std::isnan(delta) || std::isinf(delta)) {
    ctx.reply.Error("ERR value is NaN or Infinity");
    return;
  }
  std::string result;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = Writer(ctx).IncrByFloat(ctx.db, ctx.args[1], ctx.args[2], delta, &result);
  if (!s.ok()) return ReplyError(ctx, s);
  if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
  NotifyKeyspaceEvent(ctx, kNotifyHash, "hincrbyfloat", ctx.args[1]);
  ctx.reply.Bulk(result);
}

// HRANDFIELD key count [WITHVALUES]: RESP2 flattens (field, value) pairs, RESP3 nests them.
void RandomFieldsWithCount(CommandContext& ctx, int64_t count, bool with_values) {
  HashType hashes(&ctx.engine);
  bool nested = with_values && ctx.reply.resp() >= 3;
  auto write = [&](std::string_view field, std::string_view value) {
    if (nested) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(field);
    if (with_values) ctx.reply.Bulk(value);
  };
  auto header = [&](uint64_t n) { ctx.reply.ArrayHeader(with_values && !nested ? 2 * n : n); };
  if (count >= 0) {
    std::vector<SampledMember> sample;
    Status s = hashes.RandomFields(ctx.db, ctx.args[1], static_cast<uint64_t>(count), with_values,
                                   &sample);
    CountLookup(ctx, !s.IsNotFound());
    if (s.IsNotFound()) return ctx.reply.ArrayHeader(0);
    if (!s.ok()) return ReplyError(ctx, s);
    header(sample.size());
    for (const SampledMember& m : sample)
      write(m.member, m.value);
    return;
  }
  uint64_t draws = static_cast<uint64_t>(-count);
  if (draws > kMaxRandomDraws) {
    ctx.reply.Error("ERR value is out of range");
    return;
  }
  StreamedReply stream(ctx.reply);
  Status s = hashes.RandomFieldsWithRepeats(
      ctx.db, ctx.args[1], draws, with_values,
      [&](uint64_t) {
        stream.Expect(draws);
        header(draws);
      },
      [&](std::string_view field, std::string_view value) {
        stream.Add();
        write(field, value);
      });
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ctx.reply.ArrayHeader(0);
  if (stream.Complete(s)) return;
  ReplyError(ctx, s.ok() ? Status::Corruption("hash changed size while it was read") : s);
}

void HRandFieldCommand(CommandContext& ctx) {
  if (ctx.args.size() >= 3) {
    int64_t count;
    if (!ParseRandomCountArg(ctx, 2, &count)) return;
    if (ctx.args.size() > 4 || (ctx.args.size() == 4 && !ArgIs(ctx.args[3], "WITHVALUES"))) {
      ctx.reply.Error(kErrSyntax);
      return;
    }
    bool with_values = ctx.args.size() == 4;
    constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
    if (with_values && (count < -kHalf || count > kHalf)) {
      ctx.reply.Error("ERR value is out of range");
      return;
    }
    return RandomFieldsWithCount(ctx, count, with_values);
  }
  std::vector<SampledMember> sample;
  Status s = HashType(&ctx.engine).RandomFields(ctx.db, ctx.args[1], 1, false, &sample);
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound() || (s.ok() && sample.empty())) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Bulk(sample[0].member);
}

// HSCAN key cursor [MATCH pattern] [COUNT count]: field/value pairs (Redis 7.0 has no
// NOVALUES).
void HScanCommand(CommandContext& ctx) {
  CollectionScanCommand(ctx, engine::ValueType::kHash, true, [&](const auto&... a) {
    return HashType(&ctx.engine).Scan(ctx.db, ctx.args[1], a...);
  });
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, CommandHandler handler,
                 std::string summary, std::string since, std::vector<std::string> acl,
                 std::string complexity, std::vector<std::string> tips = {}) {
  acl.insert(acl.begin() + 1, "@hash");
  return MakeCommandSpec(std::move(name), arity, flags, {1, 1, 1}, handler, "hash",
                         std::move(summary), std::move(since), std::move(acl),
                         std::move(complexity), std::move(tips));
}

}  // namespace

void RegisterHashCommands(CommandTable* table) {
  const uint32_t kW = kCmdWrite, kR = kCmdReadOnly, kF = kCmdFast, kD = kCmdDenyOom;
  const std::string kOrder = "nondeterministic_output_order", kNondet = "nondeterministic_output";
  table->Register(Spec("hset", -4, kW | kD | kF, HSetCommand,
                       "Set the string value of a hash field", "2.0.0", {"@write", "@fast"},
                       "O(1) for each field/value pair added, so O(N) to add N field/value pairs "
                       "when the command is called with multiple field/value pairs."));
  table->Register(Spec("hsetnx", 4, kW | kD | kF, HSetNxCommand,
                       "Set the value of a hash field, only if the field does not exist", "2.0.0",
                       {"@write", "@fast"}, "O(1)"));
  table->Register(Spec("hmset", -4, kW | kD | kF, HMSetCommand,
                       "Set multiple hash fields to multiple values", "2.0.0", {"@write", "@fast"},
                       "O(N) where N is the number of fields being set."));
  table->Register(Spec("hget", 3, kR | kF, HGetCommand, "Get the value of a hash field", "2.0.0",
                       {"@read", "@fast"}, "O(1)"));
  table->Register(Spec("hmget", -3, kR | kF, HMGetCommand,
                       "Get the values of all the given hash fields", "2.0.0", {"@read", "@fast"},
                       "O(N) where N is the number of fields being requested."));
  table->Register(Spec("hgetall", 2, kR, HGetAllCommand, "Get all the fields and values in a hash",
                       "2.0.0", {"@read", "@slow"}, "O(N) where N is the size of the hash.",
                       {kOrder}));
  table->Register(Spec("hkeys", 2, kR, HKeysCommand, "Get all the fields in a hash", "2.0.0",
                       {"@read", "@slow"}, "O(N) where N is the size of the hash.", {kOrder}));
  table->Register(Spec("hvals", 2, kR, HValsCommand, "Get all the values in a hash", "2.0.0",
                       {"@read", "@slow"}, "O(N) where N is the size of the hash.", {kOrder}));
  table->Register(Spec("hdel", -3, kW | kF, HDelCommand, "Delete one or more hash fields", "2.0.0",
                       {"@write", "@fast"}, "O(N) where N is the number of fields to be removed."));
  table->Register(Spec("hexists", 3, kR | kF, HExistsCommand, "Determine if a hash field exists",
                       "2.0.0", {"@read", "@fast"}, "O(1)"));
  table->Register(Spec("hlen", 2, kR | kF, HLenCommand, "Get the number of fields in a hash",
                       "2.0.0", {"@read", "@fast"}, "O(1)"));
  table->Register(Spec("hstrlen", 3, kR | kF, HStrLenCommand,
                       "Get the length of the value of a hash field", "3.2.0", {"@read", "@fast"},
                       "O(1)"));
  table->Register(Spec("hincrby", 4, kW | kD | kF, HIncrByCommand,
                       "Increment the integer value of a hash field by the given number", "2.0.0",
                       {"@write", "@fast"}, "O(1)"));
  table->Register(Spec("hincrbyfloat", 4, kW | kD | kF, HIncrByFloatCommand,
                       "Increment the float value of a hash field by the given amount", "2.6.0",
                       {"@write", "@fast"}, "O(1)"));
  table->Register(Spec("hrandfield", -2, kR, HRandFieldCommand,
                       "Get one or multiple random fields from a hash", "6.2.0", {"@read", "@slow"},
                       "O(N) where N is the number of fields returned", {kNondet}));
  table->Register(Spec("hscan", -3, kR, HScanCommand,
                       "Incrementally iterate hash fields and associated values", "2.8.0",
                       {"@read", "@slow"},
                       "O(1) for every call. O(N) for a complete iteration, including enough "
                       "command calls for the cursor to return back to 0. N is the number of "
                       "elements inside the collection..",
                       {kNondet}));
}

engine::HashEncodingLimits HashLimits(const Config& config) {
  engine::HashEncodingLimits limits;
  limits.max_listpack_entries = static_cast<uint64_t>(config.GetInt("hash-max-listpack-entries"));
  limits.max_listpack_value = static_cast<uint64_t>(config.GetInt("hash-max-listpack-value"));
  return limits;
}

}  // namespace redrock::server
