// SyncSocket: a TCP client connection whose every operation waits at most a given time (a
// non-blocking socket driven by poll). MIGRATE talks to its target through it from an io
// thread, which must never block past the timeout the client asked for.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace redrock::server {

class SyncSocket {
 public:
  enum class Result { kOk, kError, kTimeout };

  ~SyncSocket();
  SyncSocket(const SyncSocket&) = delete;
  SyncSocket& operator=(const SyncSocket&) = delete;

  // Starts a connection to host:port and waits up to timeout_ms for it to complete; nullptr
  // when none could be started (unknown host, no usable address). As with Redis 7.0's
  // blocking connect, a connection refused or still pending after the wait is not reported
  // here: the first Write() meets it (and MIGRATE's replies match Redis's).
  static std::unique_ptr<SyncSocket> Connect(const std::string& host, int port, int64_t timeout_ms);

  // Sends all of `data`, each 64 KB chunk within timeout_ms.
  Result Write(std::string_view data, int64_t timeout_ms);
  // Reads one line, without its LF or CRLF, within timeout_ms.
  Result ReadLine(std::string* line, int64_t timeout_ms);

 private:
  explicit SyncSocket(int fd) : fd_(fd) {}
  // Waits until the socket is ready for `events` (POLLIN / POLLOUT) or the deadline passes.
  Result Wait(short events, int64_t deadline_ms);

  int fd_;
  std::string in_;  // bytes received past the lines handed out
};

}  // namespace redrock::server
