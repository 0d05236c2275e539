// Incremental RESP request parser: multibulk (`*2\r\n$3\r\nGET\r\n...`) and inline
// (telnet-style) requests, fed with whatever bytes a socket read returned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace redrock::protocol {

// One client request: the command name followed by its arguments, binary safe.
using Request = std::vector<std::string>;

// Input limits; a client over a limit gets the error and is disconnected.
struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;        // proto-max-bulk-len
  int64_t max_multibulk_len = 1024LL * 1024 * 1024;  // elements in one request
  size_t max_inline_len = 64 * 1024;                 // inline request line, bytes
};

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = ParserLimits()) : limits_(limits) {}

  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Consumes all of `data`, appending every request it completes to `out`. A request split
  // across calls is kept internally and completed by later calls. Returns false on a protocol
  // error; error() then holds Redis's message (without the leading '-' and "\r\n"), the requests
  // completed before the bad bytes are in `out`, and the parser must not be fed again.
  bool Feed(std::string_view data, std::vector<Request>* out);

  // Redis's error text for the last failure, e.g. "Protocol error: invalid bulk length".
  const std::string& error() const { return error_; }

  // Bytes buffered for an incomplete request (counts toward the client's query buffer).
  size_t buffered_bytes() const;

  void set_limits(const ParserLimits& limits) { limits_ = limits; }

 private:
  // What the bytes at the front of the stream belong to.
  enum class Mode { kStart, kInline, kMultibulk };

  bool ParseInline(std::string_view data, size_t* pos, std::vector<Request>* out);
  bool ParseMultibulk(std::string_view data, size_t* pos, std::vector<Request>* out);
  bool ReadHeaderLine(std::string_view data, size_t* pos, bool* complete);
  bool ProcessCountLine();
  bool ProcessBulkHeaderLine();
  void ReadBulk(std::string_view data, size_t* pos, std::vector<Request>* out);
  bool Fail(std::string message);

  ParserLimits limits_;
  std::string error_;
  Mode mode_ = Mode::kStart;
  std::string pending_;         // bytes of an unfinished line (header, inline request)
  bool line_cr_ = false;        // a header line's '\r' arrived; the byte after it has not
  bool line_blind_ = false;     // a NUL preceded the line end, which Redis then never sees
  Request current_;             // arguments of the multibulk request being built
  size_t current_bytes_ = 0;    // bytes held in current_
  int64_t multibulk_left_ = 0;  // arguments still expected; 0 = expecting the '*' line
  int64_t bulk_len_ = -1;       // length of the bulk being read; -1 = expecting '$' header
  int bulk_tail_ = 0;           // bytes of the "\r\n" after the bulk still to skip
  bool failed_ = false;
};

// Splits an inline request line the way Redis's sdssplitargs does: whitespace separates
// arguments, "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take
// \' only. Returns false on unbalanced quotes (or a closing quote not followed by a space).
bool SplitInlineArgs(std::string_view line, Request* out);

}  // namespace redrock::protocol
