// Argument parsing shared by command handlers: each helper parses one argument with Redis's
// rules and, on failure, writes Redis's error reply and returns false, so handlers stay flat:
//   int64_t n; if (!ParseIntArg(ctx, 2, &n)) return;
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/status.h"
#include "server/command.h"

namespace redrock::server {

// Case-insensitive comparison of an argument with an option name.
bool ArgIs(std::string_view arg, std::string_view option);

// Integer argument ("ERR value is not an integer or out of range").
bool ParseIntArg(CommandContext& ctx, size_t index, int64_t* out);
// Integer argument with its own error text on failure.
bool ParseIntArg(CommandContext& ctx, size_t index, int64_t* out, std::string_view error);
// The count of SRANDMEMBER / HRANDFIELD / ZRANDMEMBER: an integer whose negation exists (not
// LLONG_MIN: "ERR value is out of range, value must between ...", as Redis says it).
bool ParseRandomCountArg(CommandContext& ctx, size_t index, int64_t* count);
// Float argument ("ERR value is not a valid float").
bool ParseLongDoubleArg(CommandContext& ctx, size_t index, long double* out);
// Database index argument, range-checked against the configured databases.
bool ParseDbArg(CommandContext& ctx, size_t index, int* db);

// Writes the reply for a failed engine status (WRONGTYPE, ERR ..., I/O errors).
void ReplyError(CommandContext& ctx, const Status& status);

// The command's name as Redis prints it in errors (lower case).
std::string CommandName(const CommandContext& ctx);

// Counts one key lookup of a read command in INFO's keyspace_hits / keyspace_misses, as
// Redis's lookupKeyRead does (a key of another type is a hit).
void CountLookup(CommandContext& ctx, bool hit);

}  // namespace redrock::server
