// Keyspace notifications: flag parsing and publishing.
#include "server/notify.h"

#include "engine/keyspace.h"
#include "server/command.h"
#include "server/pubsub.h"
#include "server/server.h"

namespace redrock::server {

namespace {
thread_local DeferredNotifications* t_deferred = nullptr;
}  // namespace

DeferredNotifications::DeferredNotifications(Server* server)
    : server_(server), previous_(t_deferred) {
  t_deferred = this;
}

DeferredNotifications::~DeferredNotifications() {
  t_deferred = previous_;
  for (const Event& e : events_)
    server_->Notify(e.cls, e.event, e.db, e.key);
}

bool ParseNotifyFlags(std::string_view text, uint32_t* flags) {
  uint32_t f = 0;
  for (char c : text) {
    switch (c) {
      case 'A':
        f |= kNotifyAll;
        break;
      case 'g':
        f |= kNotifyGeneric;
        break;
      case '$':
        f |= kNotifyString;
        break;
      case 'l':
        f |= kNotifyList;
        break;
      case 's':
        f |= kNotifySet;
        break;
      case 'h':
        f |= kNotifyHash;
        break;
      case 'z':
        f |= kNotifyZSet;
        break;
      case 'x':
        f |= kNotifyExpired;
        break;
      case 'e':
        f |= kNotifyEvicted;
        break;
      case 'K':
        f |= kNotifyKeyspace;
        break;
      case 'E':
        f |= kNotifyKeyevent;
        break;
      case 't':
        f |= kNotifyStream;
        break;
      case 'm':
        f |= kNotifyKeyMiss;
        break;
      case 'd':
        f |= kNotifyModule;
        break;
      case 'n':
        f |= kNotifyNew;
        break;
      default:
        return false;
    }
  }
  *flags = f;
  return true;
}

void NotifyKeyspaceEvent(CommandContext& ctx, uint32_t cls, std::string_view event,
                         std::string_view key) {
  ctx.server.Notify(cls, event, ctx.db, key);
}

bool KeyWouldBeNew(CommandContext& ctx, int db, std::string_view key) {
  if (!ctx.server.notify_enabled(kNotifyNew)) return false;
  engine::MetaRecord meta;
  return engine::Keyspace(&ctx.engine).GetLive(db, key, &meta).IsNotFound();
}

bool KeyExistsIfNotifying(CommandContext& ctx, uint32_t cls, std::string_view key) {
  if (!ctx.server.notify_enabled(cls)) return false;
  engine::MetaRecord meta;
  return engine::Keyspace(&ctx.engine).GetLive(ctx.db, key, &meta).ok();
}

void ReapExpiredKeyArgs(CommandContext& ctx, const CommandSpec& spec) {
  // Shard channels are not keys.
  if (!ctx.server.notify_enabled(kNotifyExpired) || (spec.flags & kCmdPubSub)) return;
  engine::Keyspace keyspace(&ctx.engine);
  engine::MetaRecord meta;
  for (size_t pos : CommandTable::KeyPositions(spec, ctx.args))
    keyspace.GetLive(ctx.db, ctx.args[pos], &meta);
}

void NotifyIfEmptied(CommandContext& ctx, std::string_view key) {
  if (!ctx.server.notify_enabled(kNotifyGeneric)) return;
  engine::MetaRecord meta;
  if (engine::Keyspace(&ctx.engine).GetLive(ctx.db, key, &meta).IsNotFound()) {
    ctx.server.Notify(kNotifyGeneric, "del", ctx.db, key);
  }
}

void Server::Notify(uint32_t cls, std::string_view event, int db, std::string_view key) {
  const uint32_t flags = notify_flags_.load(std::memory_order_relaxed);
  if ((flags & cls) == 0) return;
  if (t_deferred != nullptr) {
    t_deferred->events_.push_back({cls, std::string(event), db, std::string(key)});
    return;
  }
  const std::string db_text = std::to_string(db);
  if (flags & kNotifyKeyspace) {
    std::string channel = "__keyspace@" + db_text + "__:";
    channel += key;
    pubsub_->Publish(channel, event);
  }
  if (flags & kNotifyKeyevent) {
    std::string channel = "__keyevent@" + db_text + "__:";
    channel += event;
    pubsub_->Publish(channel, key);
  }
}

void Server::SetNotifyFlags(std::string_view config_value) {
  uint32_t flags = 0;
  ParseNotifyFlags(config_value, &flags);
  // Without K or E nothing would be published: keep the fast path of Notify.
  if ((flags & (kNotifyKeyspace | kNotifyKeyevent)) == 0) flags = 0;
  notify_flags_.store(flags, std::memory_order_relaxed);
}

}  // namespace redrock::server
