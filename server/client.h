// One client connection. It lives on one io thread: reads, parses and executes its requests
// there, appends every reply to one output buffer and keeps at most one write in flight.
// Other threads reach it only through Post() (run a function on its thread) and Kill().
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <asio.hpp>

#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"

namespace redrock::server {

class Server;
class IoThread;
struct CommandSpec;
struct MultiState;  // server/multi.h
struct Subscriber;  // server/pubsub.h

// Client flags shown by CLIENT LIST (flags=) and acted on by dispatch.
enum ClientFlag : uint32_t {
  kClientPubSub = 1u << 0,           // 'P': subscribed to channels or patterns
  kClientMulti = 1u << 1,            // 'x': inside MULTI
  kClientBlocked = 1u << 2,          // 'b': parked by a blocking command
  kClientNoEvict = 1u << 3,          // 'e'
  kClientNoTouch = 1u << 4,          // 'T'
  kClientCloseAsap = 1u << 5,        // 'A': killed, closing
  kClientCloseAfterReply = 1u << 6,  // 'c'
  kClientReplyOff = 1u << 7,         // CLIENT REPLY OFF
  kClientReplySkip = 1u << 8,        // the current command's reply is dropped
  kClientReplySkipNext = 1u << 9,    // CLIENT REPLY SKIP was the last command
  kClientMonitor = 1u << 10,         // 'O'
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(Server* server, IoThread* thread, asio::ip::tcp::socket socket, uint64_t id);
  ~Client();

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts reading (on the client's thread).
  void Start();

  // --- identity and per-connection state (getters are safe from any thread) ---
  uint64_t id() const { return id_; }
  int db() const { return db_.load(std::memory_order_relaxed); }
  void set_db(int db) { db_.store(db, std::memory_order_relaxed); }
  int resp() const { return resp_.load(std::memory_order_relaxed); }
  // Own thread only: also switches the reply writer's protocol.
  void set_resp(int resp);
  bool authenticated() const { return authenticated_.load(std::memory_order_relaxed); }
  void set_authenticated(bool v) { authenticated_.store(v, std::memory_order_relaxed); }
  std::string name() const;
  void set_name(std::string name);
  std::string lib_name() const;
  std::string lib_ver() const;
  void set_lib_name(std::string v);
  void set_lib_ver(std::string v);
  const std::string& addr() const { return addr_; }    // "ip:port" of the peer
  const std::string& laddr() const { return laddr_; }  // "ip:port" of our end
  bool is_local() const { return is_local_; }          // peer on a loopback address

  uint32_t flags() const { return flags_.load(std::memory_order_relaxed); }
  void set_flag(uint32_t f) { flags_.fetch_or(f, std::memory_order_relaxed); }
  void clear_flag(uint32_t f) { flags_.fetch_and(~f, std::memory_order_relaxed); }
  bool has_flag(uint32_t f) const { return (flags() & f) != 0; }

  // Subscription and MULTI counters shown by CLIENT LIST (set by those families).
  void set_sub_counts(int channels, int patterns, int shard_channels);
  void set_multi_count(int queued);  // -1 = not in MULTI

  // The command being (or last) executed, as CLIENT LIST's cmd= shows it.
  void set_last_command(const CommandSpec* spec) {
    last_cmd_.store(spec, std::memory_order_relaxed);
  }
  // Milliseconds since the epoch of the last command or read.
  int64_t last_interaction_ms() const {
    return last_interaction_ms_.load(std::memory_order_relaxed);
  }
  int64_t created_ms() const { return created_ms_; }

  // --- own thread only ---
  // The reply writer for the current command; appends to the output buffer.
  protocol::ReplyWriter& writer() { return writer_; }
  std::string& output() { return out_; }
  // Appends already-encoded bytes and schedules a write.
  void Send(std::string_view bytes);
  // Schedules a write of the pending output unless one is in flight. Writes the engine's
  // WAL buffer out first, so nothing a reply acknowledges is only in our memory.
  void Flush();
  // Flush + read more; run by the io thread once per batch of ready sockets (see
  // IoThread::DeferFlush).
  void FlushAndRead();
  // Replies still pending are written, then the connection closes (QUIT, protocol errors).
  void CloseAfterReply();
  // Closes the connection now; idempotent.
  void Close();
  bool closed() const { return closed_; }

  // Stops executing this client's queued requests (and reading more) until Unpark; used by
  // blocking commands and CLIENT PAUSE. The parked command must be re-run or answered by
  // whoever unparks.
  void Park();
  // Resumes executing queued requests (on the client's thread).
  void Unpark();
  bool parked() const { return parked_; }
  // Parks the current request so it is executed again after `delay_ms` (CLIENT PAUSE).
  void RetryLater(int delay_ms);

  // Runs fn later on the client's thread (safe from any thread); the client stays alive
  // until fn has run.
  void Post(std::function<void()> fn);
  // Appends already-encoded bytes from any thread (pub/sub messages, unblocking replies).
  void SendFromAnyThread(std::string bytes);
  // Closes the connection from any thread.
  void Kill();
  // Runs fn when the connection closes (unsubscribe, unblock...). Own thread only.
  void AddCloseHook(std::function<void()> fn) { close_hooks_.push_back(std::move(fn)); }
  // Runs fn on RESET (discard MULTI, unsubscribe...). Own thread only.
  void AddResetHook(std::function<void()> fn) { reset_hooks_.push_back(std::move(fn)); }
  void RunResetHooks();

  asio::io_context& io_context();
  IoThread* thread() const { return thread_; }

  // One CLIENT LIST / CLIENT INFO line (without the trailing newline). Any thread.
  std::string Describe() const;

  // --- MULTI/EXEC, pub/sub and MONITOR state (own thread only) ---
  // MULTI queue and WATCHed keys (server/multi.h); null until first used.
  std::shared_ptr<MultiState>& multi_state() { return multi_state_; }
  // Pushed-data state: subscriptions, output limits (server/pubsub.h); null until first used.
  std::shared_ptr<Subscriber>& subscriber() { return subscriber_; }
  // True while EXEC runs this client's queued commands: blocking commands must not block.
  bool in_exec() const { return in_exec_; }
  void set_in_exec(bool v) { in_exec_ = v; }
  // Reply bytes not yet written to the socket.
  size_t pending_output() const { return out_.size() + wbuf_.size(); }

 private:
  void DoRead();
  void OnRead(const asio::error_code& ec, size_t n);
  void OnWrite(const asio::error_code& ec, size_t n);
  // Executes queued requests until the queue is empty or the client parks or closes.
  void ProcessRequests();
  // Queues the error reply for a protocol error once the queue drains, then closes.
  void FinishInput();

  Server* server_;
  IoThread* thread_;
  asio::ip::tcp::socket socket_;
  const uint64_t id_;
  std::string addr_;
  std::string laddr_;
  int fd_ = -1;
  bool is_local_ = false;
  const int64_t created_ms_;

  std::atomic<int> db_{0};
  std::atomic<int> resp_{2};
  std::atomic<bool> authenticated_{false};
  std::atomic<uint32_t> flags_{0};
  std::atomic<const CommandSpec*> last_cmd_{nullptr};
  std::atomic<int64_t> last_interaction_ms_{0};
  std::atomic<size_t> qbuf_bytes_{0};
  std::atomic<size_t> obuf_bytes_{0};
  std::atomic<int> sub_channels_{0};
  std::atomic<int> sub_patterns_{0};
  std::atomic<int> sub_shard_{0};
  std::atomic<int> multi_count_{-1};
  std::atomic<bool> writing_{false};

  mutable std::mutex info_mu_;  // guards name_, lib_name_, lib_ver_
  std::string name_;
  std::string lib_name_;
  std::string lib_ver_;

  protocol::RequestParser parser_;
  std::vector<protocol::Request> requests_;  // parsed, not yet executed
  size_t next_request_ = 0;
  bool input_failed_ = false;  // the parser hit a protocol error or a limit
  std::string input_error_;

  static constexpr size_t kReadBufferSize = 16 * 1024;
  std::array<char, kReadBufferSize> rbuf_;
  std::string out_;   // replies not yet handed to the socket
  std::string wbuf_;  // bytes of the write in flight
  protocol::ReplyWriter writer_{&out_};

  bool reading_ = false;
  bool closed_ = false;
  bool parked_ = false;
  bool processing_ = false;  // inside ProcessRequests
  std::unique_ptr<asio::steady_timer> retry_timer_;
  std::vector<std::function<void()>> close_hooks_;
  std::vector<std::function<void()>> reset_hooks_;
  std::shared_ptr<MultiState> multi_state_;
  std::shared_ptr<Subscriber> subscriber_;
  bool in_exec_ = false;
};

}  // namespace redrock::server
