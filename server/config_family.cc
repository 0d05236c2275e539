// CONFIG GET / SET / RESETSTAT / REWRITE / HELP over the Config registry.
#include <spdlog/spdlog.h>

#include "server/config.h"
#include "server/families.h"
#include "server/server.h"

namespace redrock::server {

namespace {

void ConfigGet(CommandContext& ctx) {
  std::vector<std::string_view> patterns(ctx.args.begin() + 2, ctx.args.end());
  auto pairs = ctx.server.config().Match(patterns);
  ctx.reply.MapHeader(pairs.size());
  for (const auto& [name, value] : pairs) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

void ConfigSet(CommandContext& ctx) {
  if ((ctx.args.size() - 2) % 2 != 0) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t i = 2; i + 1 < ctx.args.size(); i += 2) {
    pairs.emplace_back(ctx.args[i], ctx.args[i + 1]);
  }
  std::string error;
  if (!ctx.server.config().Set(pairs, &error)) {
    ctx.reply.Error(error);
    return;
  }
  ctx.reply.Ok();
}

void ConfigResetStat(CommandContext& ctx) {
  ctx.server.ResetStats();
  ctx.reply.Ok();
}

void ConfigRewrite(CommandContext& ctx) {
  std::string error;
  if (!ctx.server.config().Rewrite(&error)) {
    spdlog::warn("CONFIG REWRITE failed: {}", error);
    ctx.reply.Error(error);
    return;
  }
  spdlog::info("CONFIG REWRITE executed with success.");
  ctx.reply.Ok();
}

void ConfigHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply, ctx.args[0],
            {
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.",
            });
}

CommandSpec Sub(std::string name, int arity, uint32_t flags, CommandHandler handler,
                std::string summary, std::string complexity, bool admin) {
  CommandSpec s;
  s.name = std::move(name);
  s.arity = arity;
  s.flags = flags;
  s.first_key = 0;
  s.last_key = 0;
  s.key_step = 0;
  s.handler = handler;
  s.group = "server";
  s.summary = std::move(summary);
  s.since = "2.0.0";
  if (admin) s.acl_categories = {"@dangerous"};
  s.complexity = std::move(complexity);
  return s;
}

}  // namespace

void RegisterConfigCommands(CommandTable* table) {
  constexpr uint32_t kAdmin = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
  CommandSpec config;
  config.name = "config";
  config.arity = -2;
  config.flags = 0;
  config.first_key = config.last_key = config.key_step = 0;
  config.handler = nullptr;
  config.group = "server";
  config.summary = "A container for server configuration commands";
  config.since = "2.0.0";
  config.complexity = "Depends on subcommand.";
  CommandSpec set =
      Sub("set", -4, kAdmin, ConfigSet, "Set configuration parameters to the given values",
          "O(N) when N is the number of configuration parameters provided", true);
  set.tips = {"request_policy:all_nodes", "response_policy:all_succeeded"};
  config.subcommands = {
      Sub("get", -3, kAdmin, ConfigGet, "Get the values of configuration parameters",
          "O(N) when N is the number of configuration parameters provided", true),
      std::move(set),
      Sub("resetstat", 2, kAdmin, ConfigResetStat, "Reset the stats returned by INFO", "O(1)",
          true),
      Sub("rewrite", 2, kAdmin, ConfigRewrite,
          "Rewrite the configuration file with the in memory configuration", "O(1)", true),
      Sub("help", 2, kCmdLoading | kCmdStale, ConfigHelp,
          "Show helpful text about the different subcommands", "O(1)", false),
  };
  table->Register(std::move(config));
}

}  // namespace redrock::server
