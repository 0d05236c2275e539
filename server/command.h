// The command table: every command's name, arity, flags and key positions, and its handler.
// Dispatch, arity errors, COMMAND INFO/DOCS/GETKEYS, key locking and (later) cluster slots
// all read this table. Each command family registers its block in its own file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/request_parser.h"

namespace redrock::engine {
class Engine;
}

namespace redrock::server {

class Server;
class Client;

// Redis command flags (the subset we act on, plus what COMMAND INFO reports).
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,
  kCmdReadOnly = 1u << 1,
  kCmdDenyOom = 1u << 2,
  kCmdAdmin = 1u << 3,
  kCmdPubSub = 1u << 4,
  kCmdNoScript = 1u << 5,
  kCmdBlocking = 1u << 6,
  kCmdLoading = 1u << 7,
  kCmdStale = 1u << 8,
  kCmdFast = 1u << 9,
  kCmdNoAuth = 1u << 10,     // allowed before AUTH
  kCmdNoMulti = 1u << 11,    // not allowed inside MULTI
  kCmdExclusive = 1u << 12,  // runs with every other command excluded (DEBUG RELOAD, FLUSHALL)
  kCmdSortForScript = 1u << 13,
  kCmdSkipMonitor = 1u << 14,
  kCmdAllowBusy = 1u << 15,
  kCmdNoTouch = 1u << 16,  // does not count as an access for OBJECT IDLETIME (TYPE, TTL...)
  kCmdNoAsyncLoading = 1u << 17,
};

// Everything a handler needs for one call.
struct CommandContext {
  Server& server;
  Client& client;
  const protocol::Request& args;  // args[0] is the command name as the client sent it
  protocol::ReplyWriter& reply;
  engine::Engine& engine;
  int db;  // the client's selected database
};

using CommandHandler = void (*)(CommandContext& ctx);

struct CommandSpec {
  std::string name;  // lower case; "config|get" style for subcommands
  int arity;         // Redis convention: n > 0 exactly n, n < 0 at least -n (name included)
  uint32_t flags;
  int first_key;  // 0 = no keys
  int last_key;   // -1 = last argument
  int key_step;
  CommandHandler handler;
  std::string group;    // "string", "generic", "connection", "server", ...
  std::string summary;  // one line for COMMAND DOCS
  std::string since = "1.0.0";
  std::vector<std::string> acl_categories;  // "@read", "@write", "@fast", ...
  std::vector<CommandSpec> subcommands;     // CONFIG GET, CLIENT LIST, ...
  std::vector<std::string> tips;            // COMMAND INFO tips ("nondeterministic_output")
  std::string complexity;                   // COMMAND DOCS complexity
  uint32_t id = 0;  // dense index assigned by CommandTable::Register (per-command stats)
};

class CommandTable {
 public:
  CommandTable() = default;
  CommandTable(const CommandTable& other);
  CommandTable& operator=(const CommandTable& other);
  CommandTable(CommandTable&&) = default;  // map nodes move, so the index stays valid
  CommandTable& operator=(CommandTable&&) = default;

  // Adds a command; its name is lower-cased.
  void Register(CommandSpec spec);
  // Looks up by name, case-insensitively; nullptr when unknown.
  const CommandSpec* Find(std::string_view name) const;
  // Looks up a subcommand ("config", "get"); nullptr when unknown.
  const CommandSpec* FindSub(const CommandSpec& parent, std::string_view sub) const;
  const std::map<std::string, CommandSpec>& all() const { return commands_; }
  size_t size() const { return commands_.size(); }
  // Number of ids handed out (commands plus subcommands); ids are < this.
  uint32_t id_count() const { return next_id_; }

  // Positions of the key arguments of `args` under `spec` (COMMAND GETKEYS, key locks).
  static std::vector<size_t> KeyPositions(const CommandSpec& spec, const protocol::Request& args);

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  void RebuildIndex();

  std::map<std::string, CommandSpec> commands_;
  // Hash index over commands_ for the per-request lookup.
  std::unordered_map<std::string, const CommandSpec*, NameHash, std::equal_to<>> index_;
  uint32_t next_id_ = 0;
};

// Registration blocks, one per family file.
void RegisterConnectionCommands(CommandTable* table);  // server/connection_family.cc
void RegisterServerCommands(CommandTable* table);      // server/server_family.cc
void RegisterStringCommands(CommandTable* table);      // server/string_family.cc
void RegisterKeyCommands(CommandTable* table);         // server/key_family.cc
void RegisterHashCommands(CommandTable* table);        // server/hash_family.cc
void RegisterSetCommands(CommandTable* table);         // server/set_family.cc
void RegisterListCommands(CommandTable* table);        // server/list_family.cc
void RegisterZSetCommands(CommandTable* table);        // server/zset_family.cc
void RegisterMultiCommands(CommandTable* table);       // server/multi.cc (MULTI, EXEC, WATCH...)
void RegisterPubSubCommands(CommandTable* table);      // server/pubsub_family.cc, MONITOR
// All of the above and every other family (server/registry.cc).
void RegisterAllCommands(CommandTable* table);

// Common error texts, exactly as Redis 7 writes them.
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";

}  // namespace redrock::server
