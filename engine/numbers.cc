// Number parsing and formatting with Redis 7.0's exact rules (util.c and object.c).
#include "engine/numbers.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace redrock {

namespace {

// Redis's LONG_STR_SIZE: string2ll refuses anything this long or longer before parsing.
constexpr size_t kLongStrSize = 21;
// Redis's MAX_LONG_DOUBLE_CHARS: the buffer string2ld copies into (so the limit is one less).
constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// True when strto{d,ld} reported ERANGE for an overflow or a total underflow; Redis accepts
// denormal results (ERANGE with a non-zero value) but not these.
template <typename T>
bool OutOfRange(T value) {
  return errno == ERANGE && (std::isinf(value) || std::fpclassify(value) == FP_ZERO);
}

}  // namespace

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() >= kLongStrSize) return false;
  if (s.size() == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == s.size()) return false;
  }
  // A leading zero is only allowed for "0" itself, so "-0" and "007" fail here.
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t digit = s[i] - '0';
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool ParseDouble(std::string_view s, double* out) {
  // strtod needs a terminated copy; an embedded NUL then stops it short of the end and fails
  // the whole-string check, as in Redis.
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(buf.c_str(), &end);
  if (static_cast<size_t>(end - buf.c_str()) != buf.size() || OutOfRange(value) ||
      std::isnan(value)) {
    return false;
  }
  *out = value;
  return true;
}

bool ParseLongDouble(std::string_view s, long double* out) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return false;
  if (std::isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  long double value = std::strtold(buf.c_str(), &end);
  if (static_cast<size_t>(end - buf.c_str()) != buf.size() || OutOfRange(value) ||
      errno == EINVAL || std::isnan(value)) {
    return false;
  }
  *out = value;
  return true;
}

std::string FormatInt64(int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

std::string FormatLongDoubleHuman(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // 17 fractional digits: with 80/128-bit long doubles this rounds most short decimals back
  // to what the user typed (Redis's reasoning). The largest finite long double prints in
  // under 5,000 characters, so the buffer below always fits.
  char buf[kMaxLongDoubleChars];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  if (n < 0 || static_cast<size_t>(n) >= sizeof(buf)) return std::string();
  size_t len = static_cast<size_t>(n);
  if (std::memchr(buf, '.', len) != nullptr) {
    while (buf[len - 1] == '0')
      len--;
    if (buf[len - 1] == '.') len--;
  }
  // Tiny negative values round to "-0.000..."; Redis reports them as "0".
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

}  // namespace redrock
