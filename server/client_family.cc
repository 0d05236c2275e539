// CLIENT subcommands: ID, SETNAME, GETNAME, LIST, INFO, KILL, SETINFO, NO-EVICT, NO-TOUCH,
// REPLY, PAUSE, UNPAUSE, GETREDIR, TRACKINGINFO, UNBLOCK, HELP.
#include "engine/numbers.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/families.h"
#include "server/server.h"

namespace redrock::server {

namespace {

enum class ClientType { kNormal, kReplica, kPubSub, kMaster, kInvalid };

ClientType ParseClientType(std::string_view name) {
  if (EqualsNoCase(name, "normal")) return ClientType::kNormal;
  if (EqualsNoCase(name, "slave") || EqualsNoCase(name, "replica")) return ClientType::kReplica;
  if (EqualsNoCase(name, "pubsub")) return ClientType::kPubSub;
  if (EqualsNoCase(name, "master")) return ClientType::kMaster;
  return ClientType::kInvalid;
}

ClientType TypeOf(const Client& c) {
  return c.has_flag(kClientPubSub) ? ClientType::kPubSub : ClientType::kNormal;
}

// Redis's reply when a CLIENT subcommand exists but its arguments do not fit any form.
void SubcommandSyntaxError(CommandContext& ctx) {
  ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" + ctx.args[1] +
                  "'. Try CLIENT HELP.");
}

void Id(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.client.id()));
}

void SetName(CommandContext& ctx) {
  const std::string& name = ctx.args[2];
  if (!ValidClientName(name)) {
    ctx.reply.Error("ERR Client names cannot contain spaces, newlines or special characters.");
    return;
  }
  ctx.client.set_name(name);
  ctx.reply.Ok();
}

void GetName(CommandContext& ctx) {
  std::string name = ctx.client.name();
  if (name.empty()) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(name);
  }
}

void List(CommandContext& ctx) {
  const protocol::Request& args = ctx.args;
  std::string text;
  if (args.size() == 4 && EqualsNoCase(args[2], "type")) {
    ClientType type = ParseClientType(args[3]);
    if (type == ClientType::kInvalid) {
      ctx.reply.Error("ERR Unknown client type '" + args[3] + "'");
      return;
    }
    for (const auto& c : ctx.server.ClientsSnapshot()) {
      if (TypeOf(*c) == type) text += c->Describe() + "\n";
    }
  } else if (args.size() > 3 && EqualsNoCase(args[2], "id")) {
    for (size_t j = 3; j < args.size(); ++j) {
      int64_t id;
      if (!ParseInt64(args[j], &id)) {
        ctx.reply.Error("ERR Invalid client ID");
        return;
      }
      if (auto c = ctx.server.FindClient(static_cast<uint64_t>(id))) text += c->Describe() + "\n";
    }
  } else if (args.size() != 2) {
    ctx.reply.Error(kErrSyntax);
    return;
  } else {
    for (const auto& c : ctx.server.ClientsSnapshot())
      text += c->Describe() + "\n";
  }
  ctx.reply.Verbatim("txt", text);
}

void Info(CommandContext& ctx) {
  ctx.reply.Verbatim("txt", ctx.client.Describe() + "\n");
}

void Kill(CommandContext& ctx) {
  const protocol::Request& args = ctx.args;
  std::string_view addr, laddr;
  bool have_addr = false, have_laddr = false;
  uint64_t id = 0;
  ClientType type = ClientType::kInvalid;  // kInvalid = any type
  bool skipme = true;
  const bool old_form = args.size() == 3;
  if (old_form) {
    addr = args[2];
    have_addr = true;
    skipme = false;  // the old form may kill the caller itself
  } else {
    for (size_t i = 2; i < args.size(); i += 2) {
      const bool more = i + 1 < args.size();
      const std::string& opt = args[i];
      if (EqualsNoCase(opt, "id") && more) {
        int64_t v;
        if (!ParseInt64(args[i + 1], &v) || v < 1) {
          ctx.reply.Error("ERR client-id should be greater than 0");
          return;
        }
        id = static_cast<uint64_t>(v);
      } else if (EqualsNoCase(opt, "type") && more) {
        type = ParseClientType(args[i + 1]);
        if (type == ClientType::kInvalid) {
          ctx.reply.Error("ERR Unknown client type '" + args[i + 1] + "'");
          return;
        }
      } else if (EqualsNoCase(opt, "addr") && more) {
        addr = args[i + 1];
        have_addr = true;
      } else if (EqualsNoCase(opt, "laddr") && more) {
        laddr = args[i + 1];
        have_laddr = true;
      } else if (EqualsNoCase(opt, "user") && more) {
        if (args[i + 1] != "default") {
          ctx.reply.Error("ERR No such user '" + args[i + 1] + "'");
          return;
        }
      } else if (EqualsNoCase(opt, "skipme") && more) {
        if (EqualsNoCase(args[i + 1], "yes")) {
          skipme = true;
        } else if (EqualsNoCase(args[i + 1], "no")) {
          skipme = false;
        } else {
          ctx.reply.Error(kErrSyntax);
          return;
        }
      } else {
        ctx.reply.Error(kErrSyntax);
        return;
      }
    }
  }
  int64_t killed = 0;
  bool kill_self = false;
  for (const auto& c : ctx.server.ClientsSnapshot()) {
    // Already killed, closing on its own thread: Redis frees a killed client at once, so a
    // second kill finds nothing.
    if (c->has_flag(kClientCloseAsap)) continue;
    if (have_addr && c->addr() != addr) continue;
    if (have_laddr && c->laddr() != laddr) continue;
    if (type != ClientType::kInvalid && TypeOf(*c) != type) continue;
    if (id != 0 && c->id() != id) continue;
    if (c.get() == &ctx.client) {
      if (skipme) continue;
      kill_self = true;
    } else {
      c->Kill();  // closes on the victim's own thread
    }
    ++killed;
  }
  if (old_form) {
    if (killed == 0) {
      ctx.reply.Error("ERR No such client");
    } else {
      ctx.reply.Ok();
    }
  } else {
    ctx.reply.Integer(killed);
  }
  if (kill_self) ctx.client.CloseAfterReply();
}

void SetInfo(CommandContext& ctx) {
  const std::string& attr = ctx.args[2];
  const std::string& value = ctx.args[3];
  const bool is_name = EqualsNoCase(attr, "lib-name");
  if (!is_name && !EqualsNoCase(attr, "lib-ver")) {
    ctx.reply.Error("ERR Unrecognized option '" + attr + "'");
    return;
  }
  if (!ValidClientName(value)) {
    ctx.reply.Error("ERR " + attr + " cannot contain spaces, newlines or special characters.");
    return;
  }
  if (is_name) {
    ctx.client.set_lib_name(value);
  } else {
    ctx.client.set_lib_ver(value);
  }
  ctx.reply.Ok();
}

// CLIENT NO-EVICT / NO-TOUCH ON|OFF: flags only (nothing is evicted per client here).
void OnOffFlag(CommandContext& ctx, uint32_t flag) {
  if (EqualsNoCase(ctx.args[2], "on")) {
    ctx.client.set_flag(flag);
  } else if (EqualsNoCase(ctx.args[2], "off")) {
    ctx.client.clear_flag(flag);
  } else {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  ctx.reply.Ok();
}

void NoEvict(CommandContext& ctx) {
  OnOffFlag(ctx, kClientNoEvict);
}
void NoTouch(CommandContext& ctx) {
  OnOffFlag(ctx, kClientNoTouch);
}

void Reply(CommandContext& ctx) {
  const std::string& mode = ctx.args[2];
  if (EqualsNoCase(mode, "on")) {
    ctx.client.clear_flag(kClientReplyOff | kClientReplySkip | kClientReplySkipNext);
    ctx.reply.Ok();
  } else if (EqualsNoCase(mode, "off")) {
    ctx.client.set_flag(kClientReplyOff);
  } else if (EqualsNoCase(mode, "skip")) {
    if (!ctx.client.has_flag(kClientReplyOff)) ctx.client.set_flag(kClientReplySkipNext);
  } else {
    ctx.reply.Error(kErrSyntax);
  }
}

void Pause(CommandContext& ctx) {
  if (ctx.args.size() > 4) {
    SubcommandSyntaxError(ctx);
    return;
  }
  bool all = true;
  if (ctx.args.size() == 4) {
    if (EqualsNoCase(ctx.args[3], "write")) {
      all = false;
    } else if (!EqualsNoCase(ctx.args[3], "all")) {
      ctx.reply.Error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  int64_t ms;
  if (!ParseInt64(ctx.args[2], &ms)) {
    ctx.reply.Error("ERR timeout is not an integer or out of range");
    return;
  }
  if (ms < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return;
  }
  ctx.server.Pause(NowMs() + ms, all);
  ctx.reply.Ok();
}

void Unpause(CommandContext& ctx) {
  ctx.server.Unpause();
  ctx.reply.Ok();
}

void GetRedir(CommandContext& ctx) {
  ctx.reply.Integer(-1);
}

void TrackingInfo(CommandContext& ctx) {
  protocol::ReplyWriter& w = ctx.reply;
  w.MapHeader(3);
  w.Bulk("flags");
  w.SetHeader(1);
  w.Bulk("off");
  w.Bulk("redirect");
  w.Integer(-1);
  w.Bulk("prefixes");
  w.ArrayHeader(0);
}

void Unblock(CommandContext& ctx) {
  if (ctx.args.size() > 4) {
    SubcommandSyntaxError(ctx);
    return;
  }
  int64_t id;
  if (!ParseInt64(ctx.args[2], &id)) {
    ctx.reply.Error(kErrNotInteger);
    return;
  }
  if (ctx.args.size() == 4 && !EqualsNoCase(ctx.args[3], "timeout") &&
      !EqualsNoCase(ctx.args[3], "error")) {
    ctx.reply.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    return;
  }
  const bool with_error = ctx.args.size() == 4 && EqualsNoCase(ctx.args[3], "error");
  ctx.reply.Integer(ctx.server.blocking().Unblock(static_cast<uint64_t>(id), with_error) ? 1 : 0);
}

void Help(CommandContext& ctx) {
  ReplyHelp(ctx.reply, ctx.args[0],
            {
                "CACHING (YES|NO)",
                "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                "GETREDIR",
                "    Return the client ID we are redirecting to when tracking is enabled.",
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Kill connections by type.",
                "    * USER <username>",
                "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)",
                "      Skip killing current connection (default: yes).",
                "LIST [options ...]",
                "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Return clients of specified type.",
                "UNPAUSE",
                "    Stop the current client pause, resuming traffic.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Suspend all, or just write, clients for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    Unblock the specified blocked client.",
                "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                "         [OPTIN] [OPTOUT] [NOLOOP]",
                "    Control server assisted client side caching.",
                "TRACKINGINFO",
                "    Report tracking status for the current connection.",
                "NO-EVICT (ON|OFF)",
                "    Protect current client connection from eviction.",
            });
}

CommandSpec Sub(std::string name, int arity, uint32_t flags, CommandHandler handler,
                std::string summary, std::string since, bool admin) {
  CommandSpec s;
  s.name = std::move(name);
  s.arity = arity;
  s.flags = flags;
  s.first_key = 0;
  s.last_key = 0;
  s.key_step = 0;
  s.handler = handler;
  s.group = "connection";
  s.summary = std::move(summary);
  s.since = std::move(since);
  s.acl_categories = {"@connection"};
  if (admin) s.acl_categories.push_back("@dangerous");
  s.complexity = "O(1)";
  return s;
}

}  // namespace

void RegisterClientCommands(CommandTable* table) {
  constexpr uint32_t kBase = kCmdNoScript | kCmdLoading | kCmdStale;
  constexpr uint32_t kAdmin = kBase | kCmdAdmin;
  CommandSpec client;
  client.name = "client";
  client.arity = -2;
  client.flags = 0;
  client.first_key = client.last_key = client.key_step = 0;
  client.handler = nullptr;
  client.group = "connection";
  client.summary = "A container for client connection commands";
  client.since = "2.4.0";
  client.complexity = "Depends on subcommand.";
  client.subcommands = {
      Sub("id", 2, kBase, Id, "Returns the client ID for the current connection", "5.0.0", false),
      Sub("setname", 3, kBase, SetName, "Set the current connection name", "2.6.9", false),
      Sub("getname", 2, kBase, GetName, "Get the current connection name", "2.6.9", false),
      Sub("list", -2, kAdmin, List, "Get the list of client connections", "2.4.0", true),
      Sub("info", 2, kBase, Info, "Returns information about the current client connection.",
          "6.2.0", false),
      Sub("kill", -3, kAdmin, Kill, "Kill the connection of a client", "2.4.0", true),
      Sub("setinfo", 4, kBase, SetInfo, "Set client or connection specific info", "7.2.0", false),
      Sub("no-evict", 3, kAdmin, NoEvict, "Set client eviction mode for the current connection",
          "7.0.0", true),
      Sub("no-touch", 3, kBase, NoTouch,
          "Controls whether commands sent by the client will alter the LRU/LFU of the keys they "
          "access.",
          "7.2.0", false),
      Sub("reply", 3, kBase, Reply, "Instruct the server whether to reply to commands", "3.2.0",
          false),
      Sub("pause", -3, kAdmin, Pause, "Stop processing commands from clients for some time",
          "3.0.0", true),
      Sub("unpause", 2, kAdmin, Unpause, "Resume processing of clients that were paused", "6.2.0",
          true),
      Sub("getredir", 2, kBase, GetRedir, "Get tracking notifications redirection client ID if any",
          "6.0.0", false),
      Sub("trackinginfo", 2, kBase, TrackingInfo,
          "Return information about server assisted client side caching for the current "
          "connection",
          "6.2.0", false),
      Sub("unblock", -3, kAdmin, Unblock,
          "Unblock a client blocked in a blocking command from a different connection", "5.0.0",
          true),
      Sub("help", 2, kCmdLoading | kCmdStale, Help,
          "Show helpful text about the different subcommands", "5.0.0", false),
  };
  client.subcommands[3].tips = {"nondeterministic_output"};
  client.subcommands[4].tips = {"nondeterministic_output"};
  table->Register(std::move(client));
}

}  // namespace redrock::server
