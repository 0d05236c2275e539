// Client connection: read -> parse -> execute every complete request -> one write.
#include "server/client.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "server/command.h"
#include "server/server.h"

namespace redrock::server {

namespace {

// While a write is in flight, reading stops once this much output is waiting behind it,
// so a client that pipelines without reading replies cannot grow our memory without bound.
constexpr size_t kMaxPendingOutput = 1 << 20;
// A parked client keeps reading (to notice a disconnect) until this many requests wait.
constexpr size_t kMaxQueuedWhileParked = 128;
// Output buffers larger than this are released after their write completes.
constexpr size_t kKeepBufferCapacity = 256 * 1024;

std::string EndpointText(const asio::ip::tcp::endpoint& ep) {
  const asio::ip::address a = ep.address();
  if (a.is_v6()) {
    auto v6 = a.to_v6();
    if (v6.is_v4_mapped()) {
      return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string() + ":" +
             std::to_string(ep.port());
    }
  }
  return a.to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

Client::Client(Server* server, IoThread* thread, asio::ip::tcp::socket socket, uint64_t id)
    : server_(server),
      thread_(thread),
      socket_(std::move(socket)),
      id_(id),
      created_ms_(NowMs()),
      parser_(server->parser_limits()) {
  asio::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) {
    addr_ = EndpointText(remote);
    const asio::ip::address a = remote.address();
    is_local_ = a.is_loopback() ||
                (a.is_v6() && a.to_v6().is_v4_mapped() &&
                 asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback());
  }
  auto local = socket_.local_endpoint(ec);
  if (!ec) laddr_ = EndpointText(local);
  fd_ = socket_.native_handle();
  last_interaction_ms_.store(created_ms_, std::memory_order_relaxed);
}

Client::~Client() = default;

void Client::Start() {
  thread_->clients().insert(this);
  if (server_->stopping()) {
    Close();
    return;
  }
  DoRead();
}

void Client::set_resp(int resp) {
  resp_.store(resp, std::memory_order_relaxed);
  writer_.set_resp(resp);
}

std::string Client::name() const {
  std::lock_guard<std::mutex> lock(info_mu_);
  return name_;
}

void Client::set_name(std::string name) {
  std::lock_guard<std::mutex> lock(info_mu_);
  name_ = std::move(name);
}

std::string Client::lib_name() const {
  std::lock_guard<std::mutex> lock(info_mu_);
  return lib_name_;
}

std::string Client::lib_ver() const {
  std::lock_guard<std::mutex> lock(info_mu_);
  return lib_ver_;
}

void Client::set_lib_name(std::string v) {
  std::lock_guard<std::mutex> lock(info_mu_);
  lib_name_ = std::move(v);
}

void Client::set_lib_ver(std::string v) {
  std::lock_guard<std::mutex> lock(info_mu_);
  lib_ver_ = std::move(v);
}

void Client::set_sub_counts(int channels, int patterns, int shard_channels) {
  sub_channels_.store(channels, std::memory_order_relaxed);
  sub_patterns_.store(patterns, std::memory_order_relaxed);
  sub_shard_.store(shard_channels, std::memory_order_relaxed);
}

void Client::set_multi_count(int queued) {
  multi_count_.store(queued, std::memory_order_relaxed);
}

asio::io_context& Client::io_context() {
  return thread_->context();
}

void Client::DoRead() {
  if (reading_ || closed_ || input_failed_ || has_flag(kClientCloseAfterReply)) return;
  if (parked_ && requests_.size() - next_request_ >= kMaxQueuedWhileParked) return;
  if (writing_.load(std::memory_order_relaxed) && out_.size() >= kMaxPendingOutput) return;
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(rbuf_.data(), rbuf_.size()),
      [self = shared_from_this()](const asio::error_code& ec, size_t n) { self->OnRead(ec, n); });
}

void Client::OnRead(const asio::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  thread_->stats().net_input_bytes.Add(n);
  last_interaction_ms_.store(NowMs(), std::memory_order_relaxed);
  parser_.set_limits(server_->parser_limits());
  if (!parser_.Feed(std::string_view(rbuf_.data(), n), &requests_)) {
    input_failed_ = true;
    input_error_ = parser_.error();
    if (input_error_.rfind("ERR ", 0) != 0) input_error_ = "ERR " + input_error_;
    spdlog::debug("Protocol error ({}) from client: id={} addr={}", parser_.error(), id_, addr_);
  } else if (parser_.buffered_bytes() > server_->query_buffer_limit()) {
    input_failed_ = true;
    input_error_ = "ERR Protocol error: client query buffer limit reached";
    spdlog::warn("Closing client that reached max query buffer length: id={} addr={} qbuf={}", id_,
                 addr_, parser_.buffered_bytes());
  }
  qbuf_bytes_.store(parser_.buffered_bytes(), std::memory_order_relaxed);
  ProcessRequests();
  // Replies go out after every socket that was ready has been served, so one WAL write
  // covers the commands of all of them (Redis writes its AOF once per event loop, too).
  thread_->DeferFlush(shared_from_this());
}

void Client::FlushAndRead() {
  Flush();
  DoRead();
}

void Client::ProcessRequests() {
  if (processing_) return;  // re-entered through Unpark from one of our own handlers
  processing_ = true;
  while (next_request_ < requests_.size() && !parked_ && !closed_ &&
         !has_flag(kClientCloseAfterReply)) {
    protocol::Request& request = requests_[next_request_];
    // Pipelined plain SETs or INCRs commit as one write (see Server::ExecuteWriteRun).
    if (const size_t n = server_->ExecuteWriteRun(*this, requests_, next_request_); n > 0) {
      next_request_ += n;
      continue;
    }
    if (!request.empty() && !server_->Execute(*this, request)) break;  // deferred
    ++next_request_;
  }
  processing_ = false;
  if (next_request_ >= requests_.size()) {
    requests_.clear();
    next_request_ = 0;
    FinishInput();
  }
}

void Client::FinishInput() {
  if (!input_failed_ || closed_ || has_flag(kClientCloseAfterReply)) return;
  // Redis answers a protocol error after the good requests before it, then disconnects.
  writer_.Error(input_error_);
  CloseAfterReply();
}

void Client::Send(std::string_view bytes) {
  if (closed_) return;
  out_.append(bytes);
  Flush();
}

void Client::Flush() {
  if (closed_ || writing_.load(std::memory_order_relaxed) || out_.empty()) {
    if (!closed_ && out_.empty() && !writing_.load(std::memory_order_relaxed) &&
        has_flag(kClientCloseAfterReply)) {
      Close();
    }
    return;
  }
  if (Status st = server_->engine().WriteOutWal(); !st.ok()) {
    // Never acknowledge what may not be in the WAL: drop the connection instead.
    spdlog::error("WAL write failed, closing client id={}: {}", id_, st.ToString());
    Close();
    return;
  }
  wbuf_.swap(out_);  // the writer keeps appending to out_, now empty
  writing_.store(true, std::memory_order_relaxed);
  obuf_bytes_.store(wbuf_.size(), std::memory_order_relaxed);
  asio::async_write(
      socket_, asio::buffer(wbuf_),
      [self = shared_from_this()](const asio::error_code& ec, size_t n) { self->OnWrite(ec, n); });
}

void Client::OnWrite(const asio::error_code& ec, size_t n) {
  writing_.store(false, std::memory_order_relaxed);
  obuf_bytes_.store(out_.size(), std::memory_order_relaxed);
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  thread_->stats().net_output_bytes.Add(n);
  wbuf_.clear();
  if (wbuf_.capacity() > kKeepBufferCapacity) wbuf_.shrink_to_fit();
  if (!out_.empty()) {
    Flush();
    return;
  }
  if (out_.capacity() > kKeepBufferCapacity) out_.shrink_to_fit();
  if (has_flag(kClientCloseAfterReply)) {
    Close();
    return;
  }
  DoRead();
}

void Client::CloseAfterReply() {
  set_flag(kClientCloseAfterReply);
}

void Client::Close() {
  if (closed_) return;
  auto self = shared_from_this();  // the registry may hold the last other reference
  closed_ = true;
  set_flag(kClientCloseAsap);
  asio::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  if (retry_timer_) retry_timer_->cancel();
  if (parked_) {
    parked_ = false;
    server_->OnClientParked(false);
  }
  auto hooks = std::move(close_hooks_);
  for (auto& hook : hooks)
    hook();
  // requests_ stays: a handler of ours may still be running and reading its arguments.
  thread_->clients().erase(this);
  server_->OnClientClosed(this);
}

void Client::Park() {
  if (parked_) return;
  parked_ = true;
  set_flag(kClientBlocked);
  server_->OnClientParked(true);
}

void Client::Unpark() {
  if (!parked_ || closed_) return;
  parked_ = false;
  clear_flag(kClientBlocked);
  server_->OnClientParked(false);
  if (processing_) return;  // called from one of our own handlers: the running loop goes on
  ProcessRequests();
  Flush();
  DoRead();
}

void Client::RetryLater(int delay_ms) {
  Park();
  if (!retry_timer_) retry_timer_ = std::make_unique<asio::steady_timer>(thread_->context());
  retry_timer_->expires_after(std::chrono::milliseconds(delay_ms));
  retry_timer_->async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (!ec) self->Unpark();
  });
}

void Client::Post(std::function<void()> fn) {
  asio::post(thread_->context(), [self = shared_from_this(), fn = std::move(fn)]() { fn(); });
}

void Client::SendFromAnyThread(std::string bytes) {
  Post([this, bytes = std::move(bytes)]() { Send(bytes); });
}

void Client::Kill() {
  set_flag(kClientCloseAsap);
  Post([this]() { Close(); });
}

void Client::RunResetHooks() {
  for (auto& hook : reset_hooks_)
    hook();
}

std::string Client::Describe() const {
  const int64_t now = NowMs();
  const uint32_t f = flags();
  std::string flag_text;
  if (f & kClientMonitor) flag_text += 'O';
  if (f & kClientPubSub) flag_text += 'P';
  if (f & kClientMulti) flag_text += 'x';
  if (f & kClientBlocked) flag_text += 'b';
  if (f & kClientCloseAfterReply) flag_text += 'c';
  if (f & kClientCloseAsap) flag_text += 'A';
  if (f & kClientNoEvict) flag_text += 'e';
  if (flag_text.empty()) flag_text = "N";
  const CommandSpec* cmd = last_cmd_.load(std::memory_order_relaxed);
  const size_t qbuf = qbuf_bytes_.load(std::memory_order_relaxed);
  const size_t obuf = obuf_bytes_.load(std::memory_order_relaxed);
  const bool writing = writing_.load(std::memory_order_relaxed);
  const size_t qbuf_free = qbuf < kReadBufferSize ? kReadBufferSize - qbuf : 0;
  const size_t tot_mem = sizeof(Client) + qbuf + obuf;
  std::string out;
  out.reserve(320);
  out += "id=" + std::to_string(id_);
  out += " addr=" + addr_;
  out += " laddr=" + laddr_;
  out += " fd=" + std::to_string(fd_);
  out += " name=" + name();
  out += " age=" + std::to_string((now - created_ms_) / 1000);
  out += " idle=" + std::to_string((now - last_interaction_ms()) / 1000);
  out += " flags=" + flag_text;
  out += " db=" + std::to_string(db());
  out += " sub=" + std::to_string(sub_channels_.load(std::memory_order_relaxed));
  out += " psub=" + std::to_string(sub_patterns_.load(std::memory_order_relaxed));
  out += " ssub=" + std::to_string(sub_shard_.load(std::memory_order_relaxed));
  out += " multi=" + std::to_string(multi_count_.load(std::memory_order_relaxed));
  out += " qbuf=" + std::to_string(qbuf);
  out += " qbuf-free=" + std::to_string(qbuf_free);
  out += " argv-mem=0 multi-mem=0";
  out += " rbs=" + std::to_string(kReadBufferSize);
  out += " rbp=" + std::to_string(kReadBufferSize);
  out += " obl=" + std::to_string(obuf);
  out += " oll=0 omem=0";
  out += " tot-mem=" + std::to_string(tot_mem);
  out += writing ? " events=rw" : " events=r";
  out += " cmd=";
  out += cmd != nullptr ? cmd->name : std::string("NULL");
  out += " user=default redir=-1 resp=" + std::to_string(resp());
  return out;
}

}  // namespace redrock::server
