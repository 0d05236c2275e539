// Command dispatch: lookup, arity and auth checks with Redis 7's exact errors, the exclusive
// gate, per-command statistics and CLIENT REPLY suppression.
#include <chrono>
#include <limits>

#include <spdlog/spdlog.h>

#include "engine/access_clock.h"
#include "engine/engine.h"
#include "engine/hash_type.h"
#include "engine/key_format.h"
#include "engine/list_type.h"
#include "engine/numbers.h"
#include "engine/set_type.h"
#include "engine/string_type.h"
#include "engine/zset_type.h"
#include "server/arg_parse.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/families.h"
#include "server/monitor.h"
#include "server/multi.h"
#include "server/notify.h"
#include "server/pubsub.h"
#include "server/server.h"
#include "server/slowlog.h"

namespace redrock::server {

namespace {

// "ERR unknown command 'x', with args beginning with: 'a' 'b' " — as Redis builds it: the
// name cut at 128 bytes, arguments appended while the list is shorter than 128 bytes.
void ReplyUnknownCommand(protocol::ReplyWriter& w, const protocol::Request& args) {
  std::string msg = "ERR unknown command '";
  msg.append(args[0], 0, std::min<size_t>(args[0].size(), 128));
  msg += "', with args beginning with: ";
  std::string list;
  for (size_t i = 1; i < args.size() && list.size() < 128; ++i) {
    list += '\'';
    list.append(args[i], 0, std::min(args[i].size(), 128 - list.size() + 1));
    list += "' ";
  }
  msg += list;
  w.Error(msg);
}

void ReplyUnknownSubcommand(protocol::ReplyWriter& w, const protocol::Request& args) {
  std::string container = args[0];
  for (char& c : container) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  std::string msg = "ERR unknown subcommand '";
  msg.append(args[1], 0, std::min<size_t>(args[1].size(), 128));
  msg += "'. Try " + container + " HELP.";
  w.Error(msg);
}

bool ArityOk(const CommandSpec& spec, size_t argc) {
  const int64_t n = static_cast<int64_t>(argc);
  return spec.arity > 0 ? n == spec.arity : n >= -spec.arity;
}

// The commands Server::ExecuteWriteRun batches: plain SETs and the INCR family, whose
// requests may name different keys, and HSET, SADD, ZADD, LPUSH, RPUSH, LPOP and RPOP, whose
// requests must all name one key.
enum class RunKind { kNone, kSet, kIncr, kHSet, kSAdd, kZAdd, kLPush, kRPush, kLPop, kRPop };

RunKind RunKindOf(const protocol::Request& args) {
  if (args.size() < 2) return RunKind::kNone;
  const std::string& name = args[0];
  switch (name.size()) {
    case 3:
      return EqualsNoCase(name, "set") ? RunKind::kSet : RunKind::kNone;
    case 4:
      if (EqualsNoCase(name, "incr") || EqualsNoCase(name, "decr")) return RunKind::kIncr;
      if (EqualsNoCase(name, "hset")) return RunKind::kHSet;
      if (EqualsNoCase(name, "sadd")) return RunKind::kSAdd;
      if (EqualsNoCase(name, "zadd")) return RunKind::kZAdd;
      if (EqualsNoCase(name, "lpop")) return RunKind::kLPop;
      if (EqualsNoCase(name, "rpop")) return RunKind::kRPop;
      return RunKind::kNone;
    case 5:
      if (EqualsNoCase(name, "lpush")) return RunKind::kLPush;
      if (EqualsNoCase(name, "rpush")) return RunKind::kRPush;
      return RunKind::kNone;
    case 6:
      return EqualsNoCase(name, "incrby") || EqualsNoCase(name, "decrby") ? RunKind::kIncr
                                                                          : RunKind::kNone;
    default:
      return RunKind::kNone;
  }
}

// A request of a one-key kind that the command would accept as it is: HSET with
// field-value pairs, ZADD with score-member pairs and no options, SADD/LPUSH/RPUSH with at
// least one element, LPOP/RPOP without a count.
bool OneKeyArgsOk(RunKind kind, const protocol::Request& args) {
  switch (kind) {
    case RunKind::kHSet:
      return args.size() >= 4 && args.size() % 2 == 0;
    case RunKind::kZAdd:
      // A score that parses is not an option word (NX, XX, CH, INCR, GT, LT).
      if (args.size() < 4 || args.size() % 2 != 0) return false;
      for (size_t i = 2; i < args.size(); i += 2) {
        double score;
        if (!ParseDouble(args[i], &score)) return false;
      }
      return true;
    case RunKind::kSAdd:
    case RunKind::kLPush:
    case RunKind::kRPush:
      return args.size() >= 3;
    case RunKind::kLPop:
    case RunKind::kRPop:
      return args.size() == 2;
    default:
      return false;
  }
}

// Writes requests[begin, end) of a one-key kind (all on requests[begin][1]) as one engine
// call. *counts gets each HSET/SADD/LPUSH/RPUSH request's integer reply; *popped the
// elements LPOP/RPOP took, in request order (fewer than the requests when the list ran out).
Status RunOneKey(Server& server, RunKind kind, int db,
                 const std::vector<protocol::Request>& requests, size_t begin, size_t end,
                 std::vector<int64_t>* counts, std::vector<std::string>* popped) {
  engine::Engine* engine = &server.engine();
  const std::string& key = requests[begin][1];
  std::vector<size_t> group_ends;
  switch (kind) {
    case RunKind::kHSet: {
      engine::HashType::FieldValues fields;
      for (size_t i = begin; i < end; i++) {
        for (size_t j = 2; j + 1 < requests[i].size(); j += 2)
          fields.emplace_back(requests[i][j], requests[i][j + 1]);
        group_ends.push_back(fields.size());
      }
      return engine::HashType(engine, HashLimits(server.config()))
          .SetRun(db, key, fields, group_ends, counts);
    }
    case RunKind::kZAdd: {
      std::vector<std::pair<double, std::string_view>> items;
      for (size_t i = begin; i < end; i++) {
        for (size_t j = 2; j + 1 < requests[i].size(); j += 2) {
          double score = 0;
          ParseDouble(requests[i][j], &score);  // checked by OneKeyArgsOk
          items.emplace_back(score, requests[i][j + 1]);
        }
        group_ends.push_back(items.size());
      }
      REDROCK_RETURN_IF_ERROR(engine::ZSetType(engine, ZSetLimits(server.config()))
                                  .AddRun(db, key, items, group_ends, counts));
      server.blocking().Signal(db, key);  // BZPOPMIN / BZPOPMAX waiters
      return Status::OK();
    }
    case RunKind::kSAdd:
    case RunKind::kLPush:
    case RunKind::kRPush: {
      std::vector<std::string_view> elements;
      for (size_t i = begin; i < end; i++) {
        elements.insert(elements.end(), requests[i].begin() + 2, requests[i].end());
        group_ends.push_back(elements.size());
      }
      if (kind == RunKind::kSAdd) {
        return engine::SetType(engine, SetLimits(server.config()))
            .AddRun(db, key, elements, group_ends, counts);
      }
      int64_t length = 0;
      const auto list_end =
          kind == RunKind::kLPush ? engine::ListEnd::kLeft : engine::ListEnd::kRight;
      REDROCK_RETURN_IF_ERROR(
          engine::ListType(engine).Push(db, key, list_end, elements, false, &length));
      // LPUSH k a; LPUSH k b is LPUSH k a b: each request answers the length after its own.
      for (size_t pushed : group_ends)
        counts->push_back(length - static_cast<int64_t>(elements.size() - pushed));
      server.blocking().Signal(db, key);
      return Status::OK();
    }
    case RunKind::kLPop:
    case RunKind::kRPop: {
      const auto list_end =
          kind == RunKind::kLPop ? engine::ListEnd::kLeft : engine::ListEnd::kRight;
      Status s = engine::ListType(engine).Pop(db, key, list_end, end - begin, popped);
      return s.IsNotFound() ? Status::OK() : s;
    }
    default:
      return Status::InvalidArgument("not a one-key run");
  }
}

// INCR key, DECR key, INCRBY key n, DECRBY key n, when the command would accept its
// arguments; false otherwise (that request runs on its own and gets its error).
bool ParseIncr(const protocol::Request& args, engine::StringType::IncrItem* item) {
  const std::string& name = args[0];
  const bool decr = (name[0] | 0x20) == 'd';
  item->key = args[1];
  if (name.size() == 4) {
    if (args.size() != 2) return false;
    item->delta = decr ? -1 : 1;
    return true;
  }
  int64_t v;
  if (args.size() != 3 || !ParseInt64(args[2], &v)) return false;
  if (decr) {
    if (v == std::numeric_limits<int64_t>::min()) return false;
    v = -v;
  }
  item->delta = v;
  return true;
}

// SET key value [EX seconds | PX milliseconds], with the checks SET itself makes. Anything
// else, including an argument SET would refuse, is false: that request runs on its own.
bool ParsePlainSet(const protocol::Request& args, int64_t now_ms,
                   engine::StringType::SetItem* item) {
  if (args.size() < 3) return false;
  item->key = args[1];
  item->value = args[2];
  item->expire_ms = 0;
  if (args.size() == 3) return true;
  if (args.size() != 5) return false;
  const std::string& opt = args[3];
  if (opt.size() != 2 || (opt[1] | 0x20) != 'x') return false;
  const char unit = static_cast<char>(opt[0] | 0x20);
  if (unit != 'e' && unit != 'p') return false;
  int64_t v;
  if (!ParseInt64(args[4], &v) || v <= 0) return false;
  if (unit == 'e') {
    if (v > std::numeric_limits<int64_t>::max() / 1000) return false;
    v *= 1000;
  }
  if (v > std::numeric_limits<int64_t>::max() - now_ms) return false;
  item->expire_ms = static_cast<uint64_t>(v + now_ms);
  return true;
}

}  // namespace

size_t Server::ExecuteWriteRun(Client& client, std::vector<protocol::Request>& requests,
                               size_t begin) {
  constexpr size_t kMaxRun = 64;
  constexpr uint32_t kOneByOne = kClientPubSub | kClientMulti | kClientReplyOff | kClientReplySkip |
                                 kClientReplySkipNext | kClientCloseAfterReply | kClientCloseAsap;
  // Cheap tests first: this runs before every request.
  if (requests.size() - begin < 2) return 0;
  const RunKind kind = RunKindOf(requests[begin]);
  if (kind == RunKind::kNone || RunKindOf(requests[begin + 1]) != kind) return 0;
  // Whatever makes a write do more than write (events, MONITOR, MULTI, CLIENT REPLY, a
  // pause) sends the requests through Execute one by one.
  if (!client.authenticated() || client.in_exec() || (client.flags() & kOneByOne) != 0 ||
      notify_flags_.load(std::memory_order_relaxed) != 0 || monitors_->active()) {
    return 0;
  }
  const CommandSpec* first = commands_.Find(requests[begin][0]);
  if (first == nullptr || PausedFor(first->flags) > 0) return 0;
  const int64_t now = static_cast<int64_t>(engine::NowMs());
  std::vector<engine::StringType::SetItem> sets;
  std::vector<engine::StringType::IncrItem> incrs;
  size_t end = begin;
  while (end < requests.size() && end - begin < kMaxRun && RunKindOf(requests[end]) == kind) {
    if (kind == RunKind::kSet) {
      engine::StringType::SetItem item;
      if (!ParsePlainSet(requests[end], now, &item)) break;
      sets.push_back(item);
    } else if (kind == RunKind::kIncr) {
      engine::StringType::IncrItem item;
      if (!ParseIncr(requests[end], &item)) break;
      incrs.push_back(item);
    } else if (!OneKeyArgsOk(kind, requests[end]) || requests[end][1] != requests[begin][1]) {
      break;
    }
    ++end;
  }
  const size_t n = end - begin;
  if (n < 2) return 0;

  const int db = client.db();
  const uint64_t start = CycleClock::Now();
  Status s;
  std::vector<engine::StringType::IncrResult> results;
  std::vector<int64_t> counts;
  std::vector<std::string> popped;
  gate_.lock_shared();
  try {
    engine::StringType strings(engine_);
    if (kind == RunKind::kSet) {
      s = strings.SetMany(db, sets);
    } else if (kind == RunKind::kIncr) {
      s = strings.IncrMany(db, incrs, &results);
    } else {
      s = RunOneKey(*this, kind, db, requests, begin, end, &counts, &popped);
    }
  } catch (const std::exception& e) {
    spdlog::error("command '{}' threw: {}", first->name, e.what());
    s = Status::IOError(std::string("internal error: ") + e.what());
  }
  gate_.unlock_shared();
  const uint64_t ticks_each = (CycleClock::Now() - start) / n;
  const uint64_t now_ms = engine::NowMs();
  ThreadStats& stats = client.thread()->stats();
  protocol::ReplyWriter& w = client.writer();
  const CommandSpec* spec = first;
  for (size_t i = begin; i < end; i++) {
    if (i > begin && kind == RunKind::kIncr) spec = commands_.Find(requests[i][0]);  // mixed names
    engine_->access_clock().Touch(db, requests[i][1], now_ms);
    if (slowlog_->MayLog(ticks_each)) {
      slowlog_->Add(client, *spec, requests[i], CycleClock::ToMicros(ticks_each));
    }
    CommandCounters& counters = stats.commands[spec->id];
    counters.calls.Add();
    counters.ticks.Add(ticks_each);
    Status st = s;
    if (st.ok() && kind == RunKind::kIncr) st = results[i - begin].status;
    if (st.ok()) {
      const size_t k = i - begin;
      switch (kind) {
        case RunKind::kSet:
          w.Ok();
          break;
        case RunKind::kIncr:
          w.Integer(results[k].value);
          break;
        case RunKind::kLPop:
        case RunKind::kRPop:
          if (k < popped.size()) {
            w.Bulk(popped[k]);
          } else {
            w.Null();
          }
          break;
        default:
          w.Integer(counts[k]);
      }
      continue;
    }
    std::string& out = client.output();
    const size_t mark = out.size();
    CommandContext ctx{*this, client, requests[i], w, *engine_, db};
    ReplyError(ctx, st);
    CountError(std::string_view(out).substr(mark, std::min<size_t>(out.size() - mark, 64)));
    counters.failed.Add();
  }
  client.set_last_command(spec);
  stats.commands_processed.Add(n);
  stats.write_commands.Add(n);
  return n;
}

bool Server::Execute(Client& client, protocol::Request& args) {
  std::string& out = client.output();
  const size_t mark = out.size();
  protocol::ReplyWriter& w = client.writer();
  ThreadStats& stats = client.thread()->stats();

  const CommandSpec* spec = commands_.Find(args[0]);
  bool ran = false;
  if (spec == nullptr) {
    ReplyUnknownCommand(w, args);
  } else if (!spec->subcommands.empty() && args.size() >= 2 &&
             (spec = commands_.FindSub(*spec, args[1])) == nullptr) {
    ReplyUnknownSubcommand(w, args);
  } else if (!ArityOk(*spec, args.size())) {
    w.Error("ERR wrong number of arguments for '" + spec->name + "' command");
    stats.commands[spec->id].rejected.Add();
  } else if (!client.authenticated() && !(spec->flags & kCmdNoAuth)) {
    w.Error("NOAUTH Authentication required.");
    stats.commands[spec->id].rejected.Add();
  } else if (int64_t wait = client.in_exec() ? 0 : PausedFor(spec->flags); wait > 0) {
    client.RetryLater(static_cast<int>(std::min<int64_t>(wait, 50)));
    return false;
  } else if (spec->handler == nullptr) {
    ReplyUnknownSubcommand(w, args);
  } else if (!AllowedInSubscribedContext(client, *spec, w) ||
             QueueIfInMulti(*this, client, *spec, args, w)) {
    // Refused in subscribed mode, or queued inside MULTI (+QUEUED).
  } else {
    client.set_last_command(spec);
    const bool exclusive = (spec->flags & kCmdExclusive) != 0;
    const uint64_t start = CycleClock::Now();
    const bool in_exec = client.in_exec();  // EXEC holds the gate for its queued commands
    if (in_exec) {
    } else if (exclusive) {
      gate_.lock();
    } else {
      gate_.lock_shared();
    }
    try {
      CommandContext ctx{*this, client, args, w, *engine_, client.db()};
      if (spec->has_keys()) ReapExpiredKeyArgs(ctx, *spec);
      spec->handler(ctx);
      if (spec->has_keys() && !(spec->flags & kCmdNoTouch)) TouchKeys(*spec, args, ctx.db);
    } catch (const std::exception& e) {
      // A handler bug must not take the server down; the client gets an error instead.
      spdlog::error("command '{}' threw: {}", spec->name, e.what());
      w.Error(std::string("ERR internal error: ") + e.what());
    }
    if (in_exec) {
    } else if (exclusive) {
      gate_.unlock();
    } else {
      gate_.unlock_shared();
    }
    const uint64_t ticks = CycleClock::Now() - start;
    if (slowlog_->MayLog(ticks) && !(spec->flags & kCmdSkipSlowlog)) {
      slowlog_->Add(client, *spec, args, CycleClock::ToMicros(ticks));
    }
    CommandCounters& counters = stats.commands[spec->id];
    counters.calls.Add();
    counters.ticks.Add(ticks);
    stats.commands_processed.Add();
    if (spec->flags & kCmdWrite) stats.write_commands.Add();
    ran = true;
    if (monitors_->active()) monitors_->Feed(client, *spec, args);
  }
  if (!ran) OnCommandRefused(*this, client, spec, args, &out, mark);  // MULTI bookkeeping

  if (out.size() > mark && out[mark] == '-') {
    CountError(std::string_view(out).substr(mark, std::min<size_t>(out.size() - mark, 64)));
    if (ran) stats.commands[spec->id].failed.Add();
  }

  // CLIENT REPLY OFF / SKIP: the reply is dropped; SKIP covers only the next command.
  const uint32_t flags = client.flags();
  if (flags & (kClientReplyOff | kClientReplySkip | kClientReplySkipNext)) {
    if (flags & (kClientReplyOff | kClientReplySkip)) out.resize(mark);
    client.clear_flag(kClientReplySkip);
    if (flags & kClientReplySkipNext) {
      client.clear_flag(kClientReplySkipNext);
      client.set_flag(kClientReplySkip);
    }
  }
  return true;
}

// Records the access of every key argument, for OBJECT IDLETIME.
void Server::TouchKeys(const CommandSpec& spec, const protocol::Request& args, int db) {
  const uint64_t now = engine::NowMs();
  for (size_t pos : CommandTable::KeyPositions(spec, args)) {
    engine_->access_clock().Touch(db, args[pos], now);
  }
}

void Server::RunExclusive(const std::function<void()>& fn) {
  gate_.unlock_shared();
  gate_.lock();
  try {
    fn();
  } catch (...) {
    gate_.unlock();
    gate_.lock_shared();
    throw;
  }
  gate_.unlock();
  gate_.lock_shared();
}

}  // namespace redrock::server
