// Writes RESP2 or RESP3 replies into an output buffer. RESP3-only types degrade to their
// RESP2 equivalents exactly as Redis 7 does (maps become flat arrays, doubles bulk strings...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace redrock::protocol {

class ReplyWriter {
 public:
  // Appends to *out, which must outlive the writer.
  explicit ReplyWriter(std::string* out, int resp = 2) : out_(out), resp_(resp) {}

  int resp() const { return resp_; }
  void set_resp(int resp) { resp_ = resp; }
  std::string* buffer() { return out_; }

  // "+OK\r\n"
  void Ok();
  // "+s\r\n"; s must not contain CR or LF (they are replaced by spaces, as Redis does).
  void SimpleString(std::string_view s);
  // "-msg\r\n"; msg carries its own code ("ERR ...", "WRONGTYPE ..."); a msg that does not
  // start with an upper-case code word gets "ERR " prepended. CR/LF are replaced by spaces.
  void Error(std::string_view msg);
  // ":n\r\n"
  void Integer(int64_t n);
  // "$len\r\nbytes\r\n"
  void Bulk(std::string_view s);
  // A bulk string holding the decimal text of n (e.g. INCRBYFLOAT-style replies use Bulk).
  void BulkInteger(int64_t n);
  // Null bulk: RESP2 "$-1\r\n", RESP3 "_\r\n".
  void Null();
  // Null array: RESP2 "*-1\r\n", RESP3 "_\r\n".
  void NullArray();
  // Aggregate headers; the caller then writes n elements (2n for maps).
  void ArrayHeader(size_t n);
  void MapHeader(size_t n);   // RESP3 "%n", RESP2 "*2n"
  void SetHeader(size_t n);   // RESP3 "~n", RESP2 "*n"
  void PushHeader(size_t n);  // RESP3 ">n", RESP2 "*n"
  // RESP3 ",d\r\n"; RESP2 a bulk string. Formatted like Redis 7.0 (%.17g, "inf", "-inf").
  void Double(double d);
  // RESP3 "#t"/"#f"; RESP2 ":1"/":0".
  void Bool(bool b);
  // RESP3 "=len\r\ntxt:payload\r\n" with a 3-letter format ("txt", "mkd"); RESP2 a bulk string.
  void Verbatim(std::string_view format, std::string_view payload);
  // RESP3 "(digits\r\n"; RESP2 a bulk string.
  void BigNumber(std::string_view digits);
  // An array of bulk strings.
  void BulkArray(const std::vector<std::string>& items);
  // Raw bytes, already RESP-encoded.
  void Raw(std::string_view bytes) { out_->append(bytes); }

 private:
  void Header(char type, int64_t n);
  std::string* out_;
  int resp_;
};

// Formats a double as Redis 7.0's addReplyDouble does ("%.17g", "inf", "-inf").
std::string FormatDouble(double d);

}  // namespace redrock::protocol
