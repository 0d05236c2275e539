// Keyspace notifications (notify-keyspace-events), with Redis 7.0's classes and channels.
//
// A command that changed a key calls, after the change succeeded:
//
//   NotifyKeyspaceEvent(ctx, kNotifyHash, "hset", key);          // in ctx's db
//   ctx.server.Notify(kNotifyGeneric, "move_to", dst_db, key);  // any db, any thread
//
// which publishes "__keyspace@<db>__:<key>" -> event (with K) and "__keyevent@<db>__:<event>"
// -> key (with E), when the event's class is enabled. The call costs one atomic load when
// notifications are off. Event names are Redis's: "set", "del", "expire", "rename_from",
// "hset", "lpush", "zadd"... ; "new" (class kNotifyNew) when a command created the key, and
// "del" (kNotifyGeneric) when a command emptied a collection and so removed it. Expiry
// ("expired", kNotifyExpired) is published by the server itself from the engine's hook.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace redrock::server {

class Server;
struct CommandContext;
struct CommandSpec;

enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1u << 0,  // K: __keyspace@<db>__ channels
  kNotifyKeyevent = 1u << 1,  // E: __keyevent@<db>__ channels
  kNotifyGeneric = 1u << 2,   // g: DEL, EXPIRE, RENAME...
  kNotifyString = 1u << 3,    // $
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h
  kNotifyZSet = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x
  kNotifyEvicted = 1u << 9,   // e
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m (not part of A)
  kNotifyModule = 1u << 13,   // d
  kNotifyNew = 1u << 14,      // n (not part of A)
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZSet | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// Parses a notify-keyspace-events value ("KEA", "Elg$"...) as Redis does; false on a
// character outside "Ag$lshzxeKEtmdn".
bool ParseNotifyFlags(std::string_view text, uint32_t* flags);

// Publishes an event about `key` in ctx's current db (see the file comment).
void NotifyKeyspaceEvent(CommandContext& ctx, uint32_t cls, std::string_view event,
                         std::string_view key);

// For "new" events: true when they are enabled and (db, key) does not exist now. Call it
// before a command that may create the key; publish "new" once the command succeeded. (A
// concurrent creation in between can make the event missing or spurious.)
bool KeyWouldBeNew(CommandContext& ctx, int db, std::string_view key);

// Whether `key` exists in ctx's db, looked up only while events of class `cls` are on
// (false otherwise): for commands whose events depend on the state before them.
bool KeyExistsIfNotifying(CommandContext& ctx, uint32_t cls, std::string_view key);

// Holds back the notifications published on this thread while it lives: EXEC publishes its
// commands' events only once their writes are committed, so a subscriber that reacts to an
// event finds the change in place. Publishes them when destroyed unless Drop() was called.
class DeferredNotifications {
 public:
  explicit DeferredNotifications(Server* server);
  ~DeferredNotifications();
  DeferredNotifications(const DeferredNotifications&) = delete;
  DeferredNotifications& operator=(const DeferredNotifications&) = delete;
  // Forgets what was held back (the writes were not committed).
  void Drop() { events_.clear(); }

 private:
  friend class Server;
  struct Event {
    uint32_t cls;
    std::string event;
    int db;
    std::string key;
  };
  Server* server_;
  std::vector<Event> events_;
  DeferredNotifications* previous_;
};

// Before `spec` runs: looks up each of its key arguments while "expired" events are on, so
// that keys found expired are removed and publish "expired" first, as Redis's lookups do
// (most engine operations treat an expired key as missing without removing it).
void ReapExpiredKeyArgs(CommandContext& ctx, const CommandSpec& spec);

// After a command removed elements of `key` (HDEL, SREM, LPOP...): publishes "del" when
// that emptied the key and so removed it, as Redis does.
void NotifyIfEmptied(CommandContext& ctx, std::string_view key);

}  // namespace redrock::server
