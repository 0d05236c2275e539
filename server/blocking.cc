// Blocking commands: waiter queues per key, wake-ups posted to the waiter's own io thread,
// timeouts on that thread's timers.
//
// Thread rules: queues_, by_client_, hooked_ and every Waiter field but `timer` are guarded
// by mu_ and touched from any thread (writers signal from theirs). A Waiter's timer, its
// attempt and its client's output are touched only on the client's io thread, where every
// path that ends a block runs (wake, timeout, CLIENT UNBLOCK and disconnect are all posted
// or hooked there).
#include "server/blocking.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <spdlog/spdlog.h>
#include <asio.hpp>

#include "engine/coding.h"
#include "engine/numbers.h"
#include "server/arg_parse.h"
#include "server/client.h"
#include "server/server.h"

namespace redrock::server {

namespace {

// Timeouts longer than this (about 30 years) never fire: treated as forever, which also
// keeps the steady_clock arithmetic far from overflow.
constexpr int64_t kMaxTimerMs = 1'000'000'000'000LL;

std::string QueueKey(int db, std::string_view key) {
  std::string out;
  out.reserve(2 + key.size());
  PutFixed16(&out, static_cast<uint16_t>(db));
  out.append(key);
  return out;
}

}  // namespace

bool ParseBlockTimeout(CommandContext& ctx, size_t index, int64_t* timeout_ms) {
  long double seconds;
  if (index >= ctx.args.size() || !ParseLongDouble(ctx.args[index], &seconds)) {
    ctx.reply.Error("ERR timeout is not a float or out of range");
    return false;
  }
  // Redis 7.0: tval = (long long)ceill(seconds * 1000). A value out of the long long range
  // (including inf) converts to LLONG_MIN on x86 and is then reported as negative.
  long double ms = std::ceil(seconds * 1000.0L);
  int64_t tval = std::numeric_limits<int64_t>::min();
  if (ms > -9.2233720368547758e18L && ms < 9.2233720368547758e18L) {
    tval = static_cast<int64_t>(ms);
  }
  if (tval < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return false;
  }
  *timeout_ms = tval;
  return true;
}

struct Blocking::Waiter {
  std::weak_ptr<Client> client;
  uint64_t client_id = 0;
  int db = 0;
  protocol::Request args;  // the blocking command, re-run by `attempt`
  Attempt attempt;
  // Queue key -> this waiter's place in that queue.
  std::vector<std::pair<std::string, std::list<WaiterPtr>::iterator>> slots;
  std::vector<std::string> signaled;          // queue keys signaled to it and not yet passed on
  bool wake_posted = false;                   // an OnWake is on its way to the client's thread
  bool done = false;                          // no longer in any queue
  std::unique_ptr<asio::steady_timer> timer;  // client's thread only
};

Blocking::Blocking(Server* server) : server_(server) {}

Blocking::~Blocking() = default;

bool Blocking::MayBlock(const CommandContext& ctx) {
  // The MULTI/EXEC hook: EXEC runs the queued commands with in_exec() set.
  return !ctx.client.in_exec() && !ctx.client.has_flag(kClientMulti);
}

size_t Blocking::blocked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_client_.size();
}

void Blocking::Serve(CommandContext& ctx, BlockSpec spec, Attempt attempt) {
  if (attempt(ctx, false)) return;
  if (!MayBlock(ctx)) {
    if (spec.null_bulk_when_denied) {
      ctx.reply.Null();
    } else {
      ctx.reply.NullArray();
    }
    return;
  }
  auto w = std::make_shared<Waiter>();
  w->client = ctx.client.weak_from_this();
  w->client_id = ctx.client.id();
  w->db = ctx.db;
  w->args = ctx.args;
  w->attempt = std::move(attempt);
  {
    std::unordered_set<std::string_view> seen;
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& key : spec.keys) {
      if (!seen.insert(key).second) continue;  // BLPOP k k 0 waits once on k
      std::string qkey = QueueKey(ctx.db, key);
      auto& queue = queues_[qkey];
      queue.push_back(w);
      w->slots.emplace_back(std::move(qkey), std::prev(queue.end()));
    }
    by_client_[w->client_id] = w;
    waiting_.fetch_add(1);  // seq_cst: pairs with the load in Signal (see below)
  }
  // A push committed between the first attempt and the registration signaled nobody:
  // look once more now that any later push will find us. The client is blocked as far as
  // Redis's semantics go, so this is a woken run.
  if (w->attempt(ctx, true)) {
    std::vector<std::string> forward;
    {
      std::lock_guard<std::mutex> lock(mu_);
      forward = Detach(w);
    }
    Forward(forward);
    return;
  }
  HookClose(ctx.client);
  if (spec.timeout_ms > 0 && spec.timeout_ms < kMaxTimerMs) {
    w->timer = std::make_unique<asio::steady_timer>(ctx.client.io_context());
    w->timer->expires_after(std::chrono::milliseconds(spec.timeout_ms));
    w->timer->async_wait([this, w](const asio::error_code& ec) {
      if (!ec) OnEnd(w, End::kTimeout);
    });
  }
  ctx.client.Park();
}

void Blocking::Signal(int db, std::string_view key) {
  // No lost wake-up without a fence: the writer calls this after a write made under the
  // key's lock, and Serve registers before an attempt that takes the same lock. Either the
  // attempt's lock follows the writer's (it sees the elements) or the writer's follows it
  // (and this load sees the registration).
  if (waiting_.load() == 0) return;
  SignalQueueKey(QueueKey(db, key));
}

void Blocking::SignalQueueKey(const std::string& qkey) {
  WaiterPtr w;
  std::shared_ptr<Client> client;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = queues_.find(qkey);
    if (it == queues_.end() || it->second.empty()) return;
    w = it->second.front();  // FIFO: only the oldest waiter hears the signal
    if (std::find(w->signaled.begin(), w->signaled.end(), qkey) == w->signaled.end()) {
      w->signaled.push_back(qkey);
    }
    if (w->wake_posted) return;  // it will pass the signal on once served
    client = w->client.lock();
    if (!client) return;  // destroyed: its close hook has removed (or is removing) it
    w->wake_posted = true;
  }
  client->Post([this, w]() { OnWake(w); });
}

void Blocking::Forward(const std::vector<std::string>& keys) {
  for (const std::string& qkey : keys)
    SignalQueueKey(qkey);
}

std::vector<std::string> Blocking::Detach(const WaiterPtr& w) {
  if (w->done) return {};
  w->done = true;
  for (auto& [qkey, pos] : w->slots) {
    auto it = queues_.find(qkey);
    if (it == queues_.end()) continue;
    it->second.erase(pos);
    if (it->second.empty()) queues_.erase(it);
  }
  w->slots.clear();
  auto it = by_client_.find(w->client_id);
  if (it != by_client_.end() && it->second == w) by_client_.erase(it);
  waiting_.fetch_sub(1);
  return std::move(w->signaled);
}

bool Blocking::RunAttempt(const WaiterPtr& w) {
  std::shared_ptr<Client> client = w->client.lock();
  if (!client || client->closed()) return false;
  Client& c = *client;
  std::string& out = c.output();
  const size_t mark = out.size();
  bool served = false;
  server_->gate().lock_shared();
  try {
    CommandContext ctx{*server_, c, w->args, c.writer(), server_->engine(), w->db};
    served = w->attempt(ctx, true);
  } catch (const std::exception& e) {
    spdlog::error("blocked command '{}' threw: {}", w->args.empty() ? "" : w->args[0], e.what());
    c.writer().Error(std::string("ERR internal error: ") + e.what());
    served = true;
  }
  server_->gate().unlock_shared();
  if (served && out.size() > mark) {
    if (out[mark] == '-') {
      server_->CountError(
          std::string_view(out).substr(mark, std::min<size_t>(out.size() - mark, 64)));
    }
    if (c.has_flag(kClientReplyOff)) out.resize(mark);
  }
  return served;
}

void Blocking::OnWake(const WaiterPtr& w) {
  std::vector<std::string> consumed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (w->done) return;
    w->wake_posted = false;
    consumed = std::move(w->signaled);
    w->signaled.clear();
  }
  std::shared_ptr<Client> client = w->client.lock();
  if (!client || client->closed()) {
    OnEnd(w, End::kClosed);
    Forward(consumed);
    return;
  }
  // Every key it waits on was empty for it, so for its successors too: the signals it
  // consumed die here and it keeps its place in the queues.
  if (!RunAttempt(w)) return;
  std::vector<std::string> forward;
  {
    std::lock_guard<std::mutex> lock(mu_);
    forward = Detach(w);
  }
  // What it popped may not have been all: the next waiters of those keys look too.
  for (auto& qkey : consumed) {
    if (std::find(forward.begin(), forward.end(), qkey) == forward.end()) {
      forward.push_back(std::move(qkey));
    }
  }
  Forward(forward);
  if (w->timer) w->timer->cancel();
  client->Unpark();
  client->Flush();
}

void Blocking::OnEnd(const WaiterPtr& w, End why) {
  std::vector<std::string> forward;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (w->done) return;
    forward = Detach(w);
  }
  Forward(forward);
  if (w->timer) w->timer->cancel();
  std::shared_ptr<Client> client = w->client.lock();
  if (why == End::kClosed || !client || client->closed()) return;
  const size_t mark = client->output().size();
  if (why == End::kUnblockError) {
    static constexpr std::string_view kUnblocked = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
    client->writer().Error(kUnblocked);
    server_->CountError(kUnblocked);
  } else {
    client->writer().NullArray();  // Redis 7.0 answers every list/zset timeout this way
  }
  if (client->has_flag(kClientReplyOff)) client->output().resize(mark);
  client->Unpark();
  client->Flush();
}

bool Blocking::Unblock(uint64_t id, bool with_error) {
  WaiterPtr w;
  std::shared_ptr<Client> client;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_client_.find(id);
    if (it == by_client_.end() || it->second->done) return false;
    w = it->second;
    client = w->client.lock();
  }
  if (!client) return false;
  client->Post([this, w, with_error]() {
    OnEnd(w, with_error ? End::kUnblockError : End::kUnblockTimeout);
  });
  return true;
}

void Blocking::HookClose(Client& client) {
  const uint64_t id = client.id();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!hooked_.insert(id).second) return;
  }
  client.AddCloseHook([this, id]() {
    WaiterPtr w;
    {
      std::lock_guard<std::mutex> lock(mu_);
      hooked_.erase(id);
      auto it = by_client_.find(id);
      if (it != by_client_.end()) w = it->second;
    }
    if (w) OnEnd(w, End::kClosed);
  });
}

}  // namespace redrock::server
