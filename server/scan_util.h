// The SCAN family's shared parts (SCAN, HSCAN, SSCAN, ZSCAN): cursor and option parsing with
// Redis 7.0's rules and error precedence, cursor bookkeeping in ScanCursorTable, and the
// reply's shape. Redis 7.0 has no NOVALUES: an unknown option is a syntax error.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/key_format.h"
#include "engine/member_iterator.h"
#include "server/command.h"

namespace redrock::server {

struct ScanOptions {
  std::optional<std::string> match;  // nullopt: every element (MATCH * is folded in)
  int64_t count = 10;                // COUNT, >= 1
  std::optional<std::string> type;   // SCAN's TYPE (as given)
};

// Parses a cursor as Redis's parseScanCursorOrReply does (strtoul: "", "+5" and "-1" pass,
// a leading space does not). On failure replies "ERR invalid cursor" and returns false.
bool ParseScanCursor(CommandContext& ctx, size_t index, uint64_t* cursor);

// Parses [MATCH pattern] [COUNT count] (and [TYPE type] when allow_type) from args[first..].
// Returns the error Redis would send for the first bad option, or "" when all are valid.
std::string ParseScanOptions(const CommandContext& ctx, size_t first, bool allow_type,
                             ScanOptions* out);

// One page of a collection scan: the engine call of HSCAN, SSCAN or ZSCAN for the command's
// key (HashType::Scan and its kin), with the values as the reply shows them.
using CollectionScanFn = std::function<Status(const engine::ScanResumeFn& resume, size_t count,
                                              std::optional<std::string_view> match,
                                              engine::MemberPage* page, uint64_t* version)>;

// HSCAN / SSCAN / ZSCAN key cursor [MATCH pattern] [COUNT count]: parses the arguments, runs
// `scan` from the cursor's position, hands out the next cursor and replies ((member, value)
// pairs flattened when `with_values`).
void CollectionScanCommand(CommandContext& ctx, engine::ValueType type, bool with_values,
                           const CollectionScanFn& scan);

// Records visited per call for a COUNT (bounded, so a selective MATCH cannot stall a thread).
size_t ScanBudget(int64_t count);

// The cursor to hand out for a scan that stopped at `next` (0 when it is over: nullopt).
uint64_t SaveScanCursor(const std::string& scope, const std::optional<std::string>& next);

}  // namespace redrock::server
