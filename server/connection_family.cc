// Connection commands: PING, ECHO, QUIT, RESET, SELECT, AUTH, HELLO (CLIENT lives in
// client_family.cc).
#include "engine/engine.h"
#include "engine/numbers.h"
#include "server/client.h"
#include "server/config.h"
#include "server/families.h"
#include "server/server.h"
#include "version.h"

namespace redrock::server {

namespace {

// Compares without an early exit so the time taken does not reveal the password.
bool SecretEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

enum class AuthResult { kOk, kWrongPass, kNoPassword };

// The default user is the only user: "nopass" when requirepass is empty (any password
// works), else the password must equal requirepass.
AuthResult Authenticate(Server& server, std::string_view user, std::string_view pass) {
  const std::string required = server.config().GetString("requirepass");
  if (user != "default") return AuthResult::kWrongPass;
  if (required.empty()) return AuthResult::kOk;
  return SecretEquals(pass, required) ? AuthResult::kOk : AuthResult::kWrongPass;
}

constexpr std::string_view kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";

void Ping(CommandContext& ctx) {
  if (ctx.args.size() > 2) {
    ctx.reply.Error("ERR wrong number of arguments for 'ping' command");
    return;
  }
  // RESP2 subscribers get an array so their reader keeps its shape.
  if (ctx.client.has_flag(kClientPubSub) && ctx.reply.resp() == 2) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("pong");
    ctx.reply.Bulk(ctx.args.size() == 2 ? std::string_view(ctx.args[1]) : "");
    return;
  }
  if (ctx.args.size() == 2) {
    ctx.reply.Bulk(ctx.args[1]);
  } else {
    ctx.reply.SimpleString("PONG");
  }
}

void Echo(CommandContext& ctx) {
  ctx.reply.Bulk(ctx.args[1]);
}

void Quit(CommandContext& ctx) {
  ctx.reply.Ok();
  ctx.client.CloseAfterReply();
}

void Reset(CommandContext& ctx) {
  Client& c = ctx.client;
  c.RunResetHooks();  // MULTI, subscriptions... registered by their families
  c.set_db(0);
  c.set_resp(2);
  c.set_name("");
  c.set_authenticated(ctx.server.config().GetString("requirepass").empty());
  c.clear_flag(kClientPubSub | kClientReplyOff | kClientReplySkipNext | kClientNoEvict |
               kClientNoTouch);
  ctx.reply.SimpleString("RESET");
}

void Select(CommandContext& ctx) {
  int64_t db;
  if (!ParseInt64(ctx.args[1], &db) || db < INT32_MIN || db > INT32_MAX) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  if (db < 0 || db >= ctx.engine.databases()) {
    ctx.reply.Error(kErrDbIndex);
    return;
  }
  ctx.client.set_db(static_cast<int>(db));
  ctx.reply.Ok();
}

void Auth(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  if (ctx.args.size() == 2 && ctx.server.config().GetString("requirepass").empty()) {
    ctx.reply.Error(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
    return;
  }
  std::string_view user = ctx.args.size() == 3 ? std::string_view(ctx.args[1]) : "default";
  std::string_view pass = ctx.args.back();
  if (Authenticate(ctx.server, user, pass) != AuthResult::kOk) {
    ctx.reply.Error(kWrongPass);
    return;
  }
  ctx.client.set_authenticated(true);
  ctx.reply.Ok();
}

void Hello(CommandContext& ctx) {
  const protocol::Request& args = ctx.args;
  int64_t version = 0;
  size_t next = 1;
  if (args.size() >= 2) {
    if (!ParseInt64(args[next++], &version)) {
      ctx.reply.Error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (version < 2 || version > 3) {
      ctx.reply.Error("NOPROTO unsupported protocol version");
      return;
    }
  }
  const std::string* user = nullptr;
  const std::string* pass = nullptr;
  const std::string* name = nullptr;
  for (size_t j = next; j < args.size(); ++j) {
    const size_t more = args.size() - 1 - j;
    if (EqualsNoCase(args[j], "auth") && more >= 2) {
      user = &args[j + 1];
      pass = &args[j + 2];
      j += 2;
    } else if (EqualsNoCase(args[j], "setname") && more >= 1) {
      name = &args[j + 1];
      if (!ValidClientName(*name)) {
        ctx.reply.Error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      j += 1;
    } else {
      ctx.reply.Error("ERR Syntax error in HELLO option '" + args[j] + "'");
      return;
    }
  }
  if (user != nullptr) {
    if (Authenticate(ctx.server, *user, *pass) != AuthResult::kOk) {
      ctx.reply.Error(kWrongPass);
      return;
    }
    ctx.client.set_authenticated(true);
  }
  if (!ctx.client.authenticated()) {
    ctx.reply.Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time");
    return;
  }
  if (name != nullptr) ctx.client.set_name(*name);
  if (version != 0) ctx.client.set_resp(static_cast<int>(version));
  protocol::ReplyWriter& w = ctx.reply;
  w.MapHeader(7);
  w.Bulk("server");
  w.Bulk("redis");
  w.Bulk("version");
  w.Bulk(kRedisCompatVersion);
  w.Bulk("proto");
  w.Integer(ctx.client.resp());
  w.Bulk("id");
  w.Integer(static_cast<int64_t>(ctx.client.id()));
  w.Bulk("mode");
  w.Bulk("standalone");
  w.Bulk("role");
  w.Bulk("master");
  w.Bulk("modules");
  w.ArrayHeader(0);
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, CommandHandler handler,
                 std::string summary, std::string since, std::vector<std::string> acl) {
  return MakeCommandSpec(std::move(name), arity, flags, {}, handler, "connection",
                         std::move(summary), std::move(since), std::move(acl), "O(1)");
}

}  // namespace

void RegisterConnectionCommands(CommandTable* table) {
  constexpr uint32_t kConn =
      kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy;
  CommandSpec ping =
      Spec("ping", -1, kCmdFast, Ping, "Ping the server", "1.0.0", {"@fast", "@connection"});
  ping.tips = {"request_policy:all_shards", "response_policy:all_succeeded"};
  table->Register(std::move(ping));
  table->Register(Spec("echo", 2, kCmdLoading | kCmdStale | kCmdFast, Echo, "Echo the given string",
                       "1.0.0", {"@fast", "@connection"}));
  table->Register(
      Spec("quit", -1, kConn, Quit, "Close the connection", "1.0.0", {"@fast", "@connection"}));
  table->Register(
      Spec("reset", 1, kConn, Reset, "Reset the connection", "6.2.0", {"@fast", "@connection"}));
  table->Register(Spec("select", 2, kCmdLoading | kCmdStale | kCmdFast, Select,
                       "Change the selected database for the current connection", "1.0.0",
                       {"@fast", "@connection"}));
  table->Register(Spec("auth", -2, kConn, Auth, "Authenticate to the server", "1.0.0",
                       {"@fast", "@connection"}));
  table->Register(
      Spec("hello", -1, kConn, Hello, "Handshake with Redis", "6.0.0", {"@fast", "@connection"}));
  RegisterClientCommands(table);
}

}  // namespace redrock::server
