// Generic key commands: DEL, EXISTS, TYPE, the EXPIRE/TTL family, KEYS, SCAN, RANDOMKEY,
// RENAME, COPY, MOVE, TOUCH, OBJECT.
#include <limits>
#include <optional>
#include <vector>

#include "engine/access_clock.h"
#include "engine/engine.h"
#include "engine/hash_type.h"
#include "engine/keyspace.h"
#include "engine/list_type.h"
#include "engine/numbers.h"
#include "engine/set_type.h"
#include "engine/string_type.h"
#include "engine/zset_type.h"
#include "server/arg_parse.h"
#include "server/blocking.h"
#include "server/command.h"
#include "server/notify.h"
#include "server/scan_cursor.h"
#include "server/scan_util.h"
#include "server/server.h"

namespace redrock::server {

namespace {

using engine::ExpireCondition;
using engine::Keyspace;
using engine::MetaRecord;
using engine::NowMs;
using engine::ValueType;

std::vector<std::string_view> KeyArgs(const CommandContext& ctx, size_t first = 1) {
  return std::vector<std::string_view>(ctx.args.begin() + first, ctx.args.end());
}

void DelCommand(CommandContext& ctx) {
  // With notifications on, find which keys exist first: "del" is published per deleted key.
  std::vector<std::string_view> existing;
  if (ctx.server.notify_enabled(kNotifyGeneric)) {
    Keyspace keyspace(&ctx.engine);
    for (size_t i = 1; i < ctx.args.size(); i++) {
      MetaRecord meta;
      bool seen = false;
      for (std::string_view k : existing)
        seen = seen || k == ctx.args[i];
      if (!seen && keyspace.GetLive(ctx.db, ctx.args[i], &meta).ok())
        existing.push_back(ctx.args[i]);
    }
  }
  int64_t deleted;
  Status s = Keyspace(&ctx.engine).Delete(ctx.db, KeyArgs(ctx), &deleted);
  if (!s.ok()) return ReplyError(ctx, s);
  for (std::string_view key : existing)
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
  ctx.reply.Integer(deleted);
}

void ExistsCommand(CommandContext& ctx) {
  int64_t count;
  Status s = Keyspace(&ctx.engine).Exists(ctx.db, KeyArgs(ctx), &count);
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Integer(count);
}

void TypeCommand(CommandContext& ctx) {
  ValueType type;
  Status s = Keyspace(&ctx.engine).Type(ctx.db, ctx.args[1], &type);
  if (s.IsNotFound()) return ctx.reply.SimpleString("none");
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.SimpleString(engine::TypeName(type));
}

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT key time [NX|XX|GT|LT].
void ExpireGeneric(CommandContext& ctx, bool seconds, bool relative) {
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < ctx.args.size(); i++) {
    const std::string& opt = ctx.args[i];
    if (ArgIs(opt, "NX")) {
      nx = true;
    } else if (ArgIs(opt, "XX")) {
      xx = true;
    } else if (ArgIs(opt, "GT")) {
      gt = true;
    } else if (ArgIs(opt, "LT")) {
      lt = true;
    } else {
      ctx.reply.Error("ERR Unsupported option " + opt);
      return;
    }
  }
  if (nx && (xx || gt || lt)) {
    ctx.reply.Error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if (gt && lt) {
    ctx.reply.Error("ERR GT and LT options at the same time are not compatible");
    return;
  }
  int64_t when;
  if (!ParseIntArg(ctx, 2, &when)) return;
  auto invalid = [&] {
    ctx.reply.Error("ERR invalid expire time in '" + CommandName(ctx) + "' command");
  };
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (seconds) {
    if (when > kMax / 1000 || when < kMin / 1000) return invalid();
    when *= 1000;
  }
  if (relative) {
    int64_t now = static_cast<int64_t>(NowMs());
    if (when > kMax - now) return invalid();
    when += now;
  }
  ExpireCondition cond;
  cond.nx = nx;
  cond.xx = xx;
  cond.gt = gt;
  cond.lt = lt;
  bool applied = false;
  Keyspace keyspace(&ctx.engine);
  uint64_t when_ms = when < 0 ? 0 : static_cast<uint64_t>(when);
  Status s = keyspace.Expire(ctx.db, ctx.args[1], when_ms, cond, &applied);
  if (!s.ok()) return ReplyError(ctx, s);
  if (applied) {  // a time already past deleted the key
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, when_ms <= NowMs() ? "del" : "expire", ctx.args[1]);
  }
  ctx.reply.Integer(applied ? 1 : 0);
}

void ExpireCommand(CommandContext& ctx) {
  ExpireGeneric(ctx, true, true);
}
void PExpireCommand(CommandContext& ctx) {
  ExpireGeneric(ctx, false, true);
}
void ExpireAtCommand(CommandContext& ctx) {
  ExpireGeneric(ctx, true, false);
}
void PExpireAtCommand(CommandContext& ctx) {
  ExpireGeneric(ctx, false, false);
}

void TtlGeneric(CommandContext& ctx, bool ms) {
  int64_t ttl;
  Status s = Keyspace(&ctx.engine).Ttl(ctx.db, ctx.args[1], &ttl);
  if (!s.ok()) return ReplyError(ctx, s);
  if (ttl >= 0 && !ms) ttl = (ttl + 500) / 1000;  // Redis rounds to the nearest second
  ctx.reply.Integer(ttl);
}

void TtlCommand(CommandContext& ctx) {
  TtlGeneric(ctx, false);
}
void PTtlCommand(CommandContext& ctx) {
  TtlGeneric(ctx, true);
}

void ExpireTimeGeneric(CommandContext& ctx, bool ms) {
  int64_t when;
  Status s = Keyspace(&ctx.engine).ExpireTime(ctx.db, ctx.args[1], &when);
  if (!s.ok()) return ReplyError(ctx, s);
  if (when >= 0 && !ms) when /= 1000;
  ctx.reply.Integer(when);
}

void ExpireTimeCommand(CommandContext& ctx) {
  ExpireTimeGeneric(ctx, false);
}
void PExpireTimeCommand(CommandContext& ctx) {
  ExpireTimeGeneric(ctx, true);
}

void PersistCommand(CommandContext& ctx) {
  bool applied;
  Status s = Keyspace(&ctx.engine).Persist(ctx.db, ctx.args[1], &applied);
  if (!s.ok()) return ReplyError(ctx, s);
  if (applied) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "persist", ctx.args[1]);
  ctx.reply.Integer(applied ? 1 : 0);
}

void KeysCommand(CommandContext& ctx) {
  std::vector<std::string> keys;
  Status s = Keyspace(&ctx.engine).Keys(ctx.db, ctx.args[1], &keys);
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.BulkArray(keys);
}

bool ParseTypeName(std::string_view name, ValueType* type) {
  for (ValueType t : {ValueType::kString, ValueType::kHash, ValueType::kList, ValueType::kSet,
                      ValueType::kZSet}) {
    if (ArgIs(name, engine::TypeName(t))) {
      *type = t;
      return true;
    }
  }
  return false;
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void ScanCommand(CommandContext& ctx) {
  uint64_t cursor;
  if (!ParseScanCursor(ctx, 1, &cursor)) return;
  ScanOptions opts;
  std::string error = ParseScanOptions(ctx, 2, true, &opts);
  if (!error.empty()) return ctx.reply.Error(error);
  // Keyspace::Scan reads an empty pattern as "every key"; Redis's MATCH "" matches only "".
  std::string match = opts.match.value_or("");
  bool match_empty_only = opts.match && opts.match->empty();
  std::optional<ValueType> type;
  bool unknown_type = false;
  if (opts.type) {
    ValueType t;
    if (ParseTypeName(*opts.type, &t)) {
      type = t;
    } else {
      unknown_type = true;  // Redis 7.0 matches nothing rather than failing
    }
  }
  std::string scope = "db:" + std::to_string(ctx.db);
  std::optional<std::string> after = ScanCursorTable::Global().Lookup(cursor, scope);
  std::vector<std::string> keys;
  std::optional<std::string> next;
  Status s =
      Keyspace(&ctx.engine).Scan(ctx.db, after, ScanBudget(opts.count), match, type, &keys, &next);
  if (!s.ok()) return ReplyError(ctx, s);
  if (unknown_type) keys.clear();
  if (match_empty_only) std::erase_if(keys, [](const std::string& k) { return !k.empty(); });
  uint64_t next_cursor = SaveScanCursor(scope, next);
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next_cursor));
  ctx.reply.BulkArray(keys);
}

void RandomKeyCommand(CommandContext& ctx) {
  std::string key;
  Status s = Keyspace(&ctx.engine).RandomKey(ctx.db, &key);
  if (s.IsNotFound()) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Bulk(key);
}

void RenameGeneric(CommandContext& ctx, bool nx) {
  bool applied;
  Status s = Keyspace(&ctx.engine).Rename(ctx.db, ctx.args[1], ctx.args[2], nx, &applied);
  if (!s.ok()) return ReplyError(ctx, s);  // NotFound -> "ERR no such key"
  if (applied && ctx.args[1] != ctx.args[2]) {
    // Redis re-adds the destination (so "new" even when it replaced a key), then notifies.
    NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[2]);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "rename_from", ctx.args[1]);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "rename_to", ctx.args[2]);
    ctx.server.blocking().Signal(ctx.db, ctx.args[2]);  // a list/zset may be there now
  }
  if (nx) return ctx.reply.Integer(applied ? 1 : 0);
  ctx.reply.Ok();
}

void RenameCommand(CommandContext& ctx) {
  RenameGeneric(ctx, false);
}
void RenameNxCommand(CommandContext& ctx) {
  RenameGeneric(ctx, true);
}

// COPY source destination [DB destination-db] [REPLACE]
void CopyCommand(CommandContext& ctx) {
  int dst_db = ctx.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.args.size(); i++) {
    if (ArgIs(ctx.args[i], "REPLACE")) {
      replace = true;
    } else if (ArgIs(ctx.args[i], "DB") && i + 1 < ctx.args.size()) {
      if (!ParseDbArg(ctx, ++i, &dst_db)) return;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if (dst_db == ctx.db && ctx.args[1] == ctx.args[2]) {
    ctx.reply.Error("ERR source and destination objects are the same");
    return;
  }
  bool applied;
  Status s =
      Keyspace(&ctx.engine).Copy(ctx.db, ctx.args[1], dst_db, ctx.args[2], replace, &applied);
  if (s.IsNotFound()) return ctx.reply.Integer(0);
  if (!s.ok()) return ReplyError(ctx, s);
  if (applied) {
    ctx.server.Notify(kNotifyNew, "new", dst_db, ctx.args[2]);
    ctx.server.Notify(kNotifyGeneric, "copy_to", dst_db, ctx.args[2]);
    ctx.server.blocking().Signal(dst_db, ctx.args[2]);
  }
  ctx.reply.Integer(applied ? 1 : 0);
}

void MoveCommand(CommandContext& ctx) {
  int dst_db;
  if (!ParseDbArg(ctx, 2, &dst_db)) return;
  if (dst_db == ctx.db) {
    ctx.reply.Error("ERR source and destination objects are the same");
    return;
  }
  bool applied;
  Status s = Keyspace(&ctx.engine).Move(ctx.db, ctx.args[1], dst_db, &applied);
  if (!s.ok()) return ReplyError(ctx, s);
  if (applied) {
    ctx.server.Notify(kNotifyNew, "new", dst_db, ctx.args[1]);
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "move_from", ctx.args[1]);
    ctx.server.Notify(kNotifyGeneric, "move_to", dst_db, ctx.args[1]);
    ctx.server.blocking().Signal(dst_db, ctx.args[1]);
  }
  ctx.reply.Integer(applied ? 1 : 0);
}

void TouchCommand(CommandContext& ctx) {
  ExistsCommand(ctx);
}

// OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT key, OBJECT HELP (the dispatcher has already
// resolved the subcommand and checked its arity).
void ObjectCommand(CommandContext& ctx) {
  const std::string& sub = ctx.args[1];
  if (ArgIs(sub, "HELP")) {
    ctx.reply.BulkArray({
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    });
    return;
  }
  MetaRecord meta;
  Status s = Keyspace(&ctx.engine).GetLive(ctx.db, ctx.args[2], &meta);
  if (s.IsNotFound()) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  if (ArgIs(sub, "ENCODING")) {
    if (meta.type == ValueType::kString) {
      ctx.reply.Bulk(engine::StringType::Encoding(meta));
    } else if (meta.type == ValueType::kHash) {
      ctx.reply.Bulk(engine::HashType::Encoding(meta));
    } else if (meta.type == ValueType::kSet) {
      ctx.reply.Bulk(engine::SetType::Encoding(meta));
    } else if (meta.type == ValueType::kList) {
      ctx.reply.Bulk(engine::ListType::Encoding(meta));
    } else if (meta.type == ValueType::kZSet) {
      ctx.reply.Bulk(engine::ZSetType::Encoding(meta));
    } else {
      ctx.reply.Bulk(engine::TypeName(meta.type));  // refined per type by the collections
    }
  } else if (ArgIs(sub, "FREQ")) {
    ctx.reply.Error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
        "note that when switching between policies at runtime LRU and LFU data will take some "
        "time to adjust.");
  } else if (ArgIs(sub, "IDLETIME")) {
    uint64_t idle = ctx.engine.access_clock().IdleMs(ctx.db, ctx.args[2], NowMs());
    ctx.reply.Integer(static_cast<int64_t>(idle / 1000));
  } else {
    // Redis shares the objects of small integers (0..9999) and reports INT_MAX for them.
    int64_t v;
    bool shared = meta.type == ValueType::kString &&
                  std::string_view(engine::StringType::Encoding(meta)) == "int" &&
                  ParseInt64(meta.value, &v) && v >= 0 && v < 10000;
    ctx.reply.Integer(shared ? 2147483647 : 1);
  }
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, int first, int last, int step,
                 CommandHandler handler, std::string summary, std::string since,
                 std::vector<std::string> acl) {
  acl.insert(acl.begin(), "@keyspace");
  return MakeCommandSpec(std::move(name), arity, flags, {first, last, step}, handler, "generic",
                         std::move(summary), std::move(since), std::move(acl));
}

}  // namespace

void RegisterKeyCommands(CommandTable* table) {
  const uint32_t kW = kCmdWrite, kR = kCmdReadOnly, kF = kCmdFast;
  table->Register(
      Spec("del", -2, kW, 1, -1, 1, DelCommand, "Delete a key", "1.0.0", {"@write", "@slow"}));
  table->Register(Spec("unlink", -2, kW | kF, 1, -1, 1, DelCommand,
                       "Delete a key asynchronously in another thread. Otherwise it is just as "
                       "DEL, but non blocking.",
                       "4.0.0", {"@write", "@fast"}));
  table->Register(Spec("exists", -2, kR | kF | kCmdNoTouch, 1, -1, 1, ExistsCommand,
                       "Determine if a key exists", "1.0.0", {"@read", "@fast"}));
  table->Register(Spec("type", 2, kR | kF | kCmdNoTouch, 1, 1, 1, TypeCommand,
                       "Determine the type stored at key", "1.0.0", {"@read", "@fast"}));
  table->Register(Spec("expire", -3, kW | kF, 1, 1, 1, ExpireCommand,
                       "Set a key's time to live in seconds", "1.0.0", {"@write", "@fast"}));
  table->Register(Spec("pexpire", -3, kW | kF, 1, 1, 1, PExpireCommand,
                       "Set a key's time to live in milliseconds", "2.6.0", {"@write", "@fast"}));
  table->Register(Spec("expireat", -3, kW | kF, 1, 1, 1, ExpireAtCommand,
                       "Set the expiration for a key as a UNIX timestamp", "1.2.0",
                       {"@write", "@fast"}));
  table->Register(Spec("pexpireat", -3, kW | kF, 1, 1, 1, PExpireAtCommand,
                       "Set the expiration for a key as a UNIX timestamp specified in "
                       "milliseconds",
                       "2.6.0", {"@write", "@fast"}));
  table->Register(Spec("ttl", 2, kR | kF | kCmdNoTouch, 1, 1, 1, TtlCommand,
                       "Get the time to live for a key in seconds", "1.0.0", {"@read", "@fast"}));
  table->Register(Spec("pttl", 2, kR | kF | kCmdNoTouch, 1, 1, 1, PTtlCommand,
                       "Get the time to live for a key in milliseconds", "2.6.0",
                       {"@read", "@fast"}));
  table->Register(Spec("expiretime", 2, kR | kF | kCmdNoTouch, 1, 1, 1, ExpireTimeCommand,
                       "Get the expiration Unix timestamp for a key", "7.0.0", {"@read", "@fast"}));
  table->Register(Spec("pexpiretime", 2, kR | kF | kCmdNoTouch, 1, 1, 1, PExpireTimeCommand,
                       "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0",
                       {"@read", "@fast"}));
  table->Register(Spec("persist", 2, kW | kF, 1, 1, 1, PersistCommand,
                       "Remove the expiration from a key", "2.2.0", {"@write", "@fast"}));
  table->Register(Spec("keys", 2, kR, 0, 0, 0, KeysCommand,
                       "Find all keys matching the given pattern", "1.0.0",
                       {"@read", "@slow", "@dangerous"}));
  table->Register(Spec("scan", -2, kR, 0, 0, 0, ScanCommand, "Incrementally iterate the keys space",
                       "2.8.0", {"@read", "@slow"}));
  table->Register(Spec("randomkey", 1, kR, 0, 0, 0, RandomKeyCommand,
                       "Return a random key from the keyspace", "1.0.0", {"@read", "@slow"}));
  table->Register(
      Spec("rename", 3, kW, 1, 2, 1, RenameCommand, "Rename a key", "1.0.0", {"@write", "@slow"}));
  table->Register(Spec("renamenx", 3, kW | kF, 1, 2, 1, RenameNxCommand,
                       "Rename a key, only if the new key does not exist", "1.0.0",
                       {"@write", "@fast"}));
  table->Register(Spec("copy", -3, kW | kCmdDenyOom, 1, 2, 1, CopyCommand, "Copy a key", "6.2.0",
                       {"@write", "@slow"}));
  table->Register(Spec("move", 3, kW | kF, 1, 1, 1, MoveCommand, "Move a key to another database",
                       "1.0.0", {"@write", "@fast"}));
  table->Register(Spec("touch", -2, kR | kF, 1, -1, 1, TouchCommand,
                       "Alters the last access time of a key(s). Returns the number of existing "
                       "keys specified.",
                       "3.2.1", {"@read", "@fast"}));
  CommandSpec object = Spec("object", -2, kR, 0, 0, 0, nullptr,
                            "A container for object introspection commands", "2.2.3", {"@slow"});
  object.subcommands = {
      Spec("object|encoding", 3, kR | kCmdNoTouch, 2, 2, 1, ObjectCommand,
           "Inspect the internal encoding of a Redis object", "2.2.3", {"@read", "@slow"}),
      Spec("object|freq", 3, kR | kCmdNoTouch, 2, 2, 1, ObjectCommand,
           "Get the logarithmic access frequency counter of a Redis object", "4.0.0",
           {"@read", "@slow"}),
      Spec("object|idletime", 3, kR | kCmdNoTouch, 2, 2, 1, ObjectCommand,
           "Get the time since a Redis object was last accessed", "2.2.3", {"@read", "@slow"}),
      Spec("object|refcount", 3, kR | kCmdNoTouch, 2, 2, 1, ObjectCommand,
           "Get the number of references to the value of the key", "2.2.3", {"@read", "@slow"}),
      Spec("object|help", 2, kCmdLoading | kCmdStale, 0, 0, 0, ObjectCommand,
           "Show helpful text about the different subcommands", "6.2.0", {"@slow"}),
  };
  table->Register(std::move(object));
}

}  // namespace redrock::server
