// MULTI / EXEC / DISCARD / WATCH / UNWATCH.
//
// Queueing. Inside MULTI, dispatch hands every command except EXEC, DISCARD, MULTI, WATCH,
// QUIT and RESET to QueueIfInMulti, which answers +QUEUED. A command refused before it could
// be queued (unknown, wrong arity, no-multi, NOAUTH, subscribed context) flags the
// transaction, and EXEC then answers EXECABORT, as Redis does.
//
// EXEC. The keys of every queued command (each in its own db: a queued SELECT moves the
// later ones) and the watched keys are locked up front by one engine::Transaction, so every
// command's batch lands in one indexed batch that later commands read through, and one
// Commit() makes the whole group durable at once (all or nothing, also across a crash).
// Commands whose keys cannot be named from their arguments (scripts, SORT BY/GET...) make
// the transaction lock every stripe instead. Run-time errors of one command do not undo the
// others. Blocking commands see Client::in_exec() and do not block.
//
// Barriers. FLUSHDB, FLUSHALL, SWAPDB and DEBUG cannot join an indexed batch (range deletions,
// locks of every stripe, reopening the database). EXEC commits what precedes such a command,
// runs it on its own, and goes on in a new transaction: a transaction that contains one is
// atomic in each part, not as a whole. Transactions without them are fully atomic.
//
// WATCH. A watched key records the version of its slot in the engine's key lock table (see
// engine/key_locks.h) and the flush epoch; EXEC compares them while holding the keys' locks
// and fails (null reply) when any moved, or when a key with a TTL expired meanwhile. FLUSHDB
// and FLUSHALL change only the watched keys of the flushed db that existed, as in Redis: a
// watched key records its db's flush count and whether it existed. Writes,
// expiry and flushes are therefore never missed; an unrelated key sharing a slot, or a write
// command that ended up changing nothing, makes EXEC fail where Redis would run it (rare).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"

namespace redrock::server {

class Client;
class Server;
struct CommandSpec;

struct WatchedKey {
  int db = 0;
  std::string key;
  uint64_t version = 0;    // the key's slot version when WATCH ran
  uint64_t expire_ms = 0;  // its TTL then (0: none); expiring later fails the EXEC
  uint64_t flushes = 0;    // its db's flush count then (engine::KeyLocks::FlushCount)
  bool existed = false;    // whether it existed then: only then does a flush change it
};

// Per-client MULTI and WATCH state (the client's thread only).
struct MultiState {
  std::vector<protocol::Request> queued;
  bool failed = false;  // a command was refused while queuing: EXEC answers EXECABORT
  std::vector<WatchedKey> watched;
  uint64_t watch_epoch = 0;  // the key locks' epoch when the first key was watched
  bool hooks_installed = false;
};

// --- called by dispatch (server/dispatch.cc) ---
// Inside MULTI, queues the command and answers +QUEUED (or refuses a no-multi command),
// returning true; false when the command runs now.
bool QueueIfInMulti(Server& server, Client& client, const CommandSpec& spec,
                    const protocol::Request& args, protocol::ReplyWriter& w);
// A command was refused before it ran, its error written at out[mark...]: inside MULTI that
// flags the transaction; a refused EXEC discards it and its error becomes EXECABORT's reason.
void OnCommandRefused(Server& server, Client& client, const CommandSpec* spec,
                      const protocol::Request& args, std::string* out, size_t mark);

}  // namespace redrock::server
