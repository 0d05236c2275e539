// MIGRATE: moves keys to another Redis-compatible server as Redis 7.0 does. The keys are
// dumped in Redis's DUMP format and sent pipelined as [AUTH] [SELECT] RESTORE key ttl payload
// [REPLACE]; the keys the target accepted are then deleted here unless COPY was given.
// Replies, errors and the retry of a dead cached connection follow Redis's migrateCommand.
//
// The command runs on its io thread and blocks it while it talks to the target, as Redis
// blocks its whole server; every connect, write and read waits at most `timeout` ms. The
// migrated keys stay locked meanwhile, so no other client can change them between the dump
// and the delete.
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "engine/keyspace.h"
#include "engine/numbers.h"
#include "engine/transaction.h"
#include "server/arg_parse.h"
#include "server/command.h"
#include "server/dump_payload.h"
#include "server/migrate_cache.h"
#include "server/notify.h"
#include "server/server.h"
#include "server/sync_socket.h"

namespace redrock::server {

namespace {

// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
//         [AUTH2 username password] [KEYS key [key ...]]
struct MigrateRequest {
  bool copy = false;
  bool replace = false;
  const std::string* username = nullptr;
  const std::string* password = nullptr;
  size_t first_key = 3;  // argument index of the first key
  size_t num_keys = 1;
  int64_t timeout_ms = 0;
  int64_t db = 0;
};

// Parses the options in Redis's order (the timeout before the db); false after replying
// the error.
bool ParseMigrate(CommandContext& ctx, MigrateRequest* req) {
  const protocol::Request& args = ctx.args;
  for (size_t j = 6; j < args.size(); j++) {
    const size_t more = args.size() - 1 - j;
    if (ArgIs(args[j], "COPY")) {
      req->copy = true;
    } else if (ArgIs(args[j], "REPLACE")) {
      req->replace = true;
    } else if (ArgIs(args[j], "AUTH") && more >= 1) {
      req->password = &args[++j];
    } else if (ArgIs(args[j], "AUTH2") && more >= 2) {
      req->username = &args[++j];
      req->password = &args[++j];
    } else if (ArgIs(args[j], "KEYS")) {
      if (!args[3].empty()) {
        ctx.reply.Error(
            "ERR When using MIGRATE KEYS option, the key argument must be set to the empty "
            "string");
        return false;
      }
      req->first_key = j + 1;
      req->num_keys = args.size() - j - 1;
      break;  // every remaining argument is a key
    } else {
      ctx.reply.Error(kErrSyntax);  // also AUTH / AUTH2 without their values
      return false;
    }
  }
  if (!ParseIntArg(ctx, 5, &req->timeout_ms) || !ParseIntArg(ctx, 4, &req->db)) return false;
  if (req->timeout_ms <= 0) req->timeout_ms = 1000;
  return true;
}

// A key to send: its name, DUMP payload and absolute expire time (0 = none).
struct OutgoingKey {
  std::string_view name;
  std::string payload;
  uint64_t expire_ms = 0;
};

void AppendCommand(protocol::ReplyWriter& w, const std::vector<std::string_view>& args) {
  w.ArrayHeader(args.size());
  for (std::string_view a : args)
    w.Bulk(a);
}

// The pipeline Redis sends: [AUTH] [SELECT db] and one RESTORE per key that has not expired
// meanwhile (the others are dropped from `keys`).
std::string BuildPipeline(const MigrateRequest& req, bool select, std::vector<OutgoingKey>* keys) {
  std::string out;
  protocol::ReplyWriter w(&out);
  if (req.password != nullptr) {
    if (req.username != nullptr) {
      AppendCommand(w, {"AUTH", *req.username, *req.password});
    } else {
      AppendCommand(w, {"AUTH", *req.password});
    }
  }
  if (select) AppendCommand(w, {"SELECT", std::to_string(req.db)});
  const uint64_t now = engine::NowMs();
  std::vector<OutgoingKey> sent;
  for (OutgoingKey& key : *keys) {
    int64_t ttl = 0;
    if (key.expire_ms != 0) {
      ttl = static_cast<int64_t>(key.expire_ms) - static_cast<int64_t>(now);
      if (ttl < 0) continue;
      if (ttl < 1) ttl = 1;
    }
    const std::string ttl_text = std::to_string(ttl);
    std::vector<std::string_view> restore = {"RESTORE", key.name, ttl_text, key.payload};
    if (req.replace) restore.push_back("REPLACE");
    AppendCommand(w, restore);
    sent.push_back(std::move(key));
  }
  *keys = std::move(sent);
  return out;
}

// Deletes the keys the target accepted and publishes their "del" events (after the keys'
// locks are released when this command holds them itself).
void DeleteMigrated(CommandContext& ctx, const std::vector<std::string_view>& keys,
                    std::optional<engine::Transaction>* txn) {
  if (keys.empty()) {
    txn->reset();
    return;
  }
  int64_t deleted = 0;
  Status s = engine::Keyspace(&ctx.engine).Delete(ctx.db, keys, &deleted);
  if (s.ok() && txn->has_value()) s = (*txn)->Commit();
  txn->reset();
  if (!s.ok()) return;  // the reply still tells what the target did
  for (std::string_view key : keys)
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", key);
}

void MigrateCommand(CommandContext& ctx) {
  MigrateRequest req;
  if (!ParseMigrate(ctx, &req)) return;

  // Lock the keys for the whole exchange, unless EXEC already holds every lock.
  std::optional<engine::Transaction> txn;
  if (engine::Transaction::Current() == nullptr) {
    std::vector<std::pair<int, std::string>> lock_keys;
    for (size_t i = 0; i < req.num_keys; i++)
      lock_keys.emplace_back(ctx.db, ctx.args[req.first_key + i]);
    txn.emplace(&ctx.engine, lock_keys);
  }

  std::vector<OutgoingKey> keys;
  for (size_t i = 0; i < req.num_keys; i++) {
    OutgoingKey key;
    key.name = ctx.args[req.first_key + i];
    Status s = DumpKey(&ctx.engine, ctx.db, key.name, &key.payload, &key.expire_ms);
    CountLookup(ctx, !s.IsNotFound());
    if (s.IsNotFound()) continue;
    if (!s.ok()) return ReplyError(ctx, s);
    keys.push_back(std::move(key));
  }
  // Nothing to move is not an error: the keys often just expired.
  if (keys.empty()) return ctx.reply.SimpleString("NOKEY");

  const std::string& host = ctx.args[1];
  const std::string target = host + ":" + ctx.args[2];
  const int port = std::atoi(ctx.args[2].c_str());  // as Redis reads it
  MigrateConnectionCache& cache = MigrateConnectionCache::Get();
  bool may_retry = true;
  while (true) {
    MigrateConnection conn = cache.Take(target);
    if (conn.socket == nullptr) {
      conn.socket = SyncSocket::Connect(host, port, req.timeout_ms);
      if (conn.socket == nullptr) {
        return ctx.reply.Error("IOERR error or timeout connecting to the client");
      }
    }
    SyncSocket& sock = *conn.socket;
    const bool select = conn.last_db != req.db;
    const std::string pipeline = BuildPipeline(req, select, &keys);

    // Send everything, then read the replies in order: AUTH, SELECT, one per RESTORE.
    bool write_error = false;
    SyncSocket::Result io = sock.Write(pipeline, req.timeout_ms);
    std::string auth_reply, select_reply, reply;
    if (io != SyncSocket::Result::kOk) {
      write_error = true;
    } else if (req.password != nullptr) {
      io = sock.ReadLine(&auth_reply, req.timeout_ms);
    }
    if (io == SyncSocket::Result::kOk && select) io = sock.ReadLine(&select_reply, req.timeout_ms);

    if (io == SyncSocket::Result::kOk) {
      bool error_from_target = false;
      bool socket_error = false;
      std::vector<std::string_view> accepted;
      size_t j = 0;
      for (; j < keys.size(); j++) {
        io = sock.ReadLine(&reply, req.timeout_ms);
        if (io != SyncSocket::Result::kOk) {
          socket_error = true;
          break;
        }
        const bool auth_failed = req.password != nullptr && auth_reply.starts_with('-');
        const bool select_failed = select && select_reply.starts_with('-');
        if (auth_failed || select_failed || reply.starts_with('-')) {
          if (!error_from_target) {
            // Only the first error is reported; the db selected on the target is unknown now.
            conn.last_db = -1;
            const std::string& err = auth_failed     ? auth_reply
                                     : select_failed ? select_reply
                                                     : reply;
            ctx.reply.Error("ERR Target instance replied with error: " + err.substr(1));
            error_from_target = true;
          }
        } else if (!req.copy) {
          accepted.push_back(keys[j].name);
        }
      }
      // A connection that fails before the first reply was probably a cached one the target
      // closed meanwhile: retried once on a fresh one, as Redis does (not after a timeout).
      const bool retry = !error_from_target && socket_error && j == 0 && may_retry &&
                         io != SyncSocket::Result::kTimeout;
      if (!retry) {
        DeleteMigrated(ctx, accepted, &txn);
        if (!socket_error) {
          if (!error_from_target) {
            conn.last_db = req.db;
            ctx.reply.Ok();
          }
          cache.Put(target, std::move(conn), engine::NowMs());
          return;
        }
        if (error_from_target) return;  // the connection is dropped
        may_retry = false;
      }
    }
    // A socket error: drop the connection, then retry once unless it was a timeout.
    conn.socket.reset();
    if (io != SyncSocket::Result::kTimeout && may_retry) {
      may_retry = false;
      continue;
    }
    return ctx.reply.Error(write_error ? "IOERR error or timeout writing to target instance"
                                       : "IOERR error or timeout reading to target instance");
  }
}

// Redis's migrateGetKeys: the key argument, or the keys after KEYS (none when the key
// argument is not empty), skipping the values of AUTH and AUTH2.
void MigrateKeys(const CommandSpec& spec, const protocol::Request& args,
                 std::vector<size_t>* positions, std::vector<const KeySpec*>* specs) {
  size_t first = 3, num = 1;
  for (size_t i = 6; i < args.size(); i++) {
    if (ArgIs(args[i], "KEYS")) {
      if (!args[3].empty()) {
        num = 0;
      } else {
        first = i + 1;
        num = args.size() - first;
      }
      break;
    }
    if (ArgIs(args[i], "AUTH")) {
      i += 1;
    } else if (ArgIs(args[i], "AUTH2")) {
      i += 2;
    }
  }
  for (size_t i = 0; i < num; i++) {
    positions->push_back(first + i);
    if (specs != nullptr) specs->push_back(&spec.key_specs[0]);  // RW access delete
  }
}

}  // namespace

void RegisterMigrateCommand(CommandTable* table) {
  CommandSpec spec = MakeCommandSpec(
      "migrate", -6, kCmdWrite, {3, 3, 1}, MigrateCommand, "generic",
      "Atomically transfer a key from a Redis instance to another one.", "2.6.0",
      {"@keyspace", "@write", "@slow", "@dangerous"},
      "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the "
      "target instance. See the pages of these commands for time complexity. Also an O(N) data "
      "transfer between the two instances is performed.",
      {"nondeterministic_output"});
  // As Redis 7 declares them: the key argument, and the keys after KEYS ("incomplete": an
  // AUTH password may read "KEYS", so MigrateKeys has the last word).
  spec.key_specs = {SingleKeySpec(3, {"RW", "access", "delete"}),
                    KeywordSpec("KEYS", -2, {"RW", "access", "delete", "incomplete"})};
  spec.find_keys = MigrateKeys;
  table->Register(std::move(spec));
}

}  // namespace redrock::server
