// MONITOR: every command any client executes, streamed as Redis 7.0 prints it:
//   +1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"
// (the db after the command ran, arguments escaped like sdscatrepr, AUTH and HELLO AUTH
// credentials "(redacted)", admin and skip-monitor commands left out). Lines reach each
// monitor through its io thread under the pubsub output limits, like pub/sub messages.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request_parser.h"

namespace redrock::server {

class Client;
class CommandTable;
class PubSub;
struct CommandSpec;
struct Subscriber;

// Registers MONITOR (called by RegisterPubSubCommands).
void RegisterMonitorCommand(CommandTable* table);

class Monitors {
 public:
  explicit Monitors(PubSub* pubsub) : pubsub_(pubsub) {}
  Monitors(const Monitors&) = delete;
  Monitors& operator=(const Monitors&) = delete;

  // True when at least one client monitors: dispatch calls Feed only then.
  bool active() const { return count_.load(std::memory_order_relaxed) > 0; }
  // Starts streaming to `client` (its own thread); stops when it closes or RESETs.
  void Add(Client& client);
  void Remove(Client& client);
  // Sends one executed command to every monitor (the executing client's thread).
  void Feed(const Client& client, const CommandSpec& spec, const protocol::Request& args);

  // The line for one command (without "+" and CRLF); `now_us` is unix time in microseconds.
  static std::string FormatLine(int64_t now_us, int db, std::string_view origin,
                                const CommandSpec& spec, const protocol::Request& args);

 private:
  PubSub* pubsub_;
  std::mutex mu_;
  std::vector<std::pair<std::weak_ptr<Client>, std::shared_ptr<Subscriber>>> monitors_;
  std::atomic<int> count_{0};
};

}  // namespace redrock::server
