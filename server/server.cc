// Server lifecycle: listeners, io threads, client registry, cron, statistics and shutdown.
#include "server/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "engine/numbers.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/config.h"
#include "server/migrate_cache.h"
#include "server/monitor.h"
#include "server/notify.h"
#include "server/pubsub.h"
#include "server/slowlog.h"
#include "server/snapshot_sessions.h"

namespace redrock::server {

namespace {

// The stats of the io thread running the current code; null on other threads.
thread_local ThreadStats* t_stats = nullptr;

constexpr int kCronPeriodMs = 100;

void SetKeepAlive(int fd, int interval) {
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes));
  // As Redis: first probe after `interval` seconds, then 3 probes interval/3 apart.
  int idle = interval;
  int intvl = std::max(1, interval / 3);
  int cnt = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

spdlog::level::level_enum LogLevel(const std::string& name) {
  if (name == "debug") return spdlog::level::debug;
  if (name == "verbose") return spdlog::level::debug;
  if (name == "warning") return spdlog::level::warn;
  return spdlog::level::info;
}

}  // namespace

int64_t NowMs() {
  // The coarse clock is a few ms granular and costs no syscall; idle/age need no better.
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// --- IoThread ---

IoThread::IoThread(int index, size_t command_ids)
    : index_(index), work_(asio::make_work_guard(ctx_)), stats_(command_ids) {}

void IoThread::Start() {
  thread_ = std::thread([this]() {
    t_stats = &stats_;
    for (;;) {
      try {
        ctx_.run();
        break;
      } catch (const std::exception& e) {
        spdlog::error("io thread {}: unexpected exception: {}", index_, e.what());
      }
    }
    t_stats = nullptr;
  });
}

void IoThread::DeferFlush(std::shared_ptr<Client> client) {
  deferred_flush_.push_back(std::move(client));
  if (flush_posted_) return;
  flush_posted_ = true;
  asio::post(ctx_, [this]() {
    flush_posted_ = false;
    flushing_.swap(deferred_flush_);
    for (auto& c : flushing_)
      c->FlushAndRead();
    flushing_.clear();
  });
}

void IoThread::StopAndJoin() {
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

// --- Server ---

Server::Server(Config* config, engine::Engine* engine, CommandTable commands)
    : config_(config),
      engine_(engine),
      commands_(std::move(commands)),
      start_ms_(NowMs()),
      signals_(main_ctx_),
      cron_timer_(main_ctx_),
      other_stats_(std::make_unique<ThreadStats>(commands_.id_count())) {
  blocking_ = std::make_unique<Blocking>(this);
  snapshots_ = std::make_unique<SnapshotSessions>(engine_);
  int n = static_cast<int>(config_->GetInt("io-threads"));
  if (n < 1) n = 1;
  for (int i = 0; i < n; ++i) {
    threads_.push_back(std::make_unique<IoThread>(i, commands_.id_count()));
  }
  qbuf_limit_ = config_->GetMemory("client-query-buffer-limit");
  max_bulk_len_ = static_cast<int64_t>(config_->GetMemory("proto-max-bulk-len"));
  maxclients_ = config_->GetInt("maxclients");
  timeout_secs_ = config_->GetInt("timeout");
  tcp_keepalive_ = config_->GetInt("tcp-keepalive");
  slowlog_ = std::make_unique<SlowLog>();
  slowlog_->set_threshold_us(config_->GetInt("slowlog-log-slower-than"));
  slowlog_->set_max_len(config_->GetInt("slowlog-max-len"));
  InstallConfigHooks();
  CycleClock::ToMicros(0);  // pins the calibration origin at startup
  pubsub_ = std::make_unique<PubSub>(this);
  monitors_ = std::make_unique<Monitors>(pubsub_.get());
  SetNotifyFlags(config_->GetString("notify-keyspace-events"));
  config_->OnApply("notify-keyspace-events", [this](const std::string& v) {
    SetNotifyFlags(v);
    return std::string();
  });
  engine_->SetExpiredListener(
      [this](int db, std::string_view key) { Notify(kNotifyExpired, "expired", db, key); });
}

Server::~Server() {
  engine_->SetExpiredListener(nullptr);
  JoinBackgroundSave();
}

void Server::InstallConfigHooks() {
  config_->OnApply("appendfsync", [this](const std::string& v) {
    engine::FsyncMode mode;
    if (!engine::ParseFsyncMode(v, &mode)) return std::string("invalid fsync mode");
    engine_->SetFsyncMode(mode);
    return std::string();
  });
  config_->OnApply("loglevel", [](const std::string& v) {
    spdlog::set_level(LogLevel(v));
    return std::string();
  });
  // An integer parameter (already validated) handed to `use`.
  auto on_int = [](auto use) {
    return [use](const std::string& v) {
      int64_t n = 0;
      ParseInt64(v, &n);
      use(n);
      return std::string();
    };
  };
  auto set_int = [on_int](std::atomic<int64_t>* target) {
    return on_int([target](int64_t n) { target->store(n); });
  };
  config_->OnApply("maxclients", set_int(&maxclients_));
  config_->OnApply("timeout", set_int(&timeout_secs_));
  config_->OnApply("tcp-keepalive", set_int(&tcp_keepalive_));
  config_->OnApply("proto-max-bulk-len", [this](const std::string& v) {
    uint64_t n = 0;
    Config::ParseMemory(v, &n);
    max_bulk_len_ = static_cast<int64_t>(std::min<uint64_t>(n, INT64_MAX));
    return std::string();
  });
  config_->OnApply("hz",
                   on_int([this](int64_t n) { engine_->SetActiveExpireHz(static_cast<int>(n)); }));
  config_->OnApply("slowlog-log-slower-than",
                   on_int([this](int64_t n) { slowlog_->set_threshold_us(n); }));
  config_->OnApply("slowlog-max-len", on_int([this](int64_t n) { slowlog_->set_max_len(n); }));
  config_->OnApply("hot-tier-size", [this](const std::string& v) {
    uint64_t n = 0;
    Config::ParseMemory(v, &n);
    engine_->SetHotTierBudget(n);
    return std::string();
  });
  config_->OnApply("client-query-buffer-limit", [this](const std::string& v) {
    uint64_t n = 0;
    Config::ParseMemory(v, &n);
    qbuf_limit_ = n;
    return std::string();
  });
}

protocol::ParserLimits Server::parser_limits() const {
  protocol::ParserLimits limits;
  limits.max_bulk_len = max_bulk_len_.load(std::memory_order_relaxed);
  return limits;
}

bool Server::Listen(std::string* error) {
  port_ = static_cast<int>(config_->GetInt("port"));
  const int backlog = static_cast<int>(config_->GetInt("tcp-backlog"));
  for (std::string address : config_->GetList("bind")) {
    // As Redis: a leading '-' marks an address that may fail to bind ("-::1").
    bool optional = !address.empty() && address[0] == '-';
    if (optional) address.erase(0, 1);
    std::string host = address;
    if (host == "*") host = "0.0.0.0";
    if (host == "::*") host = "::";
    asio::error_code ec;
    asio::ip::address ip = asio::ip::make_address(host, ec);
    if (ec) {
      *error = "Invalid bind address '" + address + "'";
      return false;
    }
    asio::ip::tcp::endpoint endpoint(ip, static_cast<uint16_t>(port_));
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(main_ctx_);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && ip.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(backlog, ec);
    if (ec) {
      std::string msg = "Could not create server TCP listening socket " + address + ":" +
                        std::to_string(port_) + ": bind: " + ec.message();
      if (optional) {
        spdlog::warn("{}", msg);
        continue;
      }
      *error = msg;
      return false;
    }
    if (port_ == 0) port_ = acceptor->local_endpoint().port();  // ephemeral: reuse it
    listeners_.push_back(Listener{std::move(acceptor), address});
  }
  if (listeners_.empty()) {
    *error = "Failed listening on port " + std::to_string(port_) + " (tcp), aborting.";
    return false;
  }
  return true;
}

void Server::Run() {
  for (auto& t : threads_)
    t->Start();
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const asio::error_code& ec, int signo) {
    if (ec) return;
    spdlog::warn("Received {} scheduling shutdown...", signo == SIGINT ? "SIGINT" : "SIGTERM");
    DoShutdown();
  });
  for (Listener& l : listeners_)
    Accept(&l);
  cron_timer_.expires_after(std::chrono::milliseconds(kCronPeriodMs));
  cron_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) Cron();
  });
  if (stopping()) DoShutdown();  // Shutdown() called before Run()
  main_ctx_.run();
  for (auto& t : threads_)
    t->StopAndJoin();
  JoinBackgroundSave();
}

void Server::Shutdown() {
  stopping_.store(true);
  asio::post(main_ctx_, [this]() { DoShutdown(); });
}

void Server::DoShutdown() {
  if (shutdown_done_) return;
  shutdown_done_ = true;
  stopping_.store(true);
  spdlog::warn("User requested shutdown...");
  asio::error_code ec;
  for (Listener& l : listeners_)
    l.acceptor->close(ec);
  signals_.cancel(ec);
  cron_timer_.cancel();
  for (auto& t : threads_) {
    IoThread* thread = t.get();
    asio::post(thread->context(), [thread]() {
      std::vector<std::shared_ptr<Client>> clients;
      for (Client* c : thread->clients())
        clients.push_back(c->shared_from_this());
      for (auto& c : clients)
        c->Close();
    });
  }
}

void Server::Accept(Listener* listener) {
  IoThread* thread = threads_[next_thread_++ % threads_.size()].get();
  listener->acceptor->async_accept(
      thread->context(),
      [this, listener, thread](const asio::error_code& ec, asio::ip::tcp::socket socket) {
        if (ec) {
          if (ec == asio::error::operation_aborted || stopping()) return;
          spdlog::warn("Accepting client connection: {}", ec.message());
          // Out of descriptors and the like: retry shortly instead of spinning.
          auto timer = std::make_shared<asio::steady_timer>(main_ctx_);
          timer->expires_after(std::chrono::milliseconds(100));
          timer->async_wait([this, listener, timer](const asio::error_code& e) {
            if (!e && !stopping()) Accept(listener);
          });
          return;
        }
        OnAccept(listener, thread, std::move(socket));
        Accept(listener);
      });
}

void Server::OnAccept(Listener* /*listener*/, IoThread* thread, asio::ip::tcp::socket socket) {
  if (stopping()) return;
  asio::error_code ec;
  if (static_cast<int64_t>(connected_.load()) >= maxclients_.load()) {
    rejected_connections_.fetch_add(1, std::memory_order_relaxed);
    static constexpr std::string_view kErr = "-ERR max number of clients reached\r\n";
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(kErr.data(), kErr.size()), ec);
    socket.close(ec);
    return;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  const int64_t keepalive = tcp_keepalive_.load();
  if (keepalive > 0) SetKeepAlive(socket.native_handle(), static_cast<int>(keepalive));
  const uint64_t id = next_client_id_++;
  auto client = std::make_shared<Client>(this, thread, std::move(socket), id);
  client->set_authenticated(config_->GetString("requirepass").empty());
  {
    std::lock_guard<std::mutex> lock(clients_mu_);
    clients_[id] = client;
  }
  connected_.fetch_add(1, std::memory_order_relaxed);
  connections_received_.fetch_add(1, std::memory_order_relaxed);
  asio::post(thread->context(), [client]() { client->Start(); });
}

void Server::OnClientClosed(Client* client) {
  std::lock_guard<std::mutex> lock(clients_mu_);
  if (clients_.erase(client->id()) > 0) connected_.fetch_sub(1, std::memory_order_relaxed);
}

std::vector<std::shared_ptr<Client>> Server::ClientsSnapshot() const {
  std::vector<std::shared_ptr<Client>> out;
  std::lock_guard<std::mutex> lock(clients_mu_);
  out.reserve(clients_.size());
  for (const auto& [id, c] : clients_)
    out.push_back(c);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id() < b->id(); });
  return out;
}

std::shared_ptr<Client> Server::FindClient(uint64_t id) const {
  std::lock_guard<std::mutex> lock(clients_mu_);
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second;
}

void Server::Cron() {
  if (stopping()) return;
  const int64_t now = NowMs();
  ServerStats totals = Stats();
  ops_sampler_.Add(totals.commands_processed, now);
  in_sampler_.Add(totals.net_input_bytes, now);
  out_sampler_.Add(totals.net_output_bytes, now);
  ops_per_sec_ = ops_sampler_.Average();
  input_kbps_ = in_sampler_.Average() / 1024;
  output_kbps_ = out_sampler_.Average() / 1024;

  MigrateConnectionCache::Get().CloseIdle(now);
  const int64_t timeout = timeout_secs_.load();
  if (++cron_ticks_ % (1000 / kCronPeriodMs) == 0 && timeout > 0) {
    // As Redis: idle clients are closed, except parked and subscribed ones.
    for (auto& c : ClientsSnapshot()) {
      if (c->has_flag(kClientBlocked | kClientPubSub)) continue;
      if (now - c->last_interaction_ms() > timeout * 1000) {
        spdlog::debug("Closing idle client id={}", c->id());
        c->Kill();
      }
    }
  }
  cron_timer_.expires_after(std::chrono::milliseconds(kCronPeriodMs));
  cron_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) Cron();
  });
}

void Server::Sampler::Add(uint64_t value, int64_t now_ms) {
  if (last_ms != 0 && now_ms > last_ms) {
    samples[index] =
        static_cast<double>(value - last_value) * 1000.0 / static_cast<double>(now_ms - last_ms);
    index = (index + 1) % 16;
  }
  last_value = value;
  last_ms = now_ms;
}

double Server::Sampler::Average() const {
  double sum = 0;
  for (double s : samples)
    sum += s;
  return sum / 16;
}

// --- statistics ---

void Server::KeyspaceHit(uint64_t n) {
  if (t_stats != nullptr) {
    t_stats->keyspace_hits.Add(n);
  } else {
    std::lock_guard<std::mutex> lock(other_stats_mu_);
    other_stats_->keyspace_hits.Add(n);
  }
}

void Server::KeyspaceMiss(uint64_t n) {
  if (t_stats != nullptr) {
    t_stats->keyspace_misses.Add(n);
  } else {
    std::lock_guard<std::mutex> lock(other_stats_mu_);
    other_stats_->keyspace_misses.Add(n);
  }
}

ServerStats Server::Stats() const {
  ServerStats s;
  auto add = [&s](const ThreadStats& t) {
    s.commands_processed += t.commands_processed.Get();
    s.net_input_bytes += t.net_input_bytes.Get();
    s.net_output_bytes += t.net_output_bytes.Get();
    s.keyspace_hits += t.keyspace_hits.Get();
    s.keyspace_misses += t.keyspace_misses.Get();
    s.error_replies += t.error_replies.Get();
    s.write_commands += t.write_commands.Get();
  };
  for (const auto& t : threads_)
    add(t->stats());
  add(*other_stats_);
  s.connections_received = connections_received_.load();
  s.rejected_connections = rejected_connections_.load();
  s.instantaneous_ops_per_sec = ops_per_sec_.load();
  s.instantaneous_input_kbps = input_kbps_.load();
  s.instantaneous_output_kbps = output_kbps_.load();
  return s;
}

std::vector<CommandStatLine> Server::CommandStats() const {
  std::vector<CommandStatLine> out;
  auto collect = [&](const CommandSpec& spec) {
    CommandStatLine line;
    line.name = spec.name;
    uint64_t ticks = 0;
    auto add = [&](const ThreadStats& t) {
      const CommandCounters& c = t.commands[spec.id];
      line.calls += c.calls.Get();
      ticks += c.ticks.Get();
      line.rejected += c.rejected.Get();
      line.failed += c.failed.Get();
    };
    for (const auto& t : threads_)
      add(t->stats());
    add(*other_stats_);
    line.usec = static_cast<uint64_t>(CycleClock::ToMicros(ticks));
    if (line.calls + line.rejected + line.failed > 0) out.push_back(std::move(line));
  };
  for (const auto& [name, spec] : commands_.all()) {
    collect(spec);
    for (const CommandSpec& sub : spec.subcommands)
      collect(sub);
  }
  return out;
}

std::vector<std::pair<std::string, uint64_t>> Server::ErrorStats() const {
  std::lock_guard<std::mutex> lock(errors_mu_);
  std::vector<std::pair<std::string, uint64_t>> out(error_codes_.begin(), error_codes_.end());
  std::sort(out.begin(), out.end());
  return out;
}

void Server::CountError(std::string_view reply) {
  // reply is "-CODE message..."; Redis keys errorstats by CODE.
  size_t end = reply.find_first_of(" \r\n", 1);
  std::string code(
      reply.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1));
  if (t_stats != nullptr) t_stats->error_replies.Add(1);
  std::lock_guard<std::mutex> lock(errors_mu_);
  if (error_codes_.size() < 128 || error_codes_.count(code)) ++error_codes_[code];
}

void Server::ResetStats() {
  for (auto& t : threads_)
    t->stats().Reset();
  {
    std::lock_guard<std::mutex> lock(other_stats_mu_);
    other_stats_->Reset();
  }
  {
    std::lock_guard<std::mutex> lock(errors_mu_);
    error_codes_.clear();
  }
  connections_received_ = 0;
  rejected_connections_ = 0;
}

// --- CLIENT PAUSE ---

void Server::Pause(int64_t until_ms, bool all) {
  pause_all_.store(all);
  pause_until_ms_.store(until_ms);
}

void Server::Unpause() {
  pause_until_ms_.store(0);
}

int64_t Server::PausedFor(uint32_t flags) const {
  const int64_t until = pause_until_ms_.load(std::memory_order_relaxed);
  if (until == 0) return 0;
  const int64_t now = NowMs();
  if (until <= now) return 0;
  if (!pause_all_.load(std::memory_order_relaxed) && !(flags & kCmdWrite)) return 0;
  return until - now;
}

// --- BGSAVE ---

bool Server::StartBackgroundSave(std::string* error) {
  std::lock_guard<std::mutex> lock(bgsave_mu_);
  if (bgsave_running_.load()) {
    *error = "ERR Background save already in progress";
    return false;
  }
  if (bgsave_thread_.joinable()) bgsave_thread_.join();
  bgsave_running_ = true;
  bgsave_thread_ = std::thread([this]() {
    const int64_t start = NowMs();
    namespace fs = std::filesystem;
    fs::path root = fs::path(engine_->options().dir) / "checkpoints";
    std::error_code ec;
    fs::create_directories(root, ec);
    std::string base = std::to_string(start / 1000);
    fs::path target = root / base;
    for (int i = 1; fs::exists(target, ec); ++i)
      target = root / (base + "-" + std::to_string(i));
    Status st = engine_->CreateCheckpoint(target.string());
    bgsave_last_ok_ = st.ok();
    if (st.ok()) MarkSaved();
    bgsave_last_secs_ = (NowMs() - start) / 1000;
    if (st.ok()) {
      spdlog::info("Background saving terminated with success: checkpoint {}", target.string());
    } else {
      spdlog::error("Background saving error: {}", st.ToString());
    }
    bgsave_running_ = false;
  });
  return true;
}

void Server::MarkSaved() {
  writes_at_save_ = Stats().write_commands;
  saves_.fetch_add(1);
}

uint64_t Server::changes_since_save() const {
  const uint64_t writes = Stats().write_commands;
  const uint64_t at_save = writes_at_save_.load();
  return writes > at_save ? writes - at_save : 0;
}

void Server::JoinBackgroundSave() {
  std::lock_guard<std::mutex> lock(bgsave_mu_);
  if (bgsave_thread_.joinable()) bgsave_thread_.join();
}

}  // namespace redrock::server
