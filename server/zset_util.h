// Helpers shared by the sorted-set command files: zset_family.cc (single-key commands) and
// zset_multikey_family.cc (pops, blocking pops and the set algebra).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/zset_type.h"
#include "server/command.h"

namespace redrock::server::zset {

// A ZSetType for reads and removals.
engine::ZSetType Reader(CommandContext& ctx);
// A ZSetType for the commands that add members: zset-max-listpack-* from the configuration
// decide the encoding OBJECT ENCODING reports, as in Redis.
engine::ZSetType Writer(CommandContext& ctx);

// args[first, end) as views.
std::vector<std::string_view> ArgViews(const CommandContext& ctx, size_t first, size_t end);

// Members with or without scores: RESP2 flattens (member, score) pairs, RESP3 nests them.
void ReplyMembers(CommandContext& ctx, const std::vector<engine::ScoredMember>& members,
                  bool with_scores);

// Keyspace events of a removal: `event`, then "del" when it emptied the key.
void NotifyRemoval(CommandContext& ctx, std::string_view event, std::string_view key);
// Events (and the blocked clients' signal) of a command that replaced dst with a result of
// `size` members, or deleted it when empty. `created`/`existed`: dst's state before.
void NotifyStore(CommandContext& ctx, std::string_view event, std::string_view dst, int64_t size,
                 bool created, bool existed);

// A registration entry of the sorted-set group.
CommandSpec Spec(std::string name, int arity, uint32_t flags, int first, int last, int step,
                 CommandHandler handler, std::string summary, std::string since,
                 std::vector<std::string> acl, std::string complexity,
                 std::vector<std::string> tips = {});

// The registration block of zset_multikey_family.cc (RegisterZSetCommands calls it).
void RegisterZSetMultiKeyCommands(CommandTable* table);

}  // namespace redrock::server::zset
