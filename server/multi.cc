// MULTI / EXEC / DISCARD / WATCH / UNWATCH: queueing, key collection, atomic execution.
#include "server/multi.h"

#include <optional>
#include <utility>

#include "engine/engine.h"
#include "engine/key_locks.h"
#include "engine/keyspace.h"
#include "engine/numbers.h"
#include "engine/transaction.h"
#include "server/arg_parse.h"
#include "server/client.h"
#include "server/command.h"
#include "server/monitor.h"
#include "server/notify.h"
#include "server/server.h"

namespace redrock::server {

namespace {

using KeyList = std::vector<std::pair<int, std::string>>;

bool NameIs(const CommandSpec& spec, std::string_view name) {
  return spec.name == name;
}

MultiState& StateOf(Server& server, Client& client) {
  std::shared_ptr<MultiState>& st = client.multi_state();
  if (!st) st = std::make_shared<MultiState>();
  if (!st->hooks_installed) {
    st->hooks_installed = true;
    engine::KeyLocks* locks = &server.engine().locks();
    Client* c = &client;
    // Both run on the client's thread while it is alive.
    auto unwatch_all = [locks, c]() {
      MultiState& s = *c->multi_state();
      if (!s.watched.empty()) locks->StopWatching();
      s.watched.clear();
    };
    client.AddCloseHook(unwatch_all);
    client.AddResetHook([c, unwatch_all]() {
      MultiState& s = *c->multi_state();
      s.queued.clear();
      s.failed = false;
      c->clear_flag(kClientMulti);
      c->set_multi_count(-1);
      unwatch_all();
    });
  }
  return *st;
}

void Unwatch(Server& server, MultiState& st) {
  if (!st.watched.empty()) server.engine().locks().StopWatching();
  st.watched.clear();
}

// Leaves MULTI: the queue is dropped and every key unwatched (EXEC, DISCARD).
void EndMulti(Server& server, Client& client, MultiState& st) {
  st.queued.clear();
  st.failed = false;
  client.clear_flag(kClientMulti);
  client.set_multi_count(-1);
  Unwatch(server, st);
}

// The spec a queued request runs as (subcommand resolved); nullptr if unknown.
const CommandSpec* Resolve(const CommandTable& table, const protocol::Request& args) {
  const CommandSpec* spec = table.Find(args[0]);
  if (spec != nullptr && !spec->subcommands.empty() && args.size() >= 2) {
    spec = table.FindSub(*spec, args[1]);
  }
  return spec;
}

// Commands that cannot run inside an engine::Transaction (see the header comment).
bool IsBarrier(const CommandSpec& spec) {
  if (spec.flags & kCmdExclusive) return true;
  const std::string& n = spec.name;
  return n == "flushdb" || n == "flushall" || n == "swapdb" || n == "debug" ||
         n.rfind("debug|", 0) == 0;
}

bool ParseDbIndex(const std::string& arg, int databases, int* db) {
  int64_t n;
  if (!ParseInt64(arg, &n) || n < 0 || n >= databases) return false;
  *db = static_cast<int>(n);
  return true;
}

// Appends the keys a command touches. Returns false when they cannot be told from the
// arguments (the transaction must then lock everything).
bool CollectKeys(const CommandSpec& spec, const protocol::Request& args, int db, int databases,
                 KeyList* keys) {
  for (size_t pos : CommandTable::KeyPositions(spec, args))
    keys->emplace_back(db, args[pos]);
  const std::string& n = spec.name;
  if (n == "copy") {
    for (size_t i = 3; i + 1 < args.size(); i++) {
      int dst;
      if (ArgIs(args[i], "DB") && ParseDbIndex(args[i + 1], databases, &dst))
        keys->emplace_back(dst, args[2]);
    }
  } else if (n == "move") {
    int dst;
    if (ParseDbIndex(args[2], databases, &dst)) keys->emplace_back(dst, args[1]);
  } else if (n == "georadius" || n == "georadiusbymember" || n == "geosearchstore") {
    for (size_t i = 1; i + 1 < args.size(); i++) {
      if (ArgIs(args[i], "STORE") || ArgIs(args[i], "STOREDIST"))
        keys->emplace_back(db, args[i + 1]);
    }
  } else if (n == "sort" || n == "sort_ro") {
    // KeyPositions names the STORE key (SortKeys); BY and GET read keys it cannot name.
    for (size_t i = 2; i + 1 < args.size(); i++) {
      if (ArgIs(args[i], "BY") || ArgIs(args[i], "GET")) return false;
    }
  } else if (n == "eval" || n == "evalsha" || n == "eval_ro" || n == "evalsha_ro" || n == "fcall" ||
             n == "fcall_ro" || n == "xread" || n == "xreadgroup" || n == "migrate") {
    return false;
  }
  return true;
}

// True when no watched key may have changed since WATCH (call with their locks held).
bool WatchesHold(engine::Engine& engine, const MultiState& st) {
  if (st.watched.empty()) return true;
  engine::KeyLocks& locks = engine.locks();
  if (locks.Epoch() != st.watch_epoch) return false;
  const uint64_t now = engine::NowMs();
  for (const WatchedKey& w : st.watched) {
    if (locks.Version(w.db, w.key) != w.version) return false;
    if (w.expire_ms != 0 && w.expire_ms <= now) return false;  // expired since WATCH
    // A flush since WATCH removed the key if it existed then (had it been deleted or created
    // in between, its version would have moved).
    if (w.existed && locks.FlushCount(w.db) != w.flushes) return false;
  }
  return true;
}

void MultiCommand(CommandContext& ctx) {
  if (ctx.client.has_flag(kClientMulti)) {
    ctx.reply.Error("ERR MULTI calls can not be nested");
    return;
  }
  MultiState& st = StateOf(ctx.server, ctx.client);
  st.queued.clear();
  st.failed = false;
  ctx.client.set_flag(kClientMulti);
  ctx.client.set_multi_count(0);
  ctx.reply.Ok();
}

void DiscardCommand(CommandContext& ctx) {
  if (!ctx.client.has_flag(kClientMulti)) {
    ctx.reply.Error("ERR DISCARD without MULTI");
    return;
  }
  EndMulti(ctx.server, ctx.client, StateOf(ctx.server, ctx.client));
  ctx.reply.Ok();
}

void WatchCommand(CommandContext& ctx) {
  if (ctx.client.has_flag(kClientMulti)) {
    ctx.reply.Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  MultiState& st = StateOf(ctx.server, ctx.client);
  engine::KeyLocks& locks = ctx.engine.locks();
  engine::Keyspace keyspace(&ctx.engine);
  for (size_t i = 1; i < ctx.args.size(); i++) {
    const std::string& key = ctx.args[i];
    bool known = false;
    for (const WatchedKey& w : st.watched)
      known = known || (w.db == ctx.db && w.key == key);
    if (known) continue;
    if (st.watched.empty()) {
      locks.StartWatching();  // before any version is read
      st.watch_epoch = locks.Epoch();
    }
    WatchedKey w;
    w.db = ctx.db;
    w.key = key;
    engine::MetaRecord meta;
    // An already expired key is reaped first (as a read would), so that deleting it later
    // does not count as a change.
    keyspace.GetLive(ctx.db, key, &meta);
    w.version = locks.Version(ctx.db, key);
    w.flushes = locks.FlushCount(ctx.db);
    // The TTL is read after the version and flush count: a change in between moves them.
    if (keyspace.GetLive(ctx.db, key, &meta).ok()) {
      w.expire_ms = meta.expire_ms;
      w.existed = true;
    }
    st.watched.push_back(std::move(w));
  }
  ctx.reply.Ok();
}

void UnwatchCommand(CommandContext& ctx) {
  if (ctx.client.multi_state()) Unwatch(ctx.server, *ctx.client.multi_state());
  ctx.reply.Ok();
}

// One stretch of queued commands run under one engine::Transaction, or a barrier alone.
struct Segment {
  size_t begin, end;
  bool barrier;
};

void ExecCommand(CommandContext& ctx) {
  Server& server = ctx.server;
  Client& client = ctx.client;
  if (!client.has_flag(kClientMulti)) {
    ctx.reply.Error("ERR EXEC without MULTI");
    return;
  }
  MultiState& st = StateOf(server, client);
  if (st.failed) {
    EndMulti(server, client, st);
    ctx.reply.Error("EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  std::vector<protocol::Request> queued = std::move(st.queued);
  st.queued.clear();
  client.clear_flag(kClientMulti);
  client.set_multi_count(-1);

  // Plan: the keys of each segment, following queued SELECTs.
  const CommandTable& table = server.commands();
  const int databases = ctx.engine.databases();
  std::vector<Segment> segments;
  std::vector<KeyList> segment_keys;
  std::vector<bool> segment_all;
  int db = client.db();
  for (size_t i = 0; i < queued.size(); i++) {
    const CommandSpec* spec = Resolve(table, queued[i]);
    if (spec == nullptr) continue;  // cannot happen: refused at queue time
    if (IsBarrier(*spec)) {
      segments.push_back({i, i + 1, true});
      segment_keys.emplace_back();
      segment_all.push_back(false);
      continue;
    }
    if (segments.empty() || segments.back().barrier) {
      segments.push_back({i, i, false});
      segment_keys.emplace_back();
      segment_all.push_back(false);
    }
    segments.back().end = i + 1;
    if (!CollectKeys(*spec, queued[i], db, databases, &segment_keys.back()))
      segment_all.back() = true;
    int to;
    if (NameIs(*spec, "select") && queued[i].size() == 2 &&
        ParseDbIndex(queued[i][1], databases, &to)) {
      db = to;
    }
  }
  if (segments.empty() || segments.front().barrier) {
    // The watch check needs a transaction of its own (empty or starting with a barrier).
    segments.insert(segments.begin(), Segment{0, 0, false});
    segment_keys.insert(segment_keys.begin(), KeyList());
    segment_all.insert(segment_all.begin(), false);
  }
  for (const WatchedKey& w : st.watched)
    segment_keys.front().emplace_back(w.db, w.key);

  std::string& out = client.output();
  struct InExec {  // also cleared when a command throws
    Client& c;
    explicit InExec(Client& client) : c(client) { c.set_in_exec(true); }
    ~InExec() { c.set_in_exec(false); }
  } in_exec(client);
  for (size_t s = 0; s < segments.size(); s++) {
    const Segment& seg = segments[s];
    if (seg.barrier) {
      // Nothing is locked here: the command takes what it needs itself.
      const CommandSpec* spec = Resolve(table, queued[seg.begin]);
      if (spec->flags & kCmdExclusive) {
        server.RunExclusive([&]() { server.Execute(client, queued[seg.begin]); });
      } else {
        server.Execute(client, queued[seg.begin]);
      }
      continue;
    }
    std::optional<engine::Transaction> txn;
    if (segment_all[s]) {
      txn.emplace(&ctx.engine, engine::Transaction::AllKeys{});
    } else {
      txn.emplace(&ctx.engine, segment_keys[s]);
    }
    if (s == 0) {
      const bool ok = WatchesHold(ctx.engine, st);
      Unwatch(server, st);
      if (!ok) {
        ctx.reply.NullArray();
        return;
      }
      ctx.reply.ArrayHeader(queued.size());
    }
    const size_t mark = out.size();
    DeferredNotifications events(&server);
    for (size_t i = seg.begin; i < seg.end; i++)
      server.Execute(client, queued[i]);
    Status committed = txn->Commit();
    txn.reset();  // releases the keys before the events go out
    if (!committed.ok()) {
      events.Drop();
      // Nothing of this part reached the database: its replies become the error, keeping the
      // shape of the EXEC reply.
      out.resize(mark);
      for (size_t i = seg.begin; i < seg.end; i++)
        ctx.reply.Error("ERR " + committed.ToString());
    }
  }
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, int first, int last,
                 CommandHandler handler, std::string summary, std::string since,
                 std::vector<std::string> acl, std::string complexity) {
  return MakeCommandSpec(std::move(name), arity, flags, {first, last, first > 0 ? 1 : 0}, handler,
                         "transactions", std::move(summary), std::move(since), std::move(acl),
                         std::move(complexity));
}

}  // namespace

bool QueueIfInMulti(Server& server, Client& client, const CommandSpec& spec,
                    const protocol::Request& args, protocol::ReplyWriter& w) {
  if (!client.has_flag(kClientMulti) || client.in_exec()) return false;
  const std::string& n = spec.name;
  if (n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
      n == "reset") {
    return false;
  }
  MultiState& st = StateOf(server, client);
  if (spec.flags & kCmdNoMulti) {
    st.failed = true;
    w.Error("ERR Command not allowed inside a transaction");
    return true;
  }
  st.queued.push_back(args);
  client.set_multi_count(static_cast<int>(st.queued.size()));
  client.set_last_command(&spec);
  w.SimpleString("QUEUED");
  return true;
}

void OnCommandRefused(Server& server, Client& client, const CommandSpec* spec,
                      const protocol::Request& args, std::string* out, size_t mark) {
  if (out->size() <= mark || (*out)[mark] != '-') return;
  const bool is_exec = spec != nullptr && spec->name == "exec";
  if (!is_exec) {
    if (client.has_flag(kClientMulti) && !client.in_exec()) StateOf(server, client).failed = true;
    return;
  }
  // Redis's execCommandAbort: the transaction is discarded and the refusal is its reason.
  std::string reason = out->substr(mark + 1);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == '\r'))
    reason.pop_back();
  if (reason.rfind("ERR ", 0) == 0) reason.erase(0, 4);
  out->resize(mark);
  EndMulti(server, client, StateOf(server, client));
  protocol::ReplyWriter w(out, client.resp());
  w.Error("EXECABORT Transaction discarded because of: " + reason);
  if (server.monitors().active()) server.monitors().Feed(client, *spec, args);  // as Redis
}

void RegisterMultiCommands(CommandTable* table) {
  constexpr uint32_t kBase = kCmdNoScript | kCmdLoading | kCmdStale;
  table->Register(Spec("multi", 1, kBase | kCmdFast | kCmdAllowBusy, 0, 0, MultiCommand,
                       "Mark the start of a transaction block", "1.2.0", {"@fast", "@transaction"},
                       "O(1)"));
  table->Register(Spec("exec", 1, kBase | kCmdSkipSlowlog, 0, 0, ExecCommand,
                       "Execute all commands issued after MULTI", "1.2.0",
                       {"@slow", "@transaction"}, "Depends on commands in the transaction"));
  table->Register(Spec("discard", 1, kBase | kCmdFast | kCmdAllowBusy, 0, 0, DiscardCommand,
                       "Discard all commands issued after MULTI", "2.0.0",
                       {"@fast", "@transaction"}, "O(N), when N is the number of queued commands"));
  table->Register(Spec("watch", -2, kBase | kCmdFast | kCmdAllowBusy | kCmdNoTouch, 1, -1,
                       WatchCommand,
                       "Watch the given keys to determine execution of the MULTI/EXEC block",
                       "2.2.0", {"@fast", "@transaction"}, "O(1) for every key."));
  table->Register(Spec("unwatch", 1, kBase | kCmdFast | kCmdAllowBusy, 0, 0, UnwatchCommand,
                       "Forget about all watched keys", "2.2.0", {"@fast", "@transaction"},
                       "O(1)"));
}

}  // namespace redrock::server
