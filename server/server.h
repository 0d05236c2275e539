// The server: listening sockets, the io thread pool, the client registry, command dispatch,
// statistics and the shutdown sequence.
//
// Threads: Run() drives a main io_context (acceptors, signals, the 100 ms cron, shutdown);
// `io-threads` worker threads each run their own io_context. An accepted socket is handed to
// the workers round-robin and its client lives on that worker for good; its commands execute
// there, holding the exclusive gate shared.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <asio.hpp>

#include "server/command.h"
#include "server/gate.h"
#include "server/stats.h"

namespace redrock::engine {
class Engine;
}

namespace redrock::server {

class Client;
class Config;
class Blocking;
class Monitors;
class PubSub;
class SlowLog;
class SnapshotSessions;

// One worker thread and everything only it touches.
class IoThread {
 public:
  IoThread(int index, size_t command_ids);

  asio::io_context& context() { return ctx_; }
  int index() const { return index_; }
  ThreadStats& stats() { return stats_; }
  // Clients living on this thread (this thread only).
  std::unordered_set<Client*>& clients() { return clients_; }

  // Runs client->FlushAndRead() after the handlers already queued on this thread (the
  // other sockets epoll reported ready together): one WAL write serves all their replies.
  void DeferFlush(std::shared_ptr<Client> client);

  void Start();
  // Lets run() return once the clients are gone, then joins.
  void StopAndJoin();

 private:
  const int index_;
  asio::io_context ctx_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  ThreadStats stats_;
  std::unordered_set<Client*> clients_;
  std::vector<std::shared_ptr<Client>> deferred_flush_;
  std::vector<std::shared_ptr<Client>> flushing_;
  bool flush_posted_ = false;
  std::thread thread_;
};

// Totals summed over threads, for INFO.
struct ServerStats {
  uint64_t commands_processed = 0;
  uint64_t connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t error_replies = 0;
  uint64_t write_commands = 0;
  double instantaneous_ops_per_sec = 0;
  double instantaneous_input_kbps = 0;
  double instantaneous_output_kbps = 0;
};

// INFO commandstats line data for one command.
struct CommandStatLine {
  std::string name;  // "get", "config|get"
  uint64_t calls = 0, usec = 0, rejected = 0, failed = 0;
};

class Server {
 public:
  // The table must be complete (every family registered); the server keeps its own copy.
  Server(Config* config, engine::Engine* engine, CommandTable commands);
  ~Server();

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every `bind` address on `port`. On failure returns false with a log-ready message.
  bool Listen(std::string* error);
  // Serves until SIGTERM/SIGINT or SHUTDOWN, then closes every client and returns. The
  // caller closes the engine afterwards.
  void Run();
  // Starts the shutdown sequence; safe from any thread (SHUTDOWN, signals, tests).
  void Shutdown();
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  Config& config() { return *config_; }
  engine::Engine& engine() { return *engine_; }
  const CommandTable& commands() const { return commands_; }
  ExclusiveGate& gate() { return gate_; }
  // For a command handler (which holds the gate shared): runs fn with every other command
  // excluded, then goes back to shared mode. For commands exclusive only in some forms
  // (DEBUG RELOAD); always-exclusive commands use the kCmdExclusive flag instead.
  void RunExclusive(const std::function<void()>& fn);
  // The port actually listened on (differs from the config when it is 0).
  int port() const { return port_; }
  int64_t start_time_ms() const { return start_ms_; }
  int io_threads() const { return static_cast<int>(threads_.size()); }

  // --- statistics (fast; any command handler may call them) ---
  void KeyspaceHit(uint64_t n = 1);
  void KeyspaceMiss(uint64_t n = 1);
  ServerStats Stats() const;
  std::vector<CommandStatLine> CommandStats() const;
  std::vector<std::pair<std::string, uint64_t>> ErrorStats() const;  // errorstat_<CODE>
  // CONFIG RESETSTAT.
  void ResetStats();

  // Clients parked by blocking commands (BLPOP, BZPOPMIN...); see server/blocking.h.
  Blocking& blocking() { return *blocking_; }
  // Snapshots held by dump clients (SNAPSHOT BEGIN/NEXT/END); see server/snapshot_sessions.h.
  SnapshotSessions& snapshots() { return *snapshots_; }

  // --- clients (any thread) ---
  size_t connected_clients() const { return connected_.load(std::memory_order_relaxed); }
  size_t blocked_clients() const { return blocked_.load(std::memory_order_relaxed); }
  std::vector<std::shared_ptr<Client>> ClientsSnapshot() const;
  std::shared_ptr<Client> FindClient(uint64_t id) const;

  // CLIENT PAUSE / UNPAUSE.
  void Pause(int64_t until_ms, bool all);
  void Unpause();
  // Milliseconds until the pause affecting a command with `flags` ends; 0 when not paused.
  int64_t PausedFor(uint32_t flags) const;

  // --- used by Client ---
  // Executes one request for `client`; returns false when the request was deferred (the
  // client was parked by CLIENT PAUSE and the request must run again later).
  bool Execute(Client& client, protocol::Request& args);
  // Runs requests[begin..] while they are of one batchable kind, at most 64, as one atomic
  // write with one key-lock acquisition and one commit: plain SETs (SET k v [EX|PX n]), the
  // INCR family (INCR, DECR, INCRBY, DECRBY), or HSETs, SADDs, plain ZADDs, LPUSHes, RPUSHes, LPOPs
  // or RPOPs (no count) that all name one key. Each request gets its own reply, error, statistics
  // and OBJECT IDLETIME as if it had run alone. Returns how many ran; 0 when fewer than two qualify
  // or the client or server needs them one by one (keyspace events, MONITOR, MULTI, CLIENT REPLY,
  // CLIENT PAUSE).
  size_t ExecuteWriteRun(Client& client, std::vector<protocol::Request>& requests, size_t begin);
  void OnClientClosed(Client* client);
  // Marks the key arguments of a command as accessed (OBJECT IDLETIME).
  void TouchKeys(const CommandSpec& spec, const protocol::Request& args, int db);
  void OnClientParked(bool parked) {
    blocked_.fetch_add(parked ? 1 : -1, std::memory_order_relaxed);
  }
  // Limits, refreshed by CONFIG SET hooks.
  uint64_t query_buffer_limit() const { return qbuf_limit_.load(std::memory_order_relaxed); }
  protocol::ParserLimits parser_limits() const;
  // Records an error reply's code for INFO errorstats.
  void CountError(std::string_view reply);

  // Background saves (BGSAVE): at most one at a time.
  bool StartBackgroundSave(std::string* error);
  // Records a successful SAVE/BGSAVE start (INFO rdb_changes_since_last_save, rdb_saves).
  void MarkSaved();
  uint64_t changes_since_save() const;
  uint64_t saves() const { return saves_.load(); }
  // Blocks until a running background save has finished (DEBUG RELOAD).
  void WaitForBackgroundSave() { JoinBackgroundSave(); }
  bool bgsave_in_progress() const { return bgsave_running_.load(); }
  bool last_bgsave_ok() const { return bgsave_last_ok_.load(); }
  int64_t last_bgsave_seconds() const { return bgsave_last_secs_.load(); }

  // --- pub/sub, keyspace notifications, MONITOR ---
  PubSub& pubsub() { return *pubsub_; }
  Monitors& monitors() { return *monitors_; }
  SlowLog& slowlog() { return *slowlog_; }
  // Publishes keyspace notification `event` about (db, key) when its class (a NotifyClass
  // bit of server/notify.h) is enabled by notify-keyspace-events; any thread. One atomic
  // load when notifications are off.
  void Notify(uint32_t cls, std::string_view event, int db, std::string_view key);
  // True when events of class `cls` are published (to skip work computing them).
  bool notify_enabled(uint32_t cls) const {
    return (notify_flags_.load(std::memory_order_relaxed) & cls) != 0;
  }

 private:
  struct Listener {
    std::unique_ptr<asio::ip::tcp::acceptor> acceptor;
    std::string address;
  };

  void InstallConfigHooks();
  void Accept(Listener* listener);
  void OnAccept(Listener* listener, IoThread* thread, asio::ip::tcp::socket socket);
  void DoShutdown();
  void Cron();
  void JoinBackgroundSave();
  // Applies notify-keyspace-events (server/notify.cc).
  void SetNotifyFlags(std::string_view config_value);

  Config* config_;
  engine::Engine* engine_;
  CommandTable commands_;
  ExclusiveGate gate_;
  const int64_t start_ms_;
  int port_ = 0;

  asio::io_context main_ctx_{1};
  asio::signal_set signals_;
  asio::steady_timer cron_timer_;
  std::vector<Listener> listeners_;
  std::vector<std::unique_ptr<IoThread>> threads_;
  size_t next_thread_ = 0;
  std::atomic<bool> stopping_{false};
  bool shutdown_done_ = false;
  int cron_ticks_ = 0;  // main thread only

  // Clients by id; taken at connect/disconnect and by CLIENT LIST/KILL, never per command.
  mutable std::mutex clients_mu_;
  std::unordered_map<uint64_t, std::shared_ptr<Client>> clients_;
  uint64_t next_client_id_ = 1;  // main thread only
  std::atomic<size_t> connected_{0};
  std::atomic<int64_t> blocked_{0};
  std::unique_ptr<Blocking> blocking_;
  std::unique_ptr<SnapshotSessions> snapshots_;

  std::atomic<uint64_t> connections_received_{0};
  std::atomic<uint64_t> rejected_connections_{0};
  std::unique_ptr<ThreadStats> other_stats_;  // counts from non-io threads (rare)
  std::mutex other_stats_mu_;
  mutable std::mutex errors_mu_;
  std::unordered_map<std::string, uint64_t> error_codes_;

  // Instantaneous metrics: samples taken by the cron every 100 ms.
  struct Sampler {
    uint64_t last_value = 0;
    int64_t last_ms = 0;
    double samples[16] = {};
    int index = 0;
    double Average() const;
    void Add(uint64_t value, int64_t now_ms);
  };
  Sampler ops_sampler_, in_sampler_, out_sampler_;
  std::atomic<double> ops_per_sec_{0}, input_kbps_{0}, output_kbps_{0};

  std::atomic<int64_t> pause_until_ms_{0};
  std::atomic<bool> pause_all_{false};

  std::atomic<uint64_t> qbuf_limit_{1ULL << 30};
  std::atomic<int64_t> max_bulk_len_{512LL << 20};
  std::atomic<int64_t> maxclients_{10000};
  std::atomic<int64_t> timeout_secs_{0};
  std::atomic<int64_t> tcp_keepalive_{300};

  std::mutex bgsave_mu_;
  std::thread bgsave_thread_;
  std::atomic<bool> bgsave_running_{false};
  std::atomic<bool> bgsave_last_ok_{true};
  std::atomic<int64_t> bgsave_last_secs_{-1};

  std::unique_ptr<PubSub> pubsub_;
  std::unique_ptr<Monitors> monitors_;
  std::unique_ptr<SlowLog> slowlog_;
  std::atomic<uint32_t> notify_flags_{0};
  std::atomic<uint64_t> writes_at_save_{0};
  std::atomic<uint64_t> saves_{0};
};

// Milliseconds since the Unix epoch.
int64_t NowMs();

}  // namespace redrock::server
