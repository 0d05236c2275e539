// A minimal blocking RESP2 client for the dump tools: connect, pipeline commands, read
// replies. Enough for AUTH, SELECT, RESTORE, INFO and SNAPSHOT; not a general-purpose client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace redrock::dump {

struct RespReply {
  enum class Kind { kSimple, kError, kInteger, kBulk, kNull, kArray } kind = Kind::kNull;
  std::string str;  // simple string, error text, bulk
  int64_t integer = 0;
  std::vector<RespReply> elements;
};

class RespClient {
 public:
  RespClient() = default;
  ~RespClient();
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  Status Connect(const std::string& host, int port, int timeout_ms = 30000);
  // AUTH (with `user` when not empty) when `password` is not empty, then PING; IOError
  // with the server's error text when either fails.
  Status Authenticate(const std::string& user, const std::string& password);
  // Appends a command to the send buffer (sent by Flush or Call).
  void Append(const std::vector<std::string_view>& args);
  Status Flush();
  Status Read(RespReply* reply);
  // Append + Flush + Read.
  Status Call(const std::vector<std::string_view>& args, RespReply* reply);
  size_t buffered() const { return out_.size(); }

 private:
  Status Fill();
  Status ReadLine(std::string* line);

  int fd_ = -1;
  std::string out_;
  std::string in_;
  size_t in_pos_ = 0;
};

}  // namespace redrock::dump
