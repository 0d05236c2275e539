// Pub/sub commands: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE,
// PUBLISH, SPUBLISH, PUBSUB and its subcommands (MONITOR is registered from here too).
#include <string>
#include <vector>

#include "server/client.h"
#include "server/command.h"
#include "server/families.h"
#include "server/monitor.h"
#include "server/pubsub.h"
#include "server/server.h"

namespace redrock::server {

namespace {

using Kind = PubSub::Kind;

const char* SubscribeVerb(Kind kind) {
  return kind == Kind::kChannel   ? "subscribe"
         : kind == Kind::kPattern ? "psubscribe"
                                  : "ssubscribe";
}

const char* UnsubscribeVerb(Kind kind) {
  return kind == Kind::kChannel   ? "unsubscribe"
         : kind == Kind::kPattern ? "punsubscribe"
                                  : "sunsubscribe";
}

// One confirmation: [verb, name or nil, subscription count], a push message in RESP3.
void Confirm(CommandContext& ctx, const char* verb, const std::string* name, Kind kind) {
  ctx.reply.PushHeader(3);
  ctx.reply.Bulk(verb);
  if (name != nullptr) {
    ctx.reply.Bulk(*name);
  } else {
    ctx.reply.Null();
  }
  ctx.reply.Integer(ctx.server.pubsub().SubscriptionCount(ctx.client, kind));
}

void SubscribeGeneric(CommandContext& ctx, Kind kind) {
  PubSub& ps = ctx.server.pubsub();
  for (size_t i = 1; i < ctx.args.size(); i++) {
    ps.Subscribe(ctx.client, kind, ctx.args[i]);
    Confirm(ctx, SubscribeVerb(kind), &ctx.args[i], kind);
  }
}

void UnsubscribeGeneric(CommandContext& ctx, Kind kind) {
  PubSub& ps = ctx.server.pubsub();
  if (ctx.args.size() > 1) {
    for (size_t i = 1; i < ctx.args.size(); i++) {
      ps.Unsubscribe(ctx.client, kind, ctx.args[i]);
      Confirm(ctx, UnsubscribeVerb(kind), &ctx.args[i], kind);
    }
    return;
  }
  std::vector<std::string> all = ps.Subscriptions(ctx.client, kind);
  if (all.empty()) {
    Confirm(ctx, UnsubscribeVerb(kind), nullptr, kind);
    return;
  }
  for (const std::string& name : all) {
    ps.Unsubscribe(ctx.client, kind, name);
    Confirm(ctx, UnsubscribeVerb(kind), &name, kind);
  }
}

void SubscribeCommand(CommandContext& ctx) {
  SubscribeGeneric(ctx, Kind::kChannel);
}
void PSubscribeCommand(CommandContext& ctx) {
  SubscribeGeneric(ctx, Kind::kPattern);
}
void SSubscribeCommand(CommandContext& ctx) {
  SubscribeGeneric(ctx, Kind::kShard);
}
void UnsubscribeCommand(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, Kind::kChannel);
}
void PUnsubscribeCommand(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, Kind::kPattern);
}
void SUnsubscribeCommand(CommandContext& ctx) {
  UnsubscribeGeneric(ctx, Kind::kShard);
}

void PublishCommand(CommandContext& ctx) {
  ctx.reply.Integer(ctx.server.pubsub().Publish(ctx.args[1], ctx.args[2]));
}

void SPublishCommand(CommandContext& ctx) {
  ctx.reply.Integer(ctx.server.pubsub().Publish(ctx.args[1], ctx.args[2], /*shard=*/true));
}

void PubSubChannels(CommandContext& ctx, bool shard) {
  const std::string pattern = ctx.args.size() > 2 ? ctx.args[2] : "*";
  ctx.reply.BulkArray(ctx.server.pubsub().Channels(pattern, shard));
}

void PubSubNumSub(CommandContext& ctx, bool shard) {
  ctx.reply.ArrayHeader((ctx.args.size() - 2) * 2);
  for (size_t i = 2; i < ctx.args.size(); i++) {
    ctx.reply.Bulk(ctx.args[i]);
    ctx.reply.Integer(ctx.server.pubsub().NumSub(ctx.args[i], shard));
  }
}

void PubSubChannelsCommand(CommandContext& ctx) {
  PubSubChannels(ctx, false);
}
void PubSubShardChannelsCommand(CommandContext& ctx) {
  PubSubChannels(ctx, true);
}
void PubSubNumSubCommand(CommandContext& ctx) {
  PubSubNumSub(ctx, false);
}
void PubSubShardNumSubCommand(CommandContext& ctx) {
  PubSubNumSub(ctx, true);
}
void PubSubNumPatCommand(CommandContext& ctx) {
  ctx.reply.Integer(ctx.server.pubsub().NumPat());
}

void PubSubHelpCommand(CommandContext& ctx) {
  ReplyHelp(ctx.reply, "pubsub",
            {
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "SHARDCHANNELS [<pattern>]",
                "    Return the currently active shard level channels matching a <pattern> "
                "(default: '*').",
                "SHARDNUMSUB [<shardchannel> ...]",
                "    Return the number of subscribers for the specified shard level channel(s)",
            });
}

CommandSpec Spec(std::string name, int arity, uint32_t flags, int first, int last,
                 CommandHandler handler, std::string summary, std::string since,
                 std::vector<std::string> acl, std::string complexity) {
  return MakeCommandSpec(std::move(name), arity, flags, {first, last, first > 0 ? 1 : 0}, handler,
                         "pubsub", std::move(summary), std::move(since), std::move(acl),
                         std::move(complexity));
}

}  // namespace

bool AllowedInSubscribedContext(const Client& client, const CommandSpec& spec,
                                protocol::ReplyWriter& w) {
  if (!client.has_flag(kClientPubSub) || client.resp() != 2) return true;
  const std::string& n = spec.name;
  if (n == "ping" || n == "subscribe" || n == "ssubscribe" || n == "unsubscribe" ||
      n == "sunsubscribe" || n == "psubscribe" || n == "punsubscribe" || n == "quit" ||
      n == "reset") {
    return true;
  }
  w.Error("ERR Can't execute '" + n +
          "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this "
          "context");
  return false;
}

void RegisterPubSubCommands(CommandTable* table) {
  constexpr uint32_t kSub = kCmdPubSub | kCmdNoScript | kCmdLoading | kCmdStale;
  const std::vector<std::string> acl = {"@pubsub", "@slow"};
  table->Register(Spec("subscribe", -2, kSub, 0, 0, SubscribeCommand,
                       "Listen for messages published to the given channels", "2.0.0", acl,
                       "O(N) where N is the number of channels to subscribe to."));
  table->Register(Spec("unsubscribe", -1, kSub, 0, 0, UnsubscribeCommand,
                       "Stop listening for messages posted to the given channels", "2.0.0", acl,
                       "O(N) where N is the number of clients already subscribed to a channel."));
  table->Register(Spec("psubscribe", -2, kSub, 0, 0, PSubscribeCommand,
                       "Listen for messages published to channels matching the given patterns",
                       "2.0.0", acl,
                       "O(N) where N is the number of patterns the client is already "
                       "subscribed to."));
  table->Register(Spec("punsubscribe", -1, kSub, 0, 0, PUnsubscribeCommand,
                       "Stop listening for messages posted to channels matching the given "
                       "patterns",
                       "2.0.0", acl,
                       "O(N+M) where N is the number of patterns the client is already subscribed "
                       "and M is the number of total patterns subscribed in the system (by any "
                       "client)."));
  table->Register(Spec("ssubscribe", -2, kSub | kCmdNoTouch, 1, -1, SSubscribeCommand,
                       "Listen for messages published to the given shard channels", "7.0.0", acl,
                       "O(N) where N is the number of shard channels to subscribe to."));
  table->Register(Spec("sunsubscribe", -1, kSub | kCmdNoTouch, 1, -1, SUnsubscribeCommand,
                       "Stop listening for messages posted to the given shard channels", "7.0.0",
                       acl,
                       "O(N) where N is the number of clients already subscribed to a shard "
                       "channel."));
  table->Register(Spec("publish", 3, kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast, 0, 0,
                       PublishCommand, "Post a message to a channel", "2.0.0", {"@pubsub", "@fast"},
                       "O(N+M) where N is the number of clients subscribed to the receiving "
                       "channel and M is the total number of subscribed patterns (by any "
                       "client)."));
  table->Register(Spec("spublish", 3, kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast | kCmdNoTouch,
                       1, 1, SPublishCommand, "Post a message to a shard channel", "7.0.0",
                       {"@pubsub", "@fast"},
                       "O(N) where N is the number of clients subscribed to the receiving shard "
                       "channel."));

  constexpr uint32_t kIntro = kCmdPubSub | kCmdLoading | kCmdStale;
  CommandSpec pubsub = Spec("pubsub", -2, 0, 0, 0, nullptr, "A container for Pub/Sub commands",
                            "2.8.0", {"@slow"}, "Depends on subcommand.");
  pubsub.subcommands = {
      Spec("channels", -2, kIntro, 0, 0, PubSubChannelsCommand, "List active channels", "2.8.0",
           acl,
           "O(N) where N is the number of active channels, and assuming constant "
           "time pattern matching (relatively short channels and patterns)"),
      Spec("numsub", -2, kIntro, 0, 0, PubSubNumSubCommand,
           "Get the count of subscribers for channels", "2.8.0", acl,
           "O(N) for the NUMSUB subcommand, where N is the number of requested channels"),
      Spec("numpat", 2, kIntro, 0, 0, PubSubNumPatCommand,
           "Get the count of unique patterns "
           "pattern subscriptions",
           "2.8.0", acl, "O(1)"),
      Spec("shardchannels", -2, kIntro, 0, 0, PubSubShardChannelsCommand,
           "List active shard channels", "7.0.0", acl,
           "O(N) where N is the number of active shard channels, and assuming constant time "
           "pattern matching (relatively short shard channels)."),
      Spec("shardnumsub", -2, kIntro, 0, 0, PubSubShardNumSubCommand,
           "Get the count of subscribers for shard channels", "7.0.0", acl,
           "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
           "channels"),
      Spec("help", 2, kCmdLoading | kCmdStale, 0, 0, PubSubHelpCommand,
           "Show helpful text "
           "about the different subcommands",
           "6.2.0", {"@slow"}, "O(1)"),
  };
  table->Register(std::move(pubsub));
  RegisterMonitorCommand(table);
}

}  // namespace redrock::server
