// Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP):
// a client whose keys are all empty is parked on (db, keys) until a writer signals one of
// them, its timeout passes, CLIENT UNBLOCK, or it disconnects.
//
// A blocking command hands Serve() an `attempt`: the non-blocking form of the command (pop
// and reply), returning false when every key was empty and nothing was written:
//
//   int64_t timeout_ms;
//   if (!ParseBlockTimeout(ctx, ctx.args.size() - 1, &timeout_ms)) return;
//   BlockSpec spec{{keys...}, timeout_ms};
//   ctx.server.blocking().Serve(ctx, std::move(spec), [](CommandContext& c, bool woken) {
//     ... pop from the first non-empty key of c.args in c.db, reply, return true;
//     ... WRONGTYPE and other errors are replies too: return true;
//     ... but when `woken`, a waited-on key of another type counts as empty;
//     return false;  // all empty: nothing written
//   });
//
// `woken` is false only on the command's own first run. Every later run re-checks the keys
// for a client that is (or is about to be) blocked, and Redis keeps such a client blocked
// when one of its keys now holds another type (a SET or SADD on it): the attempt must treat
// that key as empty then rather than answer WRONGTYPE. Errors that do not come from a
// waited-on key still end the block (BLMOVE's destination of another type: WRONGTYPE once
// the source has an element, as in Redis).
//
// Serve() runs the attempt at once. When it finds nothing the client parks (Client::Park);
// the attempt then runs again on the client's own io thread (never on the writer's) each
// time a key it waits on is signaled, and whatever it replies goes to the client, which
// then resumes with its next request. The attempt must capture nothing that dies with the
// request: it gets a fresh CommandContext (saved args and db) on each run.
//
// Writers: after committing a write that may have given elements to a list or sorted-set
// key (LPUSH, ZADD, LMOVE's destination, RENAME/COPY/MOVE/RESTORE destinations...), call
// ctx.server.blocking().Signal(db, key). With nobody blocked that is one atomic load.
//
// Fairness: the clients blocked on a key form a FIFO queue. A signal wakes only the oldest
// one; once it has been served, timed out, unblocked or disconnected, the signal passes on
// to the next, which re-checks the key (another client may have emptied it meanwhile; then
// it stays parked, in its place). So an element pushed while clients wait is never lost:
// it goes to the next waiter or stays in the list.
//
// MULTI/EXEC: a blocking command that cannot block behaves as its non-blocking form, and
// an empty result is answered as a timeout, as in Redis. MayBlock() is the one hook: it is
// false while Client::in_exec() (EXEC running the queued commands) or kClientMulti is set;
// scripts, once they exist, should set one of them too.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "server/command.h"

namespace redrock::server {

class Server;

// What a blocking command waits for.
struct BlockSpec {
  std::vector<std::string> keys;  // in the client's db; order = the command's key order
  int64_t timeout_ms = 0;         // relative, 0 = forever (from ParseBlockTimeout)
  // Reply when the client may not block and the attempt found nothing: Redis answers a
  // null array, except BLMOVE/BRPOPLPUSH inside MULTI which answer a null bulk.
  bool null_bulk_when_denied = false;
};

// Parses a blocking command's timeout as Redis 7.0 does (seconds, fractional allowed,
// rounded up to whole milliseconds; 0 = forever). Errors: "ERR timeout is not a float or
// out of range", "ERR timeout is negative". On error replies and returns false.
bool ParseBlockTimeout(CommandContext& ctx, size_t index, int64_t* timeout_ms);

class Blocking {
 public:
  // The non-blocking form of a blocking command; see the file comment for `woken`.
  using Attempt = std::function<bool(CommandContext& ctx, bool woken)>;

  explicit Blocking(Server* server);
  ~Blocking();
  Blocking(const Blocking&) = delete;
  Blocking& operator=(const Blocking&) = delete;

  // Runs `attempt` for ctx; when it finds nothing, parks ctx.client on spec.keys (or,
  // when the client may not block, replies a timeout). Call from a command handler.
  void Serve(CommandContext& ctx, BlockSpec spec, Attempt attempt);

  // A write committed on (db, key) may have given it elements: wakes the oldest client
  // blocked on it. Any thread; cheap when nobody is blocked.
  void Signal(int db, std::string_view key);

  // CLIENT UNBLOCK: ends the block of client `id` as a timeout, or with "-UNBLOCKED ..."
  // when `with_error`. False when that client is not blocked by a blocking command.
  bool Unblock(uint64_t id, bool with_error);

  // Clients currently parked by blocking commands (not CLIENT PAUSE).
  size_t blocked() const;

  // False when the client must not block (inside MULTI/EXEC): see the file comment.
  static bool MayBlock(const CommandContext& ctx);

 private:
  struct Waiter;
  using WaiterPtr = std::shared_ptr<Waiter>;

  // Reason a block ends without the attempt serving it.
  enum class End { kTimeout, kUnblockTimeout, kUnblockError, kClosed };

  // On the client's thread: runs the attempt again after a signal.
  void OnWake(const WaiterPtr& w);
  // On the client's thread: ends the block for `why` and replies accordingly.
  void OnEnd(const WaiterPtr& w, End why);
  // Removes w from every queue (mu_ held); returns the keys signaled to it and not yet
  // passed on, which the caller signals again once mu_ is released.
  std::vector<std::string> Detach(const WaiterPtr& w);
  // Signals each of `keys` (encoded queue keys) again.
  void Forward(const std::vector<std::string>& keys);
  void SignalQueueKey(const std::string& qkey);
  // Runs w's attempt on its client; true when it replied.
  bool RunAttempt(const WaiterPtr& w);
  // Makes sure a disconnect of `client` ends its block (one close hook per client).
  void HookClose(Client& client);

  Server* server_;
  mutable std::mutex mu_;
  std::atomic<int64_t> waiting_{0};  // registered waiters; Signal's fast path
  // "[db:2][key]" -> waiters, oldest first.
  std::unordered_map<std::string, std::list<WaiterPtr>> queues_;
  std::unordered_map<uint64_t, WaiterPtr> by_client_;  // client id -> its active waiter
  std::unordered_set<uint64_t> hooked_;                // clients with our close hook
};

}  // namespace redrock::server
