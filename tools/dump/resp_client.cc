// Blocking RESP2 client over a TCP socket.
#include "tools/dump/resp_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/numbers.h"

namespace redrock::dump {

RespClient::~RespClient() {
  if (fd_ >= 0) close(fd_);
}

Status RespClient::Connect(const std::string& host, int port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port_s = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), port_s.c_str(), &hints, &res);
  if (rc != 0) return Status::IOError("cannot resolve " + host + ": " + gai_strerror(rc));
  Status st = Status::IOError("cannot connect to " + host + ":" + port_s);
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      fd_ = fd;
      st = Status::OK();
      break;
    }
    st = Status::IOError("cannot connect to " + host + ":" + port_s + ": " + strerror(errno));
    close(fd);
  }
  freeaddrinfo(res);
  return st;
}

Status RespClient::Authenticate(const std::string& user, const std::string& password) {
  RespReply r;
  if (!password.empty()) {
    if (user.empty()) {
      REDROCK_RETURN_IF_ERROR(Call({"AUTH", password}, &r));
    } else {
      REDROCK_RETURN_IF_ERROR(Call({"AUTH", user, password}, &r));
    }
    if (r.kind == RespReply::Kind::kError) return Status::IOError("AUTH failed: " + r.str);
  }
  REDROCK_RETURN_IF_ERROR(Call({"PING"}, &r));
  if (r.kind == RespReply::Kind::kError) return Status::IOError("PING failed: " + r.str);
  return Status::OK();
}

void RespClient::Append(const std::vector<std::string_view>& args) {
  // Appended piece by piece: `"*" + std::to_string(n)` trips GCC 12's false -Wrestrict.
  out_.push_back('*');
  out_.append(std::to_string(args.size()));
  out_.append("\r\n");
  for (std::string_view a : args) {
    out_.push_back('$');
    out_.append(std::to_string(a.size()));
    out_.append("\r\n");
    out_.append(a);
    out_.append("\r\n");
  }
}

Status RespClient::Flush() {
  size_t off = 0;
  while (off < out_.size()) {
    ssize_t n = send(fd_, out_.data() + off, out_.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("send: ") + strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  out_.clear();
  return Status::OK();
}

Status RespClient::Fill() {
  if (in_pos_ > 0 && in_pos_ == in_.size()) {
    in_.clear();
    in_pos_ = 0;
  } else if (in_pos_ > (1 << 20)) {
    in_.erase(0, in_pos_);
    in_pos_ = 0;
  }
  char buf[65536];
  while (true) {
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n > 0) {
      in_.append(buf, static_cast<size_t>(n));
      return Status::OK();
    }
    if (n == 0) return Status::IOError("connection closed by the server");
    if (errno == EINTR) continue;
    return Status::IOError(std::string("recv: ") + strerror(errno));
  }
}

Status RespClient::ReadLine(std::string* line) {
  while (true) {
    size_t e = in_.find("\r\n", in_pos_);
    if (e != std::string::npos) {
      line->assign(in_, in_pos_, e - in_pos_);
      in_pos_ = e + 2;
      return Status::OK();
    }
    REDROCK_RETURN_IF_ERROR(Fill());
  }
}

Status RespClient::Read(RespReply* reply) {
  std::string line;
  REDROCK_RETURN_IF_ERROR(ReadLine(&line));
  if (line.empty()) return Status::Corruption("empty reply line");
  std::string_view rest(line.data() + 1, line.size() - 1);
  int64_t n = 0;
  switch (line[0]) {
    case '+':
      reply->kind = RespReply::Kind::kSimple;
      reply->str.assign(rest);
      return Status::OK();
    case '-':
      reply->kind = RespReply::Kind::kError;
      reply->str.assign(rest);
      return Status::OK();
    case ':':
      reply->kind = RespReply::Kind::kInteger;
      if (!ParseInt64(rest, &reply->integer)) return Status::Corruption("bad integer reply");
      return Status::OK();
    case '$':
      if (!ParseInt64(rest, &n)) return Status::Corruption("bad bulk length");
      if (n < 0) {
        reply->kind = RespReply::Kind::kNull;
        return Status::OK();
      }
      while (in_.size() - in_pos_ < static_cast<size_t>(n) + 2)
        REDROCK_RETURN_IF_ERROR(Fill());
      reply->kind = RespReply::Kind::kBulk;
      reply->str.assign(in_, in_pos_, static_cast<size_t>(n));
      in_pos_ += static_cast<size_t>(n) + 2;
      return Status::OK();
    case '*':
      if (!ParseInt64(rest, &n)) return Status::Corruption("bad array length");
      if (n < 0) {
        reply->kind = RespReply::Kind::kNull;
        return Status::OK();
      }
      reply->kind = RespReply::Kind::kArray;
      reply->elements.resize(static_cast<size_t>(n));
      for (auto& e : reply->elements)
        REDROCK_RETURN_IF_ERROR(Read(&e));
      return Status::OK();
    default:
      return Status::Corruption("unexpected reply type '" + std::string(1, line[0]) + "'");
  }
}

Status RespClient::Call(const std::vector<std::string_view>& args, RespReply* reply) {
  Append(args);
  REDROCK_RETURN_IF_ERROR(Flush());
  return Read(reply);
}

}  // namespace redrock::dump
