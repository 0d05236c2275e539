// Glob matching that reproduces Redis 7.0's stringmatchlen() byte for byte, including its
// quirks (an unterminated "[" class, "[a-]" read as a range, signed-char ranges), so KEYS,
// SCAN MATCH and PSUBSCRIBE select exactly the names Redis would.
#include "engine/glob.h"

#include <utility>

namespace redrock {

namespace {

// Redis gives up (no match) past this recursion depth so a pattern of many '*' cannot
// exhaust the stack.
constexpr int kMaxNesting = 1000;

// ASCII-only lower-casing; the C-locale tolower() Redis calls does the same on every byte.
int Lower(int c) {
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

// A cursor over the pattern that reads '\0' past the end, as Redis's code does on its
// NUL-terminated sds strings; this keeps every boundary case identical.
struct Cursor {
  const char* p;
  int len;
  // Byte i ahead, as a (signed) char widened to int, like Redis's `pattern[i]`.
  int At(int i) const { return i < len ? static_cast<signed char>(p[i]) : 0; }
  void Advance(int n) {
    p += n;
    len -= n;
  }
};

// Matches one "[...]" class starting after the '['; leaves `pat` on its closing ']' (or on
// the last byte when unterminated) and reports whether `c` is in the class.
bool MatchClass(Cursor* pat, int c, bool nocase) {
  bool negate = pat->At(0) == '^';
  if (negate) pat->Advance(1);
  bool match = false;
  while (true) {
    if (pat->At(0) == '\\' && pat->len >= 2) {
      pat->Advance(1);
      if (pat->At(0) == c) match = true;
    } else if (pat->At(0) == ']') {
      break;
    } else if (pat->len == 0) {
      // Unterminated class: step back so the caller's advance lands on the end.
      pat->Advance(-1);
      break;
    } else if (pat->len >= 3 && pat->At(1) == '-') {
      int start = pat->At(0);
      int end = pat->At(2);
      int ch = c;
      if (start > end) std::swap(start, end);
      if (nocase) {
        start = Lower(start);
        end = Lower(end);
        ch = Lower(ch);
      }
      pat->Advance(2);
      if (ch >= start && ch <= end) match = true;
    } else if (nocase ? Lower(pat->At(0)) == Lower(c) : pat->At(0) == c) {
      match = true;
    }
    pat->Advance(1);
  }
  return negate ? !match : match;
}

// `skip_longer` records that the rest of the pattern after some '*' matched nowhere in the
// remaining string; every enclosing '*' can then stop trying longer runs, which turns the
// exponential backtracking of patterns like "*a*a*a*b" into polynomial work.
bool MatchImpl(Cursor pat, Cursor str, bool nocase, bool* skip_longer, int nesting) {
  if (nesting > kMaxNesting) return false;
  while (pat.len > 0 && str.len > 0) {
    switch (pat.At(0)) {
      case '*':
        while (pat.len > 0 && pat.At(1) == '*')
          pat.Advance(1);
        if (pat.len == 1) return true;
        while (str.len > 0) {
          Cursor rest{pat.p + 1, pat.len - 1};
          if (MatchImpl(rest, str, nocase, skip_longer, nesting + 1)) return true;
          if (*skip_longer) return false;
          str.Advance(1);
        }
        *skip_longer = true;
        return false;
      case '?':
        str.Advance(1);
        break;
      case '[': {
        pat.Advance(1);
        if (!MatchClass(&pat, str.At(0), nocase)) return false;
        str.Advance(1);
        break;
      }
      case '\\':
        if (pat.len >= 2) pat.Advance(1);
        [[fallthrough]];
      default:
        if (nocase ? Lower(pat.At(0)) != Lower(str.At(0)) : pat.At(0) != str.At(0)) {
          return false;
        }
        str.Advance(1);
        break;
    }
    pat.Advance(1);
    if (str.len == 0) {
      while (pat.At(0) == '*')
        pat.Advance(1);
      break;
    }
  }
  // Note an empty string never enters the loop, so "*" does not match "" here; Redis's KEYS
  // and SCAN special-case a lone "*" before calling the matcher.
  return pat.len == 0 && str.len == 0;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase) {
  bool skip_longer = false;
  Cursor pat{pattern.data(), static_cast<int>(pattern.size())};
  Cursor s{str.data(), static_cast<int>(str.size())};
  return MatchImpl(pat, s, nocase, &skip_longer, 0);
}

std::string_view GlobLiteralPrefix(std::string_view pattern) {
  // Stop at the first byte with a special meaning; an escape stops it too, because the
  // prefix is a view into the pattern and cannot drop the backslash.
  size_t n = pattern.find_first_of("*?[\\");
  return n == std::string_view::npos ? pattern : pattern.substr(0, n);
}

}  // namespace redrock
