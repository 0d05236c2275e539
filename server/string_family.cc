// String commands: SET and its variants, GET and its variants, counters, ranges, LCS.
// Handlers parse arguments, call one StringType operation and write the reply.
#include <limits>
#include <optional>
#include <vector>

#include "engine/engine.h"
#include "engine/key_format.h"
#include "engine/keyspace.h"
#include "engine/numbers.h"
#include "engine/string_type.h"
#include "server/arg_parse.h"
#include "server/command.h"
#include "server/notify.h"
#include "server/server.h"

namespace redrock::server {

namespace {

using engine::GetExOptions;
using engine::NowMs;
using engine::SetOptions;
using engine::StringType;

constexpr uint32_t kW = kCmdWrite;
constexpr uint32_t kR = kCmdReadOnly;

// Keyspace events of a SET that happened: "new" when it created the key, "set", and
// "expire" when it also set a TTL.
void NotifySet(CommandContext& ctx, std::string_view key, bool created, bool with_expire) {
  if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", key);
  NotifyKeyspaceEvent(ctx, kNotifyString, "set", key);
  if (with_expire) NotifyKeyspaceEvent(ctx, kNotifyGeneric, "expire", key);
}

void ReplyInvalidExpire(CommandContext& ctx) {
  ctx.reply.Error("ERR invalid expire time in '" + CommandName(ctx) + "' command");
}

// Turns an EX/PX/EXAT/PXAT argument into absolute unix ms with Redis's checks
// (getExpireMillisecondsOrReply): positive, no overflow.
bool ParseExpireArg(CommandContext& ctx, size_t index, bool seconds, bool relative,
                    uint64_t* expire_ms) {
  int64_t v;
  if (!ParseIntArg(ctx, index, &v)) return false;
  if (v <= 0 || (seconds && v > std::numeric_limits<int64_t>::max() / 1000)) {
    ReplyInvalidExpire(ctx);
    return false;
  }
  if (seconds) v *= 1000;
  if (relative) {
    int64_t now = static_cast<int64_t>(NowMs());
    if (v > std::numeric_limits<int64_t>::max() - now) {
      ReplyInvalidExpire(ctx);
      return false;
    }
    v += now;
  }
  *expire_ms = static_cast<uint64_t>(v);
  return true;
}

// Options shared by SET (condition, GET, KEEPTTL) and GETEX (PERSIST): parsed from args[first..].
struct ExpireArgs {
  bool nx = false, xx = false, get = false, keep_ttl = false, persist = false;
  char unit = 0;  // 0 none, 'e' EX, 'p' PX, 'E' EXAT, 'P' PXAT
  uint64_t expire_ms = 0;
};

bool ParseSetLikeOptions(CommandContext& ctx, size_t first, bool is_set, ExpireArgs* out) {
  const auto& args = ctx.args;
  size_t expire_index = 0;
  for (size_t i = first; i < args.size(); i++) {
    const std::string& opt = args[i];
    bool has_next = i + 1 < args.size();
    bool expire_set = out->unit != 0;
    auto other_expire = [&](char unit) { return expire_set && out->unit != unit; };
    if (is_set && ArgIs(opt, "NX") && !out->xx) {
      out->nx = true;
    } else if (is_set && ArgIs(opt, "XX") && !out->nx) {
      out->xx = true;
    } else if (is_set && ArgIs(opt, "GET")) {
      out->get = true;
    } else if (is_set && ArgIs(opt, "KEEPTTL") && !expire_set) {
      out->keep_ttl = true;
    } else if (!is_set && ArgIs(opt, "PERSIST") && !expire_set) {
      out->persist = true;
    } else if ((ArgIs(opt, "EX") || ArgIs(opt, "PX") || ArgIs(opt, "EXAT") || ArgIs(opt, "PXAT")) &&
               has_next && !out->keep_ttl && !out->persist) {
      char unit = ArgIs(opt, "EX") ? 'e' : ArgIs(opt, "PX") ? 'p' : ArgIs(opt, "EXAT") ? 'E' : 'P';
      if (other_expire(unit)) {
        ctx.reply.Error(kErrSyntax);
        return false;
      }
      out->unit = unit;
      expire_index = ++i;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  // Only the last expire value counts and is checked, after the whole list parsed, as in
  // Redis (an earlier "EX abc" overridden by a later EX is never looked at).
  if (out->unit != 0) {
    bool seconds = out->unit == 'e' || out->unit == 'E';
    bool relative = out->unit == 'e' || out->unit == 'p';
    if (!ParseExpireArg(ctx, expire_index, seconds, relative, &out->expire_ms)) return false;
  }
  return true;
}

void SetCommand(CommandContext& ctx) {
  ExpireArgs opts;
  if (!ParseSetLikeOptions(ctx, 3, true, &opts)) return;
  SetOptions so;
  so.condition = opts.nx   ? SetOptions::Condition::kNX
                 : opts.xx ? SetOptions::Condition::kXX
                           : SetOptions::Condition::kAlways;
  so.expire_ms = opts.expire_ms;
  so.keep_ttl = opts.keep_ttl;
  so.get = opts.get;
  bool applied = false;
  std::optional<std::string> old;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = StringType(&ctx.engine).Set(ctx.db, ctx.args[1], ctx.args[2], so, &applied, &old);
  if (!s.ok()) return ReplyError(ctx, s);
  if (applied) NotifySet(ctx, ctx.args[1], created, opts.unit != 0);
  // EXAT/PXAT in the past: the engine dropped the key at once; Redis stores it and publishes
  // "expired" when a read or its active cycle finds it, so publish that now.
  if (applied && opts.unit != 0 && opts.expire_ms <= NowMs()) {
    NotifyKeyspaceEvent(ctx, kNotifyExpired, "expired", ctx.args[1]);
  }
  if (opts.get) {
    if (old) {
      ctx.reply.Bulk(*old);
    } else {
      ctx.reply.Null();
    }
  } else if (applied) {
    ctx.reply.Ok();
  } else {
    ctx.reply.Null();
  }
}

// SETNX, SETEX, PSETEX: SET with fixed options.
void SetNxCommand(CommandContext& ctx) {
  SetOptions so;
  so.condition = SetOptions::Condition::kNX;
  bool applied = false;
  std::optional<std::string> old;
  Status s = StringType(&ctx.engine).Set(ctx.db, ctx.args[1], ctx.args[2], so, &applied, &old);
  if (!s.ok()) return ReplyError(ctx, s);
  if (applied) NotifySet(ctx, ctx.args[1], ctx.server.notify_enabled(kNotifyNew), false);
  ctx.reply.Integer(applied ? 1 : 0);
}

void SetExGeneric(CommandContext& ctx, bool seconds) {
  SetOptions so;
  if (!ParseExpireArg(ctx, 2, seconds, true, &so.expire_ms)) return;
  bool applied = false;
  std::optional<std::string> old;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = StringType(&ctx.engine).Set(ctx.db, ctx.args[1], ctx.args[3], so, &applied, &old);
  if (!s.ok()) return ReplyError(ctx, s);
  NotifySet(ctx, ctx.args[1], created, true);
  ctx.reply.Ok();
}

void SetExCommand(CommandContext& ctx) {
  SetExGeneric(ctx, true);
}
void PSetExCommand(CommandContext& ctx) {
  SetExGeneric(ctx, false);
}

void GetCommand(CommandContext& ctx) {
  std::string value;
  Status s = StringType(&ctx.engine).Get(ctx.db, ctx.args[1], &value);
  CountLookup(ctx, s.ok());
  if (s.IsNotFound()) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Bulk(value);
}

void GetSetCommand(CommandContext& ctx) {
  SetOptions so;
  so.get = true;
  bool applied = false;
  std::optional<std::string> old;
  Status s = StringType(&ctx.engine).Set(ctx.db, ctx.args[1], ctx.args[2], so, &applied, &old);
  if (!s.ok()) return ReplyError(ctx, s);
  NotifySet(ctx, ctx.args[1], !old && ctx.server.notify_enabled(kNotifyNew), false);
  if (old) return ctx.reply.Bulk(*old);
  ctx.reply.Null();
}

void GetDelCommand(CommandContext& ctx) {
  std::string value;
  Status s = StringType(&ctx.engine).GetDel(ctx.db, ctx.args[1], &value);
  if (s.IsNotFound()) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", ctx.args[1]);
  ctx.reply.Bulk(value);
}

void GetExCommand(CommandContext& ctx) {
  ExpireArgs opts;
  if (!ParseSetLikeOptions(ctx, 2, false, &opts)) return;
  GetExOptions go;
  if (opts.persist) {
    go.action = GetExOptions::Action::kPersist;
  } else if (opts.unit != 0) {
    go.action = GetExOptions::Action::kSetExpire;
    go.expire_ms = opts.expire_ms;
  }
  std::string value;
  bool had_ttl = false;  // PERSIST publishes "persist" only when it removed a TTL
  if (go.action == GetExOptions::Action::kPersist && ctx.server.notify_enabled(kNotifyGeneric)) {
    int64_t ttl = -1;
    had_ttl = engine::Keyspace(&ctx.engine).Ttl(ctx.db, ctx.args[1], &ttl).ok() && ttl >= 0;
  }
  Status s = StringType(&ctx.engine).GetEx(ctx.db, ctx.args[1], go, &value);
  if (s.IsNotFound()) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  if (go.action == GetExOptions::Action::kSetExpire) {
    // A time already past deleted the key, as Redis does for EXAT/PXAT.
    const bool gone = go.expire_ms <= NowMs();
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, gone ? "del" : "expire", ctx.args[1]);
  } else if (had_ttl) {
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "persist", ctx.args[1]);
  }
  ctx.reply.Bulk(value);
}

void MGetCommand(CommandContext& ctx) {
  std::vector<std::string_view> keys(ctx.args.begin() + 1, ctx.args.end());
  std::vector<std::optional<std::string>> values;
  Status s = StringType(&ctx.engine).MGet(ctx.db, keys, &values);
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.ArrayHeader(values.size());
  for (const auto& v : values) {
    CountLookup(ctx, v.has_value());
    if (v) {
      ctx.reply.Bulk(*v);
    } else {
      ctx.reply.Null();
    }
  }
}

void MSetGeneric(CommandContext& ctx, bool nx) {
  if (ctx.args.size() % 2 == 0) {
    ctx.reply.Error("ERR wrong number of arguments for '" + CommandName(ctx) + "' command");
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> kvs;
  for (size_t i = 1; i + 1 < ctx.args.size(); i += 2)
    kvs.emplace_back(ctx.args[i], ctx.args[i + 1]);
  std::vector<bool> created(kvs.size(), false);  // first occurrence of a missing key
  for (size_t i = 0; i < kvs.size() && ctx.server.notify_enabled(kNotifyNew); i++) {
    bool seen = false;
    for (size_t j = 0; j < i; j++)
      seen = seen || kvs[j].first == kvs[i].first;
    created[i] = !seen && KeyWouldBeNew(ctx, ctx.db, kvs[i].first);
  }
  bool applied = false;
  Status s = StringType(&ctx.engine).MSet(ctx.db, kvs, nx, &applied);
  if (!s.ok()) return ReplyError(ctx, s);
  if (applied || !nx) {
    for (size_t i = 0; i < kvs.size(); i++)
      NotifySet(ctx, kvs[i].first, created[i], false);
  }
  if (nx) return ctx.reply.Integer(applied ? 1 : 0);
  ctx.reply.Ok();
}

void MSetCommand(CommandContext& ctx) {
  MSetGeneric(ctx, false);
}
void MSetNxCommand(CommandContext& ctx) {
  MSetGeneric(ctx, true);
}

void IncrByGeneric(CommandContext& ctx, int64_t delta) {
  int64_t result;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = StringType(&ctx.engine).IncrBy(ctx.db, ctx.args[1], delta, &result);
  if (!s.ok()) return ReplyError(ctx, s);
  if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
  NotifyKeyspaceEvent(ctx, kNotifyString, "incrby", ctx.args[1]);
  ctx.reply.Integer(result);
}

void IncrCommand(CommandContext& ctx) {
  IncrByGeneric(ctx, 1);
}
void DecrCommand(CommandContext& ctx) {
  IncrByGeneric(ctx, -1);
}

void IncrByCommand(CommandContext& ctx) {
  int64_t delta;
  if (!ParseIntArg(ctx, 2, &delta)) return;
  IncrByGeneric(ctx, delta);
}

void DecrByCommand(CommandContext& ctx) {
  int64_t delta;
  if (!ParseIntArg(ctx, 2, &delta)) return;
  if (delta == std::numeric_limits<int64_t>::min()) {
    ctx.reply.Error("ERR decrement would overflow");
    return;
  }
  IncrByGeneric(ctx, -delta);
}

void IncrByFloatCommand(CommandContext& ctx) {
  long double delta;
  if (!ParseLongDoubleArg(ctx, 2, &delta)) return;
  std::string result;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = StringType(&ctx.engine).IncrByFloat(ctx.db, ctx.args[1], delta, &result);
  if (!s.ok()) return ReplyError(ctx, s);
  if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
  NotifyKeyspaceEvent(ctx, kNotifyString, "incrbyfloat", ctx.args[1]);
  ctx.reply.Bulk(result);
}

void AppendCommand(CommandContext& ctx) {
  int64_t length;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s = StringType(&ctx.engine).Append(ctx.db, ctx.args[1], ctx.args[2], &length);
  if (!s.ok()) return ReplyError(ctx, s);
  if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
  NotifyKeyspaceEvent(ctx, kNotifyString, "append", ctx.args[1]);
  ctx.reply.Integer(length);
}

void StrlenCommand(CommandContext& ctx) {
  int64_t length;
  Status s = StringType(&ctx.engine).Strlen(ctx.db, ctx.args[1], &length);
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Integer(length);
}

void GetRangeCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseIntArg(ctx, 2, &start) || !ParseIntArg(ctx, 3, &end)) return;
  std::string value;
  Status s = StringType(&ctx.engine).GetRange(ctx.db, ctx.args[1], start, end, &value);
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Bulk(value);
}

void SetRangeCommand(CommandContext& ctx) {
  int64_t offset;
  if (!ParseIntArg(ctx, 2, &offset)) return;
  if (offset < 0) {
    ctx.reply.Error("ERR offset is out of range");
    return;
  }
  int64_t length;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s =
      StringType(&ctx.engine)
          .SetRange(ctx.db, ctx.args[1], static_cast<uint64_t>(offset), ctx.args[3], &length);
  if (!s.ok()) return ReplyError(ctx, s);
  if (!ctx.args[3].empty()) {  // an empty value changes nothing and publishes nothing
    if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
    NotifyKeyspaceEvent(ctx, kNotifyString, "setrange", ctx.args[1]);
  }
  ctx.reply.Integer(length);
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: longest common subsequence by
// dynamic programming, walking the table back from the end as Redis does so that the
// reported ranges (IDX) come out in the same order.
void LcsCommand(CommandContext& ctx) {
  bool want_len = false, want_idx = false, with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t i = 3; i < ctx.args.size(); i++) {
    const std::string& opt = ctx.args[i];
    if (ArgIs(opt, "IDX")) {
      want_idx = true;
    } else if (ArgIs(opt, "LEN")) {
      want_len = true;
    } else if (ArgIs(opt, "WITHMATCHLEN")) {
      with_match_len = true;
    } else if (ArgIs(opt, "MINMATCHLEN") && i + 1 < ctx.args.size()) {
      if (!ParseIntArg(ctx, i + 1, &min_match_len)) return;
      if (min_match_len < 0) min_match_len = 0;
      i++;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  StringType strings(&ctx.engine);
  std::string a, b;
  for (int k = 0; k < 2; k++) {
    Status s = strings.Get(ctx.db, ctx.args[1 + k], k == 0 ? &a : &b);
    if (s.IsWrongType()) {
      ctx.reply.Error("ERR The specified keys must contain string values");
      return;
    }
    if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  }
  if (want_len && want_idx) {
    ctx.reply.Error("ERR If you want both the length and indexes, please just use IDX.");
    return;
  }
  const size_t alen = a.size(), blen = b.size();
  if ((alen + 1) * (blen + 1) * sizeof(uint32_t) > 512ULL * 1024 * 1024 ||
      (alen != 0 && (alen + 1) * (blen + 1) / (alen + 1) != blen + 1)) {
    ctx.reply.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  std::vector<uint32_t> table((alen + 1) * (blen + 1), 0);
  auto lcs = [&](size_t i, size_t j) -> uint32_t& { return table[j + i * (blen + 1)]; };
  for (size_t i = 1; i <= alen; i++) {
    for (size_t j = 1; j <= blen; j++) {
      lcs(i, j) =
          a[i - 1] == b[j - 1] ? lcs(i - 1, j - 1) + 1 : std::max(lcs(i - 1, j), lcs(i, j - 1));
    }
  }
  uint32_t total = lcs(alen, blen);
  if (want_len) return ctx.reply.Integer(total);

  std::string result(total, '\0');
  struct Match {
    size_t a_start, a_end, b_start, b_end;
  };
  std::vector<Match> matches;
  size_t idx = total, i = alen, j = blen;
  size_t a_start = alen, a_end = 0, b_start = 0, b_end = 0;  // a_start == alen: no open range
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (a_start == alen) {
        a_start = a_end = i - 1;
        b_start = b_end = j - 1;
      } else if (a_start == i && b_start == j) {
        a_start--;
        b_start--;
      } else {
        emit = true;
      }
      if (a_start == 0 || b_start == 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (lcs(i - 1, j) > lcs(i, j - 1)) {
        i--;
      } else {
        j--;
      }
      if (a_start != alen) emit = true;
    }
    if (emit) {
      size_t len = a_end - a_start + 1;
      if (min_match_len == 0 || len >= static_cast<size_t>(min_match_len)) {
        matches.push_back({a_start, a_end, b_start, b_end});
      }
      a_start = alen;
    }
  }
  if (!want_idx) return ctx.reply.Bulk(result);
  ctx.reply.MapHeader(2);
  ctx.reply.Bulk("matches");
  ctx.reply.ArrayHeader(matches.size());
  for (const Match& m : matches) {
    ctx.reply.ArrayHeader(with_match_len ? 3 : 2);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(static_cast<int64_t>(m.a_start));
    ctx.reply.Integer(static_cast<int64_t>(m.a_end));
    ctx.reply.ArrayHeader(2);
    ctx.reply.Integer(static_cast<int64_t>(m.b_start));
    ctx.reply.Integer(static_cast<int64_t>(m.b_end));
    if (with_match_len) ctx.reply.Integer(static_cast<int64_t>(m.a_end - m.a_start + 1));
  }
  ctx.reply.Bulk("len");
  ctx.reply.Integer(total);
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, int first, int last, int step,
                 CommandHandler handler, std::string summary, std::string since,
                 std::vector<std::string> acl) {
  acl.insert(acl.begin(), "@string");
  return MakeCommandSpec(std::move(name), arity, flags, {first, last, step}, handler, "string",
                         std::move(summary), std::move(since), std::move(acl));
}

}  // namespace

void RegisterStringCommands(CommandTable* table) {
  const uint32_t kWD = kW | kCmdDenyOom;
  const uint32_t kF = kCmdFast;
  table->Register(Spec("get", 2, kR | kF, 1, 1, 1, GetCommand, "Get the value of a key", "1.0.0",
                       {"@read", "@fast"}));
  table->Register(Spec("set", -3, kWD, 1, 1, 1, SetCommand, "Set the string value of a key",
                       "1.0.0", {"@write", "@slow"}));
  table->Register(Spec("setnx", 3, kWD | kF, 1, 1, 1, SetNxCommand,
                       "Set the value of a key, only if the key does not exist", "1.0.0",
                       {"@write", "@fast"}));
  table->Register(Spec("setex", 4, kWD, 1, 1, 1, SetExCommand,
                       "Set the value and expiration of a key", "2.0.0", {"@write", "@slow"}));
  table->Register(Spec("psetex", 4, kWD, 1, 1, 1, PSetExCommand,
                       "Set the value and expiration in milliseconds of a key", "2.6.0",
                       {"@write", "@slow"}));
  table->Register(Spec("getset", 3, kWD | kF, 1, 1, 1, GetSetCommand,
                       "Set the string value of a key and return its old value", "1.0.0",
                       {"@write", "@fast"}));
  table->Register(Spec("getdel", 2, kW | kF, 1, 1, 1, GetDelCommand,
                       "Get the value of a key and delete the key", "6.2.0", {"@write", "@fast"}));
  table->Register(Spec("getex", -2, kW | kF, 1, 1, 1, GetExCommand,
                       "Get the value of a key and optionally set its expiration", "6.2.0",
                       {"@write", "@fast"}));
  table->Register(Spec("mget", -2, kR | kF, 1, -1, 1, MGetCommand,
                       "Get the values of all the given keys", "1.0.0", {"@read", "@fast"}));
  table->Register(Spec("mset", -3, kWD, 1, -1, 2, MSetCommand,
                       "Set multiple keys to multiple values", "1.0.1", {"@write", "@slow"}));
  table->Register(Spec("msetnx", -3, kWD, 1, -1, 2, MSetNxCommand,
                       "Set multiple keys to multiple values, only if none of the keys exist",
                       "1.0.1", {"@write", "@slow"}));
  table->Register(Spec("incr", 2, kWD | kF, 1, 1, 1, IncrCommand,
                       "Increment the integer value of a key by one", "1.0.0",
                       {"@write", "@fast"}));
  table->Register(Spec("decr", 2, kWD | kF, 1, 1, 1, DecrCommand,
                       "Decrement the integer value of a key by one", "1.0.0",
                       {"@write", "@fast"}));
  table->Register(Spec("incrby", 3, kWD | kF, 1, 1, 1, IncrByCommand,
                       "Increment the integer value of a key by the given amount", "1.0.0",
                       {"@write", "@fast"}));
  table->Register(Spec("decrby", 3, kWD | kF, 1, 1, 1, DecrByCommand,
                       "Decrement the integer value of a key by the given number", "1.0.0",
                       {"@write", "@fast"}));
  table->Register(Spec("incrbyfloat", 3, kWD | kF, 1, 1, 1, IncrByFloatCommand,
                       "Increment the float value of a key by the given amount", "2.6.0",
                       {"@write", "@fast"}));
  table->Register(Spec("append", 3, kWD | kF, 1, 1, 1, AppendCommand, "Append a value to a key",
                       "2.0.0", {"@write", "@fast"}));
  table->Register(Spec("strlen", 2, kR | kF, 1, 1, 1, StrlenCommand,
                       "Get the length of the value stored in a key", "2.2.0", {"@read", "@fast"}));
  table->Register(Spec("getrange", 4, kR, 1, 1, 1, GetRangeCommand,
                       "Get a substring of the string stored at a key", "2.4.0",
                       {"@read", "@slow"}));
  table->Register(Spec("substr", 4, kR, 1, 1, 1, GetRangeCommand,
                       "Get a substring of the string stored at a key", "1.0.0",
                       {"@read", "@slow"}));
  table->Register(Spec("setrange", 4, kWD, 1, 1, 1, SetRangeCommand,
                       "Overwrite part of a string at key starting at the specified offset",
                       "2.2.0", {"@write", "@slow"}));
  table->Register(Spec("lcs", -3, kR, 1, 2, 1, LcsCommand, "Find longest common substring", "7.0.0",
                       {"@read", "@slow"}));
}

}  // namespace redrock::server
