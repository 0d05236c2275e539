// Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, LASTSAVE, SAVE, BGSAVE, SHUTDOWN, DEBUG.
// CONFIG, COMMAND and INFO have their own files and are registered from here.
#include <sys/time.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "server/client.h"
#include "server/config.h"
#include "server/families.h"
#include "server/server.h"
#include "server/snapshot_sessions.h"

namespace redrock::server {

namespace {

void ReplyStatus(protocol::ReplyWriter& w, const Status& st) {
  if (st.ok()) {
    w.Ok();
  } else {
    w.Error("ERR " + st.ToString());
  }
}

void DbSize(CommandContext& ctx) {
  ctx.reply.Integer(ctx.engine.KeyCount(ctx.db));
}

// FLUSHDB / FLUSHALL take an optional ASYNC or SYNC; both flush at once here, since range
// deletions make the cost independent of the dataset size.
bool FlushArgsOk(CommandContext& ctx) {
  if (ctx.args.size() == 1) return true;
  if (ctx.args.size() == 2 &&
      (EqualsNoCase(ctx.args[1], "sync") || EqualsNoCase(ctx.args[1], "async"))) {
    return true;
  }
  ctx.reply.Error(kErrSyntax);
  return false;
}

void FlushDb(CommandContext& ctx) {
  if (!FlushArgsOk(ctx)) return;
  ReplyStatus(ctx.reply, ctx.engine.FlushDb(ctx.db));
}

void FlushAll(CommandContext& ctx) {
  if (!FlushArgsOk(ctx)) return;
  ReplyStatus(ctx.reply, ctx.engine.FlushAll());
}

void Time(CommandContext& ctx) {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  ctx.reply.ArrayHeader(2);
  ctx.reply.BulkInteger(tv.tv_sec);
  ctx.reply.BulkInteger(tv.tv_usec);
}

void LastSave(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.engine.stats().last_save_unix));
}

void Save(CommandContext& ctx) {
  if (ctx.server.bgsave_in_progress()) {
    ctx.reply.Error("ERR Background save already in progress");
    return;
  }
  Status st = ctx.engine.FlushMemtables();
  if (st.ok()) ctx.server.MarkSaved();
  ReplyStatus(ctx.reply, st);
}

void BgSave(CommandContext& ctx) {
  if (ctx.args.size() > 1 && !(ctx.args.size() == 2 && EqualsNoCase(ctx.args[1], "schedule"))) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::string error;
  if (!ctx.server.StartBackgroundSave(&error)) {
    ctx.reply.Error(error);
    return;
  }
  ctx.reply.SimpleString("Background saving started");
}

void Shutdown(CommandContext& ctx) {
  bool save = false, nosave = false, abort = false, other = false;
  for (size_t i = 1; i < ctx.args.size(); ++i) {
    const std::string& a = ctx.args[i];
    if (EqualsNoCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsNoCase(a, "save")) {
      save = true;
    } else if (EqualsNoCase(a, "now") || EqualsNoCase(a, "force")) {
      other = true;
    } else if (EqualsNoCase(a, "abort")) {
      abort = true;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  }
  if ((abort && (save || nosave || other)) || (save && nosave)) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (abort) {
    ctx.reply.Error("ERR No shutdown in progress.");
    return;
  }
  // Every mode flushes the WAL and closes RocksDB: there is nothing to lose by "saving".
  spdlog::warn("User requested shutdown (client id={} addr={})", ctx.client.id(),
               ctx.client.addr());
  ctx.client.Park();  // nothing after SHUTDOWN runs; the connection closes without a reply
  ctx.server.Shutdown();
}

// --- DEBUG ---

bool DebugAllowed(CommandContext& ctx) {
  const std::string mode = ctx.server.config().GetString("enable-debug-command");
  if (mode == "yes" || (mode == "local" && ctx.client.is_local())) return true;
  ctx.reply.Error(
      "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
      "you can run it from a local connection, otherwise you need to set this option in the "
      "configuration file, and then restart the server.");
  return false;
}

void DebugHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply, ctx.args[0],
            {
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "    Dangerous: should be used only for testing the replication subsystem.",
                "COMPACT",
                "    redrock only: compact the whole database now, reclaiming the disk space of",
                "    deleted collections' members and expired keys. Blocks the calling client.",
                "ERROR <string>",
                "    Return a Redis protocol error with <string> as message. Useful for clients",
                "    unit tests to simulate Redis errors.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "RELOAD [option ...]",
                "    Close and reopen the database (flushing memtables and the WAL first).",
                "    Options MERGE, NOFLUSH and NOSAVE are accepted and ignored.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Accepted for compatibility; active expiry follows the hz setting.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
            });
}

void Debug(CommandContext& ctx) {
  if (!DebugAllowed(ctx)) return;
  const protocol::Request& args = ctx.args;
  const std::string& sub = args[1];
  const size_t argc = args.size();
  if (EqualsNoCase(sub, "help") && argc == 2) {
    DebugHelp(ctx);
  } else if (EqualsNoCase(sub, "sleep") && argc == 3) {
    // As Redis: strtod, so junk means 0. The whole io thread sleeps, like Redis's server.
    const double seconds = std::strtod(args[2].c_str(), nullptr);
    if (seconds > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)));
    }
    ctx.reply.Ok();
  } else if (EqualsNoCase(sub, "reload")) {
    for (size_t i = 2; i < argc; ++i) {
      if (!EqualsNoCase(args[i], "merge") && !EqualsNoCase(args[i], "noflush") &&
          !EqualsNoCase(args[i], "nosave")) {
        ctx.reply.Error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
        return;
      }
    }
    ctx.server.WaitForBackgroundSave();  // a checkpoint must not race the reopen
    Status st;
    ctx.server.RunExclusive([&]() {
      // Dump snapshots belong to the database being closed (their clients get an error).
      ctx.server.snapshots().ReleaseAll();
      st = ctx.engine.Reload();
    });
    if (st.ok()) {
      spdlog::info("DB reloaded by DEBUG RELOAD");
      ctx.reply.Ok();
    } else {
      ctx.reply.Error("ERR Error trying to reload the database: " + st.ToString());
    }
  } else if (EqualsNoCase(sub, "compact") && argc == 2) {
    // redrock extension: DEL of a big collection drops only its meta record; the members go
    // when compaction meets them. This forces that now (benchmarks, tests, operators).
    Status st = ctx.engine.CompactAll();
    if (st.ok()) spdlog::info("Full compaction done by DEBUG COMPACT");
    ReplyStatus(ctx.reply, st);
  } else if (EqualsNoCase(sub, "set-active-expire") && argc == 3) {
    // Redis reads the flag with atoi: "1", "2", "1x" turn it on, anything else off.
    ctx.engine.SetActiveExpire(std::atoi(std::string(args[2]).c_str()) != 0);
    ctx.reply.Ok();
  } else if (EqualsNoCase(sub, "change-repl-id") && argc == 2) {
    ctx.reply.Ok();
  } else if (EqualsNoCase(sub, "log") && argc == 3) {
    spdlog::warn("DEBUG LOG: {}", args[2]);
    ctx.reply.Ok();
  } else if (EqualsNoCase(sub, "error") && argc == 3) {
    ctx.reply.Error(args[2]);
  } else {
    ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" + sub +
                    "'. Try DEBUG HELP.");
  }
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, CommandHandler handler,
                 std::string summary, std::string since, std::vector<std::string> acl,
                 std::vector<std::string> tips = {}) {
  return MakeCommandSpec(std::move(name), arity, flags, {}, handler, "server", std::move(summary),
                         std::move(since), std::move(acl), "O(1)", std::move(tips));
}

}  // namespace

void RegisterServerCommands(CommandTable* table) {
  table->Register(Spec("dbsize", 1, kCmdReadOnly | kCmdFast, DbSize,
                       "Return the number of keys in the selected database", "1.0.0",
                       {"@keyspace", "@read", "@fast"},
                       {"request_policy:all_shards", "response_policy:agg_sum"}));
  table->Register(Spec("flushdb", -1, kCmdWrite, FlushDb,
                       "Remove all keys from the current database", "1.0.0",
                       {"@keyspace", "@write", "@slow", "@dangerous"},
                       {"request_policy:all_shards", "response_policy:all_succeeded"}));
  table->Register(Spec("flushall", -1, kCmdWrite | kCmdExclusive, FlushAll,
                       "Remove all keys from all databases", "1.0.0",
                       {"@keyspace", "@write", "@slow", "@dangerous"},
                       {"request_policy:all_shards", "response_policy:all_succeeded"}));
  table->Register(Spec("time", 1, kCmdLoading | kCmdStale | kCmdFast, Time,
                       "Return the current server time", "2.6.0", {"@fast"},
                       {"nondeterministic_output"}));
  table->Register(Spec("lastsave", 1, kCmdLoading | kCmdStale | kCmdFast, LastSave,
                       "Get the UNIX time stamp of the last successful save to disk", "1.0.0",
                       {"@admin", "@fast", "@dangerous"}, {"nondeterministic_output"}));
  table->Register(Spec("save", 1, kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading | kCmdNoMulti, Save,
                       "Synchronously save the dataset to disk", "1.0.0",
                       {"@admin", "@slow", "@dangerous"}));
  table->Register(Spec("bgsave", -1, kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading, BgSave,
                       "Asynchronously save the dataset to disk", "1.0.0",
                       {"@admin", "@slow", "@dangerous"}));
  table->Register(
      Spec("shutdown", -1,
           kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdNoMulti | kCmdAllowBusy,
           Shutdown, "Synchronously save the dataset to disk and then shut down the server",
           "1.0.0", {"@admin", "@slow", "@dangerous"}));
  table->Register(Spec("debug", -2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, Debug,
                       "A container for debugging commands", "1.0.0",
                       {"@admin", "@slow", "@dangerous"}));
  RegisterConfigCommands(table);
  RegisterCommandCommands(table);
  RegisterInfoCommand(table);
}

}  // namespace redrock::server
