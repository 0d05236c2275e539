// The SCAN family's shared parts (SCAN, HSCAN, SSCAN, ZSCAN): cursor and option parsing with
// Redis 7.0's rules and error precedence, cursor bookkeeping in ScanCursorTable, and the
// reply's shape. Redis 7.0 has no NOVALUES: an unknown option is a syntax error.
#pragma once

#include <cstdint>
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

// HSCAN / SSCAN / ZSCAN key cursor [MATCH pattern] [COUNT count]: parses the cursor and the
// options. As in Redis, the key is looked up between the two: with bad options, a missing
// key still answers an empty scan and a key of another type WRONGTYPE. On any failure the
// reply is written and false returned.
bool ParseCollectionScan(CommandContext& ctx, engine::ValueType type, uint64_t* cursor,
                         ScanOptions* options);

// Cursors of a collection scan resume only the key version they were handed out for.
std::string CollectionScanScope(int db, std::string_view key, uint64_t version);

// Records visited per call for a COUNT (bounded, so a selective MATCH cannot stall a thread).
size_t ScanBudget(int64_t count);

// The cursor to hand out for a scan that stopped at `next` (0 when it is over).
uint64_t SaveScanCursor(const std::string& scope, const std::string& next);

// Writes a scan reply: [cursor, [items...]], items being members, or (member, value) pairs
// flattened when with_values (HSCAN, ZSCAN: values already formatted).
void ReplyScanPage(CommandContext& ctx, uint64_t cursor, const engine::MemberPage& page,
                   bool with_values);

}  // namespace redrock::server
