// List commands: pushes and pops at both ends, index and range reads, middle edits (LSET,
// LINSERT, LREM, LTRIM), LPOS, LMOVE, LMPOP, and the blocking forms (BLPOP, BRPOP, BLMOVE,
// BRPOPLPUSH, BLMPOP) on top of server/blocking.h. Handlers parse arguments, call one
// ListType operation and write the reply; every push that may give a list elements signals
// the clients blocked on it.
#include <limits>
#include <optional>
#include <vector>

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/list_type.h"
#include "engine/numbers.h"
#include "server/arg_parse.h"
#include "server/blocking.h"
#include "server/command.h"
#include "server/notify.h"
#include "server/server.h"
#include "server/streamed_reply.h"

namespace redrock::server {

namespace {

using engine::ListEnd;
using engine::ListType;

// LEFT / RIGHT argument; syntax error otherwise.
bool ParseEnd(CommandContext& ctx, size_t index, ListEnd* end) {
  if (ArgIs(ctx.args[index], "LEFT")) {
    *end = ListEnd::kLeft;
  } else if (ArgIs(ctx.args[index], "RIGHT")) {
    *end = ListEnd::kRight;
  } else {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  return true;
}

// An integer in [min, max], else `error` (Redis's getRangeLongFromObjectOrReply with a message).
bool ParseRangeArg(CommandContext& ctx, size_t index, int64_t min, int64_t max, int64_t* out,
                   std::string_view error) {
  int64_t v;
  if (!ParseInt64(ctx.args[index], &v) || v < min || v > max) {
    ctx.reply.Error(error);
    return false;
  }
  *out = v;
  return true;
}

void ReplyElements(CommandContext& ctx, const std::vector<std::string>& elements) {
  ctx.reply.ArrayHeader(elements.size());
  for (const std::string& e : elements)
    ctx.reply.Bulk(e);
}

// LPUSH / RPUSH / LPUSHX / RPUSHX key element [element ...]
void PushGeneric(CommandContext& ctx, ListEnd end, bool only_if_exists) {
  std::vector<std::string_view> elements(ctx.args.begin() + 2, ctx.args.end());
  int64_t length = 0;
  const bool created = KeyWouldBeNew(ctx, ctx.db, ctx.args[1]);
  Status s =
      ListType(&ctx.engine).Push(ctx.db, ctx.args[1], end, elements, only_if_exists, &length);
  if (!s.ok()) return ReplyError(ctx, s);
  if (length > 0) {
    if (created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[1]);
    NotifyKeyspaceEvent(ctx, kNotifyList, end == ListEnd::kLeft ? "lpush" : "rpush", ctx.args[1]);
  }
  if (length > 0) ctx.server.blocking().Signal(ctx.db, ctx.args[1]);
  ctx.reply.Integer(length);
}

void LPushCommand(CommandContext& ctx) {
  PushGeneric(ctx, ListEnd::kLeft, false);
}
void RPushCommand(CommandContext& ctx) {
  PushGeneric(ctx, ListEnd::kRight, false);
}
void LPushXCommand(CommandContext& ctx) {
  PushGeneric(ctx, ListEnd::kLeft, true);
}
void RPushXCommand(CommandContext& ctx) {
  PushGeneric(ctx, ListEnd::kRight, true);
}

// LPOP / RPOP key [count]
void PopGeneric(CommandContext& ctx, ListEnd end) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error("ERR wrong number of arguments for '" + CommandName(ctx) + "' command");
    return;
  }
  const bool has_count = ctx.args.size() == 3;
  int64_t count = 1;
  if (has_count && !ParseRangeArg(ctx, 2, 0, std::numeric_limits<int64_t>::max(), &count,
                                  "ERR value is out of range, must be positive")) {
    return;
  }
  std::vector<std::string> out;
  Status s =
      ListType(&ctx.engine).Pop(ctx.db, ctx.args[1], end, static_cast<uint64_t>(count), &out);
  if (s.IsNotFound()) return has_count ? ctx.reply.NullArray() : ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  if (!out.empty()) {
    NotifyKeyspaceEvent(ctx, kNotifyList, end == ListEnd::kLeft ? "lpop" : "rpop", ctx.args[1]);
    NotifyIfEmptied(ctx, ctx.args[1]);
  }
  if (!has_count) return ctx.reply.Bulk(out.at(0));
  ReplyElements(ctx, out);
}

void LPopCommand(CommandContext& ctx) {
  PopGeneric(ctx, ListEnd::kLeft);
}
void RPopCommand(CommandContext& ctx) {
  PopGeneric(ctx, ListEnd::kRight);
}

void LLenCommand(CommandContext& ctx) {
  uint64_t length = 0;
  Status s = ListType(&ctx.engine).Length(ctx.db, ctx.args[1], &length);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  ctx.reply.Integer(static_cast<int64_t>(length));
}

// LRANGE key start stop, streamed from one snapshot.
void LRangeCommand(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseIntArg(ctx, 2, &start) || !ParseIntArg(ctx, 3, &stop)) return;
  StreamedReply stream(ctx.reply);
  Status s = ListType(&ctx.engine)
                 .Range(
                     ctx.db, ctx.args[1], start, stop,
                     [&](uint64_t n) {
                       stream.Expect(n);
                       ctx.reply.ArrayHeader(n);
                     },
                     [&](std::string_view e) {
                       stream.Add();
                       ctx.reply.Bulk(e);
                     });
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ctx.reply.ArrayHeader(0);
  if (stream.Complete(s)) return;
  if (!s.ok()) return ReplyError(ctx, s);
  ctx.reply.Error("ERR list changed size while it was read");
}

// LINDEX and LSET look the key up before parsing the index (Redis's order of errors):
// replies for a bad index argument and returns false.
bool ParseIndexAfterLookup(CommandContext& ctx, int64_t* index, bool missing_is_error) {
  if (ParseInt64(ctx.args[2], index)) return true;
  engine::MetaRecord meta;
  Status s = engine::Keyspace(&ctx.engine).GetLive(ctx.db, ctx.args[1], &meta);
  if (s.IsNotFound()) {
    if (missing_is_error) {
      ctx.reply.Error(kErrNoSuchKey);
    } else {
      ctx.reply.Null();
    }
  } else if (!s.ok()) {
    ReplyError(ctx, s);
  } else if (meta.type != engine::ValueType::kList) {
    ReplyError(ctx, Status::WrongType());
  } else {
    ctx.reply.Error(kErrNotInteger);
  }
  return false;
}

void LIndexCommand(CommandContext& ctx) {
  int64_t index;
  if (!ParseIndexAfterLookup(ctx, &index, false)) return;
  std::optional<std::string> element;
  Status s = ListType(&ctx.engine).Index(ctx.db, ctx.args[1], index, &element);
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ctx.reply.Null();
  if (!s.ok()) return ReplyError(ctx, s);
  if (!element) return ctx.reply.Null();
  ctx.reply.Bulk(*element);
}

void LSetCommand(CommandContext& ctx) {
  int64_t index;
  if (!ParseIndexAfterLookup(ctx, &index, true)) return;
  Status s = ListType(&ctx.engine).Set(ctx.db, ctx.args[1], index, ctx.args[3]);
  if (!s.ok()) return ReplyError(ctx, s);  // NotFound: "ERR no such key"
  ctx.reply.Ok();
  NotifyKeyspaceEvent(ctx, kNotifyList, "lset", ctx.args[1]);
}

// LINSERT key BEFORE|AFTER pivot element
void LInsertCommand(CommandContext& ctx) {
  bool before;
  if (ArgIs(ctx.args[2], "BEFORE")) {
    before = true;
  } else if (ArgIs(ctx.args[2], "AFTER")) {
    before = false;
  } else {
    return ctx.reply.Error(kErrSyntax);
  }
  int64_t length = 0;
  Status s =
      ListType(&ctx.engine).Insert(ctx.db, ctx.args[1], before, ctx.args[3], ctx.args[4], &length);
  if (s.IsNotFound()) return ctx.reply.Integer(0);
  if (!s.ok()) return ReplyError(ctx, s);
  if (length > 0) NotifyKeyspaceEvent(ctx, kNotifyList, "linsert", ctx.args[1]);
  ctx.reply.Integer(length);
}

void LRemCommand(CommandContext& ctx) {
  int64_t count;
  if (!ParseIntArg(ctx, 2, &count)) return;
  int64_t removed = 0;
  Status s = ListType(&ctx.engine).Remove(ctx.db, ctx.args[1], count, ctx.args[3], &removed);
  if (!s.ok()) return ReplyError(ctx, s);
  if (removed > 0) {
    NotifyKeyspaceEvent(ctx, kNotifyList, "lrem", ctx.args[1]);
    NotifyIfEmptied(ctx, ctx.args[1]);
  }
  ctx.reply.Integer(removed);
}

void LTrimCommand(CommandContext& ctx) {
  int64_t start, stop;
  if (!ParseIntArg(ctx, 2, &start) || !ParseIntArg(ctx, 3, &stop)) return;
  const bool existed = KeyExistsIfNotifying(ctx, kNotifyList | kNotifyGeneric, ctx.args[1]);
  Status s = ListType(&ctx.engine).Trim(ctx.db, ctx.args[1], start, stop);
  if (!s.ok()) return ReplyError(ctx, s);
  if (existed) {
    NotifyKeyspaceEvent(ctx, kNotifyList, "ltrim", ctx.args[1]);
    NotifyIfEmptied(ctx, ctx.args[1]);
  }
  ctx.reply.Ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPosCommand(CommandContext& ctx) {
  engine::ListPosOptions opts;
  const size_t argc = ctx.args.size();
  for (size_t j = 3; j < argc; j++) {
    const bool more = j + 1 < argc;
    if (ArgIs(ctx.args[j], "RANK") && more) {
      j++;
      if (!ParseIntArg(ctx, j, &opts.rank)) return;
      if (opts.rank == 0) {
        return ctx.reply.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
      }
    } else if (ArgIs(ctx.args[j], "COUNT") && more) {
      j++;
      if (!ParseRangeArg(ctx, j, 0, std::numeric_limits<int64_t>::max(), &opts.count,
                         "ERR COUNT can't be negative")) {
        return;
      }
    } else if (ArgIs(ctx.args[j], "MAXLEN") && more) {
      j++;
      if (!ParseRangeArg(ctx, j, 0, std::numeric_limits<int64_t>::max(), &opts.maxlen,
                         "ERR MAXLEN can't be negative")) {
        return;
      }
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  if (opts.rank == std::numeric_limits<int64_t>::min()) {
    // Redis 7.0 accepts LLONG_MIN, whose negation overflows: it searches from the tail,
    // every match qualifies, and a COUNT never ends the search.
    opts.rank = -1;
    if (opts.count > 0) opts.count = 0;
  }
  std::vector<int64_t> found;
  Status s = ListType(&ctx.engine).Pos(ctx.db, ctx.args[1], ctx.args[2], opts, &found);
  CountLookup(ctx, !s.IsNotFound());
  if (!s.ok() && !s.IsNotFound()) return ReplyError(ctx, s);
  if (opts.count == -1) {
    if (found.empty()) return ctx.reply.Null();
    return ctx.reply.Integer(found[0]);
  }
  ctx.reply.ArrayHeader(found.size());
  for (int64_t i : found)
    ctx.reply.Integer(i);
}

// LMOVE and the attempt of BLMOVE: true when it replied (element, nil source or error). A
// blocked BLMOVE re-checking its source (`woken`) takes a source of another type for an
// empty one, as Redis does; a destination of another type is still WRONGTYPE.
bool TryMove(CommandContext& ctx, ListEnd from, ListEnd to, bool reply_missing,
             bool woken = false) {
  std::string element;
  const bool dst_created = ctx.args[1] != ctx.args[2] && KeyWouldBeNew(ctx, ctx.db, ctx.args[2]);
  Status s =
      ListType(&ctx.engine).Move(ctx.db, ctx.args[1], ctx.args[2], from, to, &element, woken);
  if (s.IsNotFound()) {
    if (reply_missing) ctx.reply.Null();
    return reply_missing;
  }
  if (!s.ok()) {
    ReplyError(ctx, s);
    return true;
  }
  // As Redis: the destination's push, then the source's pop.
  if (dst_created) NotifyKeyspaceEvent(ctx, kNotifyNew, "new", ctx.args[2]);
  NotifyKeyspaceEvent(ctx, kNotifyList, to == ListEnd::kLeft ? "lpush" : "rpush", ctx.args[2]);
  NotifyKeyspaceEvent(ctx, kNotifyList, from == ListEnd::kLeft ? "lpop" : "rpop", ctx.args[1]);
  NotifyIfEmptied(ctx, ctx.args[1]);
  ctx.server.blocking().Signal(ctx.db, ctx.args[2]);
  ctx.reply.Bulk(element);
  return true;
}

void LMoveCommand(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseEnd(ctx, 3, &from) || !ParseEnd(ctx, 4, &to)) return;
  TryMove(ctx, from, to, true);
}

void RPopLPushCommand(CommandContext& ctx) {
  TryMove(ctx, ListEnd::kRight, ListEnd::kLeft, true);
}

// Pops from the first non-empty list of args[first..first+numkeys) (LMPOP, BLMPOP, BLPOP,
// BRPOP). Replies [key, element] (single) or [key, [elements...]]; false when all were empty.
// A blocked client re-checking its keys (`woken`) skips keys of another type, as Redis does.
bool TryPopFirst(CommandContext& ctx, size_t first, size_t numkeys, ListEnd end, uint64_t count,
                 bool single, bool woken = false) {
  std::vector<std::string_view> keys(ctx.args.begin() + static_cast<ptrdiff_t>(first),
                                     ctx.args.begin() + static_cast<ptrdiff_t>(first + numkeys));
  size_t which = 0;
  std::vector<std::string> out;
  Status s = ListType(&ctx.engine).PopFirst(ctx.db, keys, end, count, &which, &out, woken);
  if (s.IsNotFound()) return false;
  if (!s.ok()) {
    ReplyError(ctx, s);
    return true;
  }
  NotifyKeyspaceEvent(ctx, kNotifyList, end == ListEnd::kLeft ? "lpop" : "rpop", keys[which]);
  NotifyIfEmptied(ctx, keys[which]);
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(keys[which]);
  if (single) {
    ctx.reply.Bulk(out.at(0));
  } else {
    ReplyElements(ctx, out);
  }
  return true;
}

// The numkeys, keys, LEFT|RIGHT and COUNT of LMPOP / BLMPOP, from args[numkeys_index].
struct MPopArgs {
  size_t first_key = 0;
  size_t numkeys = 0;
  ListEnd end = ListEnd::kLeft;
  uint64_t count = 1;
};

bool ParseMPopArgs(CommandContext& ctx, size_t numkeys_index, MPopArgs* out) {
  int64_t numkeys;
  if (!ParseRangeArg(ctx, numkeys_index, 1, std::numeric_limits<int64_t>::max(), &numkeys,
                     "ERR numkeys should be greater than 0")) {
    return false;
  }
  const size_t argc = ctx.args.size();
  // where_index >= argc, computed without overflowing on huge numkeys.
  if (static_cast<uint64_t>(numkeys) >= argc - numkeys_index - 1) {
    ctx.reply.Error(kErrSyntax);
    return false;
  }
  out->first_key = numkeys_index + 1;
  out->numkeys = static_cast<size_t>(numkeys);
  const size_t where_index = out->first_key + out->numkeys;
  if (!ParseEnd(ctx, where_index, &out->end)) return false;
  bool has_count = false;
  for (size_t j = where_index + 1; j < argc; j++) {
    if (!has_count && ArgIs(ctx.args[j], "COUNT") && j + 1 < argc) {
      j++;
      int64_t count;
      if (!ParseRangeArg(ctx, j, 1, std::numeric_limits<int64_t>::max(), &count,
                         "ERR count should be greater than 0")) {
        return false;
      }
      out->count = static_cast<uint64_t>(count);
      has_count = true;
    } else {
      ctx.reply.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
void LMPopCommand(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, 1, &a)) return;
  if (!TryPopFirst(ctx, a.first_key, a.numkeys, a.end, a.count, false)) ctx.reply.NullArray();
}

// --- blocking forms ---

// BLPOP / BRPOP key [key ...] timeout
void BPopGeneric(CommandContext& ctx, ListEnd end) {
  int64_t timeout_ms;
  if (!ParseBlockTimeout(ctx, ctx.args.size() - 1, &timeout_ms)) return;
  const size_t numkeys = ctx.args.size() - 2;
  BlockSpec spec;
  spec.keys.assign(ctx.args.begin() + 1, ctx.args.end() - 1);
  spec.timeout_ms = timeout_ms;
  ctx.server.blocking().Serve(ctx, std::move(spec), [end, numkeys](CommandContext& c, bool woken) {
    return TryPopFirst(c, 1, numkeys, end, 1, true, woken);
  });
}

void BLPopCommand(CommandContext& ctx) {
  BPopGeneric(ctx, ListEnd::kLeft);
}
void BRPopCommand(CommandContext& ctx) {
  BPopGeneric(ctx, ListEnd::kRight);
}

// BLMOVE / BRPOPLPUSH: waits on the source only.
void BMoveGeneric(CommandContext& ctx, ListEnd from, ListEnd to, size_t timeout_index) {
  int64_t timeout_ms;
  if (!ParseBlockTimeout(ctx, timeout_index, &timeout_ms)) return;
  BlockSpec spec;
  spec.keys = {ctx.args[1]};
  spec.timeout_ms = timeout_ms;
  spec.null_bulk_when_denied = true;
  ctx.server.blocking().Serve(ctx, std::move(spec), [from, to](CommandContext& c, bool woken) {
    return TryMove(c, from, to, false, woken);
  });
}

void BLMoveCommand(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseEnd(ctx, 3, &from) || !ParseEnd(ctx, 4, &to)) return;
  BMoveGeneric(ctx, from, to, 5);
}

void BRPopLPushCommand(CommandContext& ctx) {
  BMoveGeneric(ctx, ListEnd::kRight, ListEnd::kLeft, 3);
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
// Redis parses the keys and options before the timeout.
void BLMPopCommand(CommandContext& ctx) {
  MPopArgs a;
  if (!ParseMPopArgs(ctx, 2, &a)) return;
  int64_t timeout_ms;
  if (!ParseBlockTimeout(ctx, 1, &timeout_ms)) return;
  BlockSpec spec;
  spec.keys.assign(ctx.args.begin() + static_cast<ptrdiff_t>(a.first_key),
                   ctx.args.begin() + static_cast<ptrdiff_t>(a.first_key + a.numkeys));
  spec.timeout_ms = timeout_ms;
  ctx.server.blocking().Serve(ctx, std::move(spec), [a](CommandContext& c, bool woken) {
    return TryPopFirst(c, a.first_key, a.numkeys, a.end, a.count, false, woken);
  });
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, int first, int last, int step,
                 CommandHandler handler, std::string summary, std::string since,
                 std::vector<std::string> acl, std::string complexity) {
  acl.insert(acl.begin() + 1, "@list");
  return MakeCommandSpec(std::move(name), arity, flags, {first, last, step}, handler, "list",
                         std::move(summary), std::move(since), std::move(acl),
                         std::move(complexity));
}

}  // namespace

void RegisterListCommands(CommandTable* table) {
  const uint32_t kW = kCmdWrite, kR = kCmdReadOnly, kF = kCmdFast, kD = kCmdDenyOom;
  const uint32_t kB = kCmdBlocking | kCmdNoScript;
  const std::vector<std::string> kBlockAcl = {"@write", "@slow", "@blocking"};
  const std::string kPushO1 =
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.";
  table->Register(Spec("lpush", -3, kW | kD | kF, 1, 1, 1, LPushCommand,
                       "Prepend one or multiple elements to a list", "1.0.0", {"@write", "@fast"},
                       kPushO1));
  table->Register(Spec("rpush", -3, kW | kD | kF, 1, 1, 1, RPushCommand,
                       "Append one or multiple elements to a list", "1.0.0", {"@write", "@fast"},
                       kPushO1));
  table->Register(Spec("lpushx", -3, kW | kD | kF, 1, 1, 1, LPushXCommand,
                       "Prepend an element to a list, only if the list exists", "2.2.0",
                       {"@write", "@fast"}, kPushO1));
  table->Register(Spec("rpushx", -3, kW | kD | kF, 1, 1, 1, RPushXCommand,
                       "Append an element to a list, only if the list exists", "2.2.0",
                       {"@write", "@fast"}, kPushO1));
  table->Register(Spec("lpop", -2, kW | kF, 1, 1, 1, LPopCommand,
                       "Remove and get the first elements in a list", "1.0.0", {"@write", "@fast"},
                       "O(N) where N is the number of elements returned"));
  table->Register(Spec("rpop", -2, kW | kF, 1, 1, 1, RPopCommand,
                       "Remove and get the last elements in a list", "1.0.0", {"@write", "@fast"},
                       "O(N) where N is the number of elements returned"));
  table->Register(Spec("llen", 2, kR | kF, 1, 1, 1, LLenCommand, "Get the length of a list",
                       "1.0.0", {"@read", "@fast"}, "O(1)"));
  table->Register(Spec("lrange", 4, kR, 1, 1, 1, LRangeCommand,
                       "Get a range of elements from a list", "1.0.0", {"@read", "@slow"},
                       "O(S+N) where S is the distance of start offset from HEAD for small lists, "
                       "from nearest end (HEAD or TAIL) for large lists; and N is the number of "
                       "elements in the specified range."));
  table->Register(Spec("lindex", 3, kR, 1, 1, 1, LIndexCommand,
                       "Get an element from a list by its index", "1.0.0", {"@read", "@slow"},
                       "O(N) where N is the number of elements to traverse to get to the element "
                       "at index. This makes asking for the first or the last element of the "
                       "list O(1)."));
  table->Register(Spec("lset", 4, kW | kD, 1, 1, 1, LSetCommand,
                       "Set the value of an element in a list by its index", "1.0.0",
                       {"@write", "@slow"},
                       "O(N) where N is the length of the list. Setting either the first or the "
                       "last element of the list is O(1)."));
  table->Register(Spec("linsert", 5, kW | kD, 1, 1, 1, LInsertCommand,
                       "Insert an element before or after another element in a list", "2.2.0",
                       {"@write", "@slow"},
                       "O(N) where N is the number of elements to traverse before seeing the "
                       "value pivot. This means that inserting somewhere on the left end on the "
                       "list (head) can be considered O(1) and inserting somewhere on the right "
                       "end (tail) is O(N)."));
  table->Register(Spec("lrem", 4, kW, 1, 1, 1, LRemCommand, "Remove elements from a list", "1.0.0",
                       {"@write", "@slow"},
                       "O(N+M) where N is the length of the list and M is the number of elements "
                       "removed."));
  table->Register(Spec("ltrim", 4, kW, 1, 1, 1, LTrimCommand, "Trim a list to the specified range",
                       "1.0.0", {"@write", "@slow"},
                       "O(N) where N is the number of elements to be removed by the operation."));
  table->Register(Spec("lpos", -3, kR, 1, 1, 1, LPosCommand,
                       "Return the index of matching elements on a list", "6.0.6",
                       {"@read", "@slow"},
                       "O(N) where N is the number of elements in the list, for the average "
                       "case. When searching for elements near the head or the tail of the list, "
                       "or when the MAXLEN option is provided, the command may run in constant "
                       "time."));
  table->Register(Spec("lmove", 5, kW | kD, 1, 2, 1, LMoveCommand,
                       "Pop an element from a list, push it to another list and return it", "6.2.0",
                       {"@write", "@slow"}, "O(1)"));
  table->Register(Spec("rpoplpush", 3, kW | kD, 1, 2, 1, RPopLPushCommand,
                       "Remove the last element in a list, prepend it to another list and return "
                       "it",
                       "1.2.0", {"@write", "@slow"}, "O(1)"));
  // Keys follow numkeys (movable keys): Redis reports 0 0 0 as the legacy key range and
  // describes them with a key spec.
  const std::vector<std::string> kPopKeyFlags = {"RW", "access", "delete"};
  table->Register(WithKeySpecs(Spec("lmpop", -4, kW, 0, 0, 0, LMPopCommand,
                                    "Pop elements from a list", "7.0.0", {"@write", "@slow"},
                                    "O(N+M) where N is the number of provided keys and M is the "
                                    "number of elements returned."),
                               {NumKeysSpec(1, kPopKeyFlags)}));
  table->Register(Spec("blpop", -3, kW | kB, 1, -2, 1, BLPopCommand,
                       "Remove and get the first element in a list, or block until one is "
                       "available",
                       "2.0.0", kBlockAcl, "O(N) where N is the number of provided keys."));
  table->Register(Spec("brpop", -3, kW | kB, 1, -2, 1, BRPopCommand,
                       "Remove and get the last element in a list, or block until one is "
                       "available",
                       "2.0.0", kBlockAcl, "O(N) where N is the number of provided keys."));
  table->Register(Spec("blmove", 6, kW | kD | kB, 1, 2, 1, BLMoveCommand,
                       "Pop an element from a list, push it to another list and return it; or "
                       "block until one is available",
                       "6.2.0", kBlockAcl, "O(1)"));
  table->Register(Spec("brpoplpush", 4, kW | kD | kB, 1, 2, 1, BRPopLPushCommand,
                       "Pop an element from a list, push it to another list and return it; or "
                       "block until one is available",
                       "2.2.0", kBlockAcl, "O(1)"));
  // Unlike the older blocking commands, Redis 7.0 lets scripts call BLMPOP (no noscript).
  table->Register(WithKeySpecs(
      Spec("blmpop", -5, kW | kCmdBlocking, 0, 0, 0, BLMPopCommand,
           "Pop elements from a list, or block until one is available", "7.0.0", kBlockAcl,
           "O(N+M) where N is the number of provided keys and M is the "
           "number of elements returned."),
      {NumKeysSpec(2, kPopKeyFlags)}));
}

}  // namespace redrock::server
