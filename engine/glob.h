// Glob-style pattern matching with Redis's rules (KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE).
#pragma once

#include <string_view>

namespace redrock {

// True when `str` matches `pattern`: `*` any run, `?` one byte, `[abc]`, `[^a]`, `[a-z]`
// (reversed ranges allowed), `\x` escapes x. Binary safe. With nocase, ASCII letters compare
// case-insensitively. Bounded work on pathological patterns (as Redis's stringmatchlen).
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// The literal prefix every match of `pattern` must start with ("user:*" -> "user:"), so a scan
// can seek instead of visiting every key.
std::string_view GlobLiteralPrefix(std::string_view pattern);

}  // namespace redrock
