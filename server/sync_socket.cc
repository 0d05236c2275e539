// SyncSocket: connect, write and read-line with deadlines, on a non-blocking socket.
#include "server/sync_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace redrock::server {

namespace {

int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr size_t kWriteChunk = 64 * 1024;  // as Redis: each chunk gets the full timeout

// The deadline timeout_ms from now; absurd timeouts (LLONG_MAX) must not overflow.
int64_t DeadlineAfter(int64_t timeout_ms) {
  constexpr int64_t kMaxTimeoutMs = int64_t{1} << 42;  // about 139 years
  return MonotonicMs() + std::min(timeout_ms, kMaxTimeoutMs);
}

}  // namespace

SyncSocket::~SyncSocket() {
  close(fd_);
}

std::unique_ptr<SyncSocket> SyncSocket::Connect(const std::string& host, int port,
                                                int64_t timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &res) != 0) return nullptr;
  // The first address whose connect starts (or completes) wins, as in Redis's anet.
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) return nullptr;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  std::unique_ptr<SyncSocket> sock(new SyncSocket(fd));
  sock->Wait(POLLOUT, DeadlineAfter(timeout_ms));  // outcome left to the first write
  return sock;
}

SyncSocket::Result SyncSocket::Wait(short events, int64_t deadline_ms) {
  while (true) {
    const int64_t left = deadline_ms - MonotonicMs();
    if (left <= 0) return Result::kTimeout;
    pollfd p{fd_, events, 0};
    const int n = poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1 << 30)));
    if (n > 0) return Result::kOk;  // ready, or an error the next call will report
    if (n < 0 && errno != EINTR) return Result::kError;
  }
}

SyncSocket::Result SyncSocket::Write(std::string_view data, int64_t timeout_ms) {
  while (!data.empty()) {
    std::string_view chunk = data.substr(0, kWriteChunk);
    const int64_t deadline = DeadlineAfter(timeout_ms);
    while (!chunk.empty()) {
      const ssize_t n = send(fd_, chunk.data(), chunk.size(), MSG_NOSIGNAL);
      if (n > 0) {
        chunk.remove_prefix(static_cast<size_t>(n));
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return Result::kError;
      }
      const Result r = Wait(POLLOUT, deadline);
      if (r != Result::kOk) return r;
    }
  }
  return Result::kOk;
}

SyncSocket::Result SyncSocket::ReadLine(std::string* line, int64_t timeout_ms) {
  const int64_t deadline = DeadlineAfter(timeout_ms);
  while (true) {
    const size_t eol = in_.find('\n');
    if (eol != std::string::npos) {
      size_t end = eol;
      if (end > 0 && in_[end - 1] == '\r') end--;
      line->assign(in_, 0, end);
      in_.erase(0, eol + 1);
      return Result::kOk;
    }
    char buf[16384];
    const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return Result::kError;  // closed by the peer
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return Result::kError;
    const Result r = Wait(POLLIN, deadline);
    if (r != Result::kOk) return r;
  }
}

}  // namespace redrock::server
