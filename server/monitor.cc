// MONITOR: the monitor list, line formatting and the MONITOR command.
#include "server/monitor.h"

#include <sys/time.h>

#include <cctype>
#include <cstdio>

#include "engine/numbers.h"
#include "server/client.h"
#include "server/command.h"
#include "server/families.h"
#include "server/pubsub.h"
#include "server/server.h"

namespace redrock::server {

namespace {

// Redis's sdscatrepr: quoted, with C escapes for what is not printable.
void AppendRepr(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\\':
      case '"':
        out->push_back('\\');
        out->push_back(static_cast<char>(c));
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\a':
        out->append("\\a");
        break;
      case '\b':
        out->append("\\b");
        break;
      default:
        if (std::isprint(c)) {
          out->push_back(static_cast<char>(c));
        } else {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out->append(buf);
        }
    }
  }
  out->push_back('"');
}

// Which arguments Redis replaces with "(redacted)" before feeding monitors.
std::vector<bool> Redactions(const CommandSpec& spec, const protocol::Request& args) {
  std::vector<bool> redact(args.size(), false);
  if (spec.name == "auth" && args.size() <= 3) {
    for (size_t i = 1; i < args.size(); i++)
      redact[i] = true;
  } else if (spec.name == "hello" && args.size() >= 2) {
    // HELLO redacts AUTH's user and password as its option loop reaches them: an invalid
    // protocol version stops it before.
    int64_t ver;
    if (!ParseInt64(args[1], &ver) || ver < 2 || ver > 3) return redact;
    for (size_t j = 2; j < args.size(); j++) {
      const size_t more = args.size() - 1 - j;
      if (EqualsNoCase(args[j], "auth") && more >= 2) {
        redact[j + 1] = redact[j + 2] = true;
        j += 2;
      } else if (EqualsNoCase(args[j], "setname") && more >= 1) {
        j += 1;
      } else {
        break;
      }
    }
  } else if (spec.name == "migrate") {
    // MIGRATE redacts AUTH's password and AUTH2's user and password as its option loop
    // reaches them; KEYS or a syntax error ends the loop.
    for (size_t j = 6; j < args.size(); j++) {
      const size_t more = args.size() - 1 - j;
      if (EqualsNoCase(args[j], "copy") || EqualsNoCase(args[j], "replace")) continue;
      if (EqualsNoCase(args[j], "auth") && more >= 1) {
        redact[++j] = true;
      } else if (EqualsNoCase(args[j], "auth2") && more >= 2) {
        redact[j + 1] = redact[j + 2] = true;
        j += 2;
      } else {
        break;
      }
    }
  }
  return redact;
}

void MonitorCommand(CommandContext& ctx) {
  if (ctx.client.in_exec()) {
    ctx.reply.Error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (ctx.client.has_flag(kClientMonitor)) return;  // already monitoring: Redis stays silent
  ctx.server.monitors().Add(ctx.client);
  ctx.reply.Ok();
}

}  // namespace

std::string Monitors::FormatLine(int64_t now_us, int db, std::string_view origin,
                                 const CommandSpec& spec, const protocol::Request& args) {
  std::string line;
  char head[64];
  std::snprintf(head, sizeof(head), "%lld.%06lld [%d ", static_cast<long long>(now_us / 1000000),
                static_cast<long long>(now_us % 1000000), db);
  line += head;
  line += origin;
  line += "]";
  std::vector<bool> redact = Redactions(spec, args);
  for (size_t i = 0; i < args.size(); i++) {
    line += ' ';
    AppendRepr(&line, redact[i] ? std::string_view("(redacted)") : std::string_view(args[i]));
  }
  return line;
}

void Monitors::Add(Client& client) {
  std::shared_ptr<Subscriber> state = pubsub_->EnsureState(client);
  client.set_flag(kClientMonitor);
  {
    std::lock_guard<std::mutex> lock(mu_);
    monitors_.emplace_back(client.weak_from_this(), state);
    count_.store(static_cast<int>(monitors_.size()), std::memory_order_relaxed);
  }
  Client* c = &client;
  client.AddCloseHook([this, c]() { Remove(*c); });
  client.AddResetHook([this, c]() { Remove(*c); });
}

void Monitors::Remove(Client& client) {
  if (!client.has_flag(kClientMonitor)) return;
  client.clear_flag(kClientMonitor);
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < monitors_.size(); i++) {
    if (monitors_[i].second == client.subscriber()) {
      monitors_.erase(monitors_.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  count_.store(static_cast<int>(monitors_.size()), std::memory_order_relaxed);
}

void Monitors::Feed(const Client& client, const CommandSpec& spec, const protocol::Request& args) {
  if (spec.flags & (kCmdAdmin | kCmdSkipMonitor)) return;
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  const int64_t now_us = static_cast<int64_t>(tv.tv_sec) * 1000000 + tv.tv_usec;
  std::string text(1, '+');
  text += FormatLine(now_us, client.db(), client.addr(), spec, args);
  text += "\r\n";
  auto bytes = std::make_shared<const std::string>(std::move(text));
  std::vector<PubSub::Delivery> deliveries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [weak, state] : monitors_) {
      std::shared_ptr<Client> c = weak.lock();
      if (!c) continue;
      PubSub::Delivery d;
      d.subscriber = state;
      d.client = std::move(c);
      d.bytes = bytes;
      deliveries.push_back(std::move(d));
    }
  }
  pubsub_->Send(&deliveries);
}

void RegisterMonitorCommand(CommandTable* table) {
  CommandSpec s;
  s.name = "monitor";
  s.arity = 1;
  s.flags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  s.first_key = 0;
  s.last_key = 0;
  s.key_step = 0;
  s.handler = MonitorCommand;
  s.group = "server";
  s.summary = "Listen for all requests received by the server in real time";
  s.since = "1.0.0";
  s.acl_categories = {"@admin", "@slow", "@dangerous"};
  s.complexity = "";
  table->Register(std::move(s));
}

}  // namespace redrock::server
