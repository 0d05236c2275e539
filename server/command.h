// The command table: every command's name, arity, flags and key positions, and its handler.
// Dispatch, arity errors, COMMAND INFO/DOCS/GETKEYS, key locking and (later) cluster slots
// all read this table. Each command family registers its block in its own file.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
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
  kCmdSkipSlowlog = 1u << 18,  // not in SLOWLOG (EXEC: the commands it runs are)
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

// One of Redis 7's key specs (COMMAND INFO's "key specs"): where a command's keys begin and
// how to find them from there. Commands whose keys are counted by a numkeys argument
// (ZUNION 2 a b, ZUNIONSTORE dst 2 a b, LMPOP, BLMPOP, SINTERCARD...) cannot be told by the
// legacy first/last/step triple, so they declare their specs; every other command's keys
// come from the triple.
struct KeySpec {
  std::vector<std::string> flags;  // "RW", "access", ... as Redis lists them
  int begin_index = 0;             // begin_search "index": the argument the search starts at
  bool keynum = false;             // find_keys type: "keynum" or "range"
  // range: keys from begin_index to begin_index + last_key (negative: counted from the
  // end, -1 = the last argument), every key_step-th.
  int last_key = 0;
  // keynum: the key count is at begin_index + keynum_index, the keys start at
  // begin_index + first_key, every key_step-th.
  int keynum_index = 0;
  int first_key = 1;
  int key_step = 1;
  // begin_search "keyword" instead, when set: the keys start right after `keyword`, looked
  // for from argument `keyword_startfrom` (negative: counted from the end, searching
  // backwards). A spec whose keyword is absent yields no keys.
  std::string keyword;
  int keyword_startfrom = 0;
};

// A "range" spec of the one key at `index` (ZUNIONSTORE's destination).
KeySpec SingleKeySpec(int index, std::vector<std::string> flags);
// A "keynum" spec: the count at `numkeys_index`, the keys right after it.
KeySpec NumKeysSpec(int numkeys_index, std::vector<std::string> flags);
// A "keyword" spec: every argument after `keyword` (searched from `startfrom`) is a key.
KeySpec KeywordSpec(std::string keyword, int startfrom, std::vector<std::string> flags);

struct CommandSpec;
// Redis's getkeys_proc: finds the keys of commands whose key specs cannot always tell them
// (a spec flagged "incomplete"), with the key spec of each (for its flags).
using KeyFinder = void (*)(const CommandSpec& spec, const protocol::Request& args,
                           std::vector<size_t>* positions, std::vector<const KeySpec*>* specs);

struct CommandSpec {
  std::string name;  // lower case; "config|get" style for subcommands
  int arity;         // Redis convention: n > 0 exactly n, n < 0 at least -n (name included)
  uint32_t flags;
  int first_key;  // 0 = no keys
  int last_key;   // -1 = last argument
  int key_step;
  std::vector<KeySpec> key_specs;  // empty: the keys are given by first/last/step
  KeyFinder find_keys = nullptr;   // used when the key specs do not fit the arguments
  CommandHandler handler;
  std::string group;    // "string", "generic", "connection", "server", ...
  std::string summary;  // one line for COMMAND DOCS
  std::string since = "1.0.0";
  std::vector<std::string> acl_categories;  // "@read", "@write", "@fast", ...
  std::vector<CommandSpec> subcommands;     // CONFIG GET, CLIENT LIST, ...
  std::vector<std::string> tips;            // COMMAND INFO tips ("nondeterministic_output")
  std::string complexity;                   // COMMAND DOCS complexity
  uint32_t id = 0;  // dense index assigned by CommandTable::Register (per-command stats)

  // True when some argument may be a key (COMMAND GETKEYS answers an error otherwise).
  bool has_keys() const { return first_key > 0 || !key_specs.empty(); }
};

// The legacy key positions of a registration entry: first key, last key (-1 = the last
// argument), step; {0, 0, 0} = no keys.
struct KeyRange {
  int first = 0;
  int last = 0;
  int step = 0;
};

// Builds a registration entry. Each family file wraps it in a Spec() of its own that fixes
// the COMMAND DOCS group and adds the family's ACL category where Redis lists it, so that
// the entries of one registration block read alike.
CommandSpec MakeCommandSpec(std::string name, int arity, uint32_t flags, KeyRange keys,
                            CommandHandler handler, std::string group, std::string summary,
                            std::string since, std::vector<std::string> acl,
                            std::string complexity = {}, std::vector<std::string> tips = {});

// `spec` with its key specs set, for registration blocks:
//   table->Register(WithKeySpecs(Spec("lmpop", ...), {NumKeysSpec(1, {"RW", ...})}));
CommandSpec WithKeySpecs(CommandSpec spec, std::vector<KeySpec> key_specs);

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

  // Positions of the key arguments of `args` under `spec` (COMMAND GETKEYS, key locks,
  // access times), found as Redis 7.0 finds them: from the key specs when all of them fit
  // the arguments and none found is "incomplete", else from the command's find_keys, or
  // for numkeys commands (a numkeys that is not a plain in-range number) the way Redis's
  // fallback for them does (genericGetKeys: atoi of the count, the counted keys first, then
  // the destination; none when the count is < 1 or too large). When `specs` is given, it
  // gets the key spec of each position, nullptr where Redis reports no flags.
  static std::vector<size_t> KeyPositions(const CommandSpec& spec, const protocol::Request& args,
                                          std::vector<const KeySpec*>* specs = nullptr);

 private:
  // Open-addressing index over commands_ for the per-request lookup, keyed by a hash of the
  // lower-cased name that Find computes while lower-casing (no second pass over the name).
  struct Slot {
    uint64_t hash = 0;
    const CommandSpec* spec = nullptr;
  };
  void RebuildIndex();
  void IndexInsert(const CommandSpec* spec);

  std::map<std::string, CommandSpec> commands_;
  std::vector<Slot> index_;
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
void RegisterDumpCommands(CommandTable* table);        // server/dump_family.cc (DUMP, RESTORE...)
void RegisterMigrateCommand(CommandTable* table);      // server/migrate_family.cc
// SNAPSHOT BEGIN/NEXT/END, redrock's network dump (server/snapshot_family.cc).
void RegisterSnapshotCommands(CommandTable* table);
// SORT, SORT_RO (server/sort_family.cc).
void RegisterSortCommands(CommandTable* table);
// SLOWLOG (server/slowlog.cc).
void RegisterSlowLogCommand(CommandTable* table);
// All of the above and every other family (server/registry.cc).
void RegisterAllCommands(CommandTable* table);

// Common error texts, exactly as Redis 7 writes them.
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kErrNoSuchKey = "ERR no such key";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";

}  // namespace redrock::server
