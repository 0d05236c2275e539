// SLOWLOG storage and command.
#include "server/slowlog.h"

#include <limits>

#include "engine/key_format.h"
#include "engine/numbers.h"
#include "server/arg_parse.h"
#include "server/client.h"
#include "server/command.h"
#include "server/families.h"
#include "server/server.h"

namespace redrock::server {

namespace {

constexpr size_t kMaxArgs = 32;
constexpr size_t kMaxArgBytes = 128;
constexpr char kRedacted[] = "(redacted)";

// Which arguments Redis 7.0 hides: all of AUTH's, the user and password after HELLO's AUTH,
// the password(s) after MIGRATE's AUTH / AUTH2.
std::vector<bool> Redactions(const CommandSpec& spec, const protocol::Request& args) {
  std::vector<bool> hide(args.size(), false);
  if (spec.name == "auth") {
    for (size_t i = 1; i < args.size(); i++)
      hide[i] = true;
  } else if (spec.name == "hello") {
    for (size_t i = 2; i < args.size(); i++) {
      if (EqualsNoCase(args[i], "auth") && i + 2 < args.size()) {
        hide[i + 1] = hide[i + 2] = true;
        i += 2;
      } else if (EqualsNoCase(args[i], "setname") && i + 1 < args.size()) {
        i++;
      }
    }
  } else if (spec.name == "migrate") {
    for (size_t i = 6; i < args.size(); i++) {
      if (EqualsNoCase(args[i], "auth") && i + 1 < args.size()) {
        hide[++i] = true;
      } else if (EqualsNoCase(args[i], "auth2") && i + 2 < args.size()) {
        hide[i + 1] = hide[i + 2] = true;
        i += 2;
      } else if (EqualsNoCase(args[i], "keys")) {
        break;
      }
    }
  }
  return hide;
}

}  // namespace

void SlowLog::Add(const Client& client, const CommandSpec& spec, const protocol::Request& args,
                  double micros) {
  const int64_t threshold = threshold_us_.load(std::memory_order_relaxed);
  if (threshold < 0 || micros < static_cast<double>(threshold)) return;
  Entry e;
  e.unix_time = static_cast<int64_t>(engine::NowMs() / 1000);
  e.micros = static_cast<int64_t>(micros);
  const std::vector<bool> hide = Redactions(spec, args);
  const size_t n = std::min(args.size(), kMaxArgs);
  for (size_t i = 0; i < n; i++) {
    if (n != args.size() && i == n - 1) {
      e.args.push_back("... (" + std::to_string(args.size() - n + 1) + " more arguments)");
    } else if (hide[i]) {
      e.args.emplace_back(kRedacted);
    } else if (args[i].size() > kMaxArgBytes) {
      e.args.push_back(args[i].substr(0, kMaxArgBytes) + "... (" +
                       std::to_string(args[i].size() - kMaxArgBytes) + " more bytes)");
    } else {
      e.args.push_back(args[i]);
    }
  }
  e.addr = client.addr();
  e.name = client.name();
  std::lock_guard<std::mutex> lock(mu_);
  e.id = next_id_++;
  entries_.push_front(std::move(e));
  const auto max_len = static_cast<size_t>(std::max<int64_t>(max_len_.load(), 0));
  while (entries_.size() > max_len)
    entries_.pop_back();
}

std::vector<SlowLog::Entry> SlowLog::Get(int64_t count) const {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t n =
      count < 0 ? entries_.size() : std::min(entries_.size(), static_cast<size_t>(count));
  return std::vector<Entry>(entries_.begin(), entries_.begin() + static_cast<ptrdiff_t>(n));
}

size_t SlowLog::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

void SlowLog::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

namespace {

void SlowLogGet(CommandContext& ctx) {
  if (ctx.args.size() > 3) {
    return ctx.reply.Error("ERR unknown subcommand or wrong number of arguments for '" +
                           ctx.args[1] + "'. Try SLOWLOG HELP.");
  }
  int64_t count = 10;
  if (ctx.args.size() == 3 && (!ParseInt64(ctx.args[2], &count) || count < -1)) {
    return ctx.reply.Error("ERR count should be greater than or equal to -1");
  }
  const std::vector<SlowLog::Entry> entries = ctx.server.slowlog().Get(count);
  ctx.reply.ArrayHeader(entries.size());
  for (const SlowLog::Entry& e : entries) {
    ctx.reply.ArrayHeader(6);
    ctx.reply.Integer(e.id);
    ctx.reply.Integer(e.unix_time);
    ctx.reply.Integer(e.micros);
    ctx.reply.ArrayHeader(e.args.size());
    for (const std::string& a : e.args)
      ctx.reply.Bulk(a);
    ctx.reply.Bulk(e.addr);
    ctx.reply.Bulk(e.name);
  }
}

void SlowLogLen(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.slowlog().size()));
}

void SlowLogReset(CommandContext& ctx) {
  ctx.server.slowlog().Reset();
  ctx.reply.Ok();
}

void SlowLogHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply, "SLOWLOG",
            {"GET [<count>]",
             "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
             "    Entries are made of:",
             "    id, timestamp, time in microseconds, arguments array, client IP and port,",
             "    client name", "LEN", "    Return the length of the slowlog.", "RESET",
             "    Reset the slowlog."});
}

CommandSpec Sub(std::string name, int arity, CommandHandler handler, std::string summary,
                std::string complexity, std::vector<std::string> tips) {
  CommandSpec s;
  s.name = "slowlog|" + name;
  s.arity = arity;
  s.flags = kCmdAdmin | kCmdLoading | kCmdStale;
  s.first_key = s.last_key = s.key_step = 0;
  s.handler = handler;
  s.group = "server";
  s.summary = std::move(summary);
  s.since = "2.2.12";
  s.acl_categories = {"@admin", "@slow", "@dangerous"};
  s.complexity = std::move(complexity);
  s.tips = std::move(tips);
  return s;
}

}  // namespace

void RegisterSlowLogCommand(CommandTable* table) {
  CommandSpec slowlog;
  slowlog.name = "slowlog";
  slowlog.arity = -2;
  slowlog.flags = 0;
  slowlog.first_key = slowlog.last_key = slowlog.key_step = 0;
  slowlog.handler = nullptr;
  slowlog.group = "server";
  slowlog.summary = "A container for slow log commands";
  slowlog.since = "2.2.12";
  slowlog.acl_categories = {"@slow"};
  slowlog.complexity = "Depends on subcommand.";
  slowlog.subcommands = {
      Sub("get", -2, SlowLogGet, "Get the slow log's entries",
          "O(N) where N is the number of entries returned",
          {"request_policy:all_nodes", "nondeterministic_output"}),
      Sub("len", 2, SlowLogLen, "Get the slow log's length", "O(1)",
          {"request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"}),
      Sub("reset", 2, SlowLogReset, "Clear all entries from the slow log",
          "O(N) where N is the number of entries in the slowlog",
          {"request_policy:all_nodes", "response_policy:all_succeeded"}),
  };
  CommandSpec help =
      Sub("help", 2, SlowLogHelp, "Show helpful text about the different subcommands", "O(1)", {});
  help.flags = kCmdLoading | kCmdStale;
  help.acl_categories = {"@slow"};
  slowlog.subcommands.push_back(std::move(help));
  table->Register(std::move(slowlog));
}

}  // namespace redrock::server
