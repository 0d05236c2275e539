// Incremental RESP request parsing with Redis 7.0's rules (networking.c processInlineBuffer
// and processMultibulkBuffer, sds.c sdssplitargs): the same limits, the same error texts,
// and the same requests whichever way the bytes are split across reads.
#include "protocol/request_parser.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace redrock::protocol {

namespace {

// Redis grows argv in steps instead of trusting the declared count up front.
constexpr int64_t kMaxArgvReserve = 1024;

// Length parsing with Redis's string2ll rules (no '+', no leading zeros, no spaces, at most
// 20 characters). protocol/ does not depend on engine/, hence this small local copy.
bool ParseLength(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = s[0] == '-';
  if (negative && ++i == s.size()) return false;
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t digit = s[i] - '0';
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  if (v > static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0)) return false;
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

// Where a line searched for `terminator` ends inside `data`: the terminator's offset, or
// npos. Redis searches with strchr(), which stops at a NUL byte; `*blind` reports that case,
// in which Redis never finds this line's end and waits until the size limit trips.
size_t FindLineEnd(std::string_view data, char terminator, bool* blind) {
  const void* hit = std::memchr(data.data(), terminator, data.size());
  size_t end = hit ? static_cast<const char*>(hit) - data.data() : data.size();
  *blind = std::memchr(data.data(), '\0', end) != nullptr;
  if (*blind || hit == nullptr) return std::string_view::npos;
  return end;
}

// C-locale isspace(), which sdssplitargs uses between arguments and after a closing quote.
bool IsSpace(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c <= '9') return c - '0';
  return (c | 0x20) - 'a' + 10;
}

// What the escape \c means inside double quotes; unknown escapes stand for themselves.
char Unescape(char c) {
  constexpr std::string_view kFrom = "nrtba";
  constexpr std::string_view kTo = "\n\r\t\b\a";
  size_t k = kFrom.find(c);
  return k == std::string_view::npos ? c : kTo[k];
}

}  // namespace

bool SplitInlineArgs(std::string_view line, Request* out) {
  out->clear();
  // sdssplitargs reads a C string: a NUL ends the input, and reading past the end yields NUL.
  line = line.substr(0, line.find('\0'));
  auto at = [&line](size_t i) { return i < line.size() ? line[i] : '\0'; };
  size_t p = 0;
  while (true) {
    while (p < line.size() && IsSpace(line[p]))
      p++;
    if (p >= line.size()) return true;
    std::string arg;
    bool in_dq = false;  // inside "double quotes"
    bool in_sq = false;  // inside 'single quotes'
    bool done = false;
    while (!done) {
      char c = at(p);
      if (in_dq) {
        if (c == '\\' && at(p + 1) == 'x' && IsHexDigit(at(p + 2)) && IsHexDigit(at(p + 3))) {
          arg.push_back(static_cast<char>(HexValue(at(p + 2)) * 16 + HexValue(at(p + 3))));
          p += 3;
        } else if (c == '\\' && at(p + 1) != '\0') {
          p++;
          arg.push_back(Unescape(at(p)));
        } else if (c == '"') {
          // A closing quote must end the argument: "a"b is an error, not "ab".
          if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;  // unterminated quotes
        } else {
          arg.push_back(c);
        }
      } else if (in_sq) {
        if (c == '\\' && at(p + 1) == '\'') {
          p++;
          arg.push_back('\'');
        } else if (c == '\'') {
          if (at(p + 1) != '\0' && !IsSpace(at(p + 1))) return false;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          arg.push_back(c);
        }
      } else {
        // Unlike the skip above, only these end an unquoted argument (not \v or \f), and a
        // quote in the middle of one opens a quoted part: a"b c" is the argument `ab c`.
        switch (c) {
          case ' ':
          case '\n':
          case '\r':
          case '\t':
          case '\0':
            done = true;
            break;
          case '"':
            in_dq = true;
            break;
          case '\'':
            in_sq = true;
            break;
          default:
            arg.push_back(c);
            break;
        }
      }
      if (at(p) != '\0') p++;
    }
    out->push_back(std::move(arg));
  }
}

bool RequestParser::Feed(std::string_view data, std::vector<Request>* out) {
  if (failed_) return false;
  size_t pos = 0;
  while (pos < data.size()) {
    // Like Redis, the first byte of each request picks its kind: '*' multibulk, else inline.
    if (mode_ == Mode::kStart) mode_ = data[pos] == '*' ? Mode::kMultibulk : Mode::kInline;
    bool ok =
        mode_ == Mode::kInline ? ParseInline(data, &pos, out) : ParseMultibulk(data, &pos, out);
    if (!ok) {
      failed_ = true;
      return false;
    }
  }
  return true;
}

size_t RequestParser::buffered_bytes() const {
  return pending_.size() + current_bytes_;
}

bool RequestParser::Fail(std::string message) {
  error_ = std::move(message);
  return false;
}

bool RequestParser::ParseInline(std::string_view data, size_t* pos, std::vector<Request>* out) {
  std::string_view rest = data.substr(*pos);
  bool blind = line_blind_;
  size_t end = blind ? std::string_view::npos : FindLineEnd(rest, '\n', &blind);
  line_blind_ = blind;
  if (end == std::string_view::npos) {
    // Redis judges the limit only while the line has no end yet; a longer line that arrives
    // complete is accepted.
    pending_.append(rest);
    *pos = data.size();
    if (pending_.size() > limits_.max_inline_len) {
      return Fail("Protocol error: too big inline request");
    }
    return true;
  }
  std::string_view line = rest.substr(0, end);
  if (!pending_.empty()) {
    pending_.append(line);
    line = pending_;
  }
  *pos += end + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  Request args;
  if (!SplitInlineArgs(line, &args)) return Fail("Protocol error: unbalanced quotes in request");
  pending_.clear();
  mode_ = Mode::kStart;
  // An empty line is skipped, as Redis does (telnet users press enter).
  if (!args.empty()) out->push_back(std::move(args));
  return true;
}

bool RequestParser::ParseMultibulk(std::string_view data, size_t* pos, std::vector<Request>* out) {
  if (bulk_len_ >= 0) {
    ReadBulk(data, pos, out);
    return true;
  }
  bool complete = false;
  if (!ReadHeaderLine(data, pos, &complete)) return false;
  if (!complete) return true;
  return multibulk_left_ == 0 ? ProcessCountLine() : ProcessBulkHeaderLine();
}

bool RequestParser::ReadHeaderLine(std::string_view data, size_t* pos, bool* complete) {
  *complete = false;
  if (!line_cr_) {
    std::string_view rest = data.substr(*pos);
    bool blind = line_blind_;
    size_t end = blind ? std::string_view::npos : FindLineEnd(rest, '\r', &blind);
    line_blind_ = blind;
    if (end == std::string_view::npos) {
      pending_.append(rest);
      *pos = data.size();
      if (pending_.size() > limits_.max_inline_len) {
        return Fail(multibulk_left_ == 0 ? "Protocol error: too big mbulk count string"
                                         : "Protocol error: too big bulk count string");
      }
      return true;
    }
    pending_.append(rest.substr(0, end));
    *pos += end + 1;
    line_cr_ = true;
  }
  // Redis reads a header line only once the byte after '\r' is there too, and skips that
  // byte without checking that it is '\n'.
  if (*pos == data.size()) return true;
  (*pos)++;
  line_cr_ = false;
  *complete = true;
  return true;
}

bool RequestParser::ProcessCountLine() {
  int64_t count = 0;
  // pending_ starts with the '*' that chose multibulk mode.
  if (!ParseLength(std::string_view(pending_).substr(1), &count) ||
      count > limits_.max_multibulk_len) {
    return Fail("Protocol error: invalid multibulk length");
  }
  pending_.clear();
  if (count <= 0) {
    mode_ = Mode::kStart;  // "*0" and "*-1" are skipped: no request, no reply
    return true;
  }
  multibulk_left_ = count;
  current_.reserve(static_cast<size_t>(std::min(count, kMaxArgvReserve)));
  return true;
}

bool RequestParser::ProcessBulkHeaderLine() {
  // An empty line means the '\r' itself stood where the '$' belongs.
  char first = pending_.empty() ? '\r' : pending_[0];
  if (first != '$') {
    // Redis's error formatting turns CR and LF into spaces.
    if (first == '\r' || first == '\n') first = ' ';
    return Fail(std::string("Protocol error: expected '$', got '") + first + "'");
  }
  int64_t len = 0;
  if (!ParseLength(std::string_view(pending_).substr(1), &len) || len < 0 ||
      len > limits_.max_bulk_len) {
    return Fail("Protocol error: invalid bulk length");
  }
  pending_.clear();
  bulk_len_ = len;
  bulk_tail_ = 2;
  current_.emplace_back();
  return true;
}

void RequestParser::ReadBulk(std::string_view data, size_t* pos, std::vector<Request>* out) {
  std::string& arg = current_.back();
  size_t want = static_cast<size_t>(bulk_len_) - arg.size();
  size_t take = std::min(want, data.size() - *pos);
  if (take > 0) {
    // Grow geometrically but never past the declared length: linear time for a bulk fed in
    // small pieces, and no 512MB allocation on the strength of a header alone.
    size_t needed = arg.size() + take;
    if (arg.capacity() < needed) {
      // A fresh string, because reserve() on a non-empty one may overshoot to twice its
      // old capacity and leave the stored value with up to 2x slack.
      std::string grown;
      grown.reserve(std::min(static_cast<size_t>(bulk_len_), std::max(needed, 2 * arg.capacity())));
      grown.append(arg);
      arg.swap(grown);
    }
    arg.append(data.substr(*pos, take));
    *pos += take;
    current_bytes_ += take;
    if (take < want) return;
  }
  // Redis skips the two bytes after the payload without checking that they are "\r\n".
  size_t skip = std::min(static_cast<size_t>(bulk_tail_), data.size() - *pos);
  *pos += skip;
  bulk_tail_ -= static_cast<int>(skip);
  if (bulk_tail_ > 0) return;
  bulk_len_ = -1;
  if (--multibulk_left_ > 0) return;
  out->push_back(std::move(current_));
  current_.clear();
  current_bytes_ = 0;
  mode_ = Mode::kStart;
}

}  // namespace redrock::protocol
