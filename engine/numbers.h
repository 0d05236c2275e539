// Number parsing and formatting with Redis's exact rules (string2ll, string2ld, ld2string...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace redrock {

// Strict signed 64-bit parse as Redis's string2ll: optional '-', no '+', no spaces, no leading
// zeros (except "0"), no overflow. "-0" is rejected.
bool ParseInt64(std::string_view s, int64_t* out);

// Parses a double as Redis does for scores and INCRBYFLOAT arguments: strtod on the whole
// string, no spaces, "inf"/"-inf"/"+inf" accepted, NaN rejected.
bool ParseDouble(std::string_view s, double* out);

// Parses a long double as Redis's string2ld (INCRBYFLOAT): no spaces, NaN rejected, length
// at most 5*1024.
bool ParseLongDouble(std::string_view s, long double* out);

// Formats an integer in decimal.
std::string FormatInt64(int64_t v);

// Formats a long double as Redis's ld2string in LD_STR_HUMAN mode (INCRBYFLOAT replies and
// stored values): "%.17Lf" with trailing zeros (and a trailing dot) removed, "inf"/"-inf".
std::string FormatLongDoubleHuman(long double v);

}  // namespace redrock
