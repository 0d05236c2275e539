// RESP2/RESP3 reply encoding. RESP3-only types fall back to RESP2 the way Redis 7.0's
// addReply* functions do, so a RESP2 client sees byte-identical replies.
#include "protocol/reply_writer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace redrock::protocol {

namespace {

// Appends `s` with CR and LF turned into spaces: either would end the line early and let
// the rest be read as a new reply.
void AppendLine(std::string* out, std::string_view s) {
  size_t start = out->size();
  out->append(s);
  for (size_t i = start; i < out->size(); i++) {
    char& c = (*out)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
}

// True when `msg` opens with an error code such as "ERR", "WRONGTYPE" or "NOSCRIPT": one or
// more upper-case letters ending at a space or at the end of the message.
bool HasErrorCode(std::string_view msg) {
  size_t i = 0;
  while (i < msg.size() && msg[i] >= 'A' && msg[i] <= 'Z')
    i++;
  return i > 0 && (i == msg.size() || msg[i] == ' ');
}

void AppendInt(std::string* out, int64_t n) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), n);
  out->append(buf, res.ptr);
}

}  // namespace

std::string FormatDouble(double d) {
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  // glibc prints "-nan" for NaNs with the sign bit set (e.g. inf-inf on x86); RESP3 only
  // defines "nan", so we drop the sign.
  if (std::isnan(d)) return "nan";
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", d);
  return std::string(buf, n);
}

void ReplyWriter::Header(char type, int64_t n) {
  out_->push_back(type);
  AppendInt(out_, n);
  out_->append("\r\n");
}

void ReplyWriter::Ok() {
  out_->append("+OK\r\n");
}

void ReplyWriter::SimpleString(std::string_view s) {
  out_->push_back('+');
  AppendLine(out_, s);
  out_->append("\r\n");
}

void ReplyWriter::Error(std::string_view msg) {
  out_->push_back('-');
  if (!HasErrorCode(msg)) out_->append("ERR ");
  AppendLine(out_, msg);
  out_->append("\r\n");
}

void ReplyWriter::Integer(int64_t n) {
  Header(':', n);
}

void ReplyWriter::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append("\r\n");
}

void ReplyWriter::BulkInteger(int64_t n) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), n);
  Bulk(std::string_view(buf, res.ptr - buf));
}

void ReplyWriter::Null() {
  out_->append(resp_ >= 3 ? "_\r\n" : "$-1\r\n");
}

void ReplyWriter::NullArray() {
  out_->append(resp_ >= 3 ? "_\r\n" : "*-1\r\n");
}

void ReplyWriter::ArrayHeader(size_t n) {
  Header('*', static_cast<int64_t>(n));
}

void ReplyWriter::MapHeader(size_t n) {
  // RESP2 has no map: the pairs are sent flat, so the array holds twice as many elements.
  if (resp_ >= 3) {
    Header('%', static_cast<int64_t>(n));
  } else {
    Header('*', static_cast<int64_t>(n) * 2);
  }
}

void ReplyWriter::SetHeader(size_t n) {
  Header(resp_ >= 3 ? '~' : '*', static_cast<int64_t>(n));
}

void ReplyWriter::PushHeader(size_t n) {
  Header(resp_ >= 3 ? '>' : '*', static_cast<int64_t>(n));
}

void ReplyWriter::Double(double d) {
  std::string text = FormatDouble(d);
  if (resp_ >= 3) {
    out_->push_back(',');
    out_->append(text);
    out_->append("\r\n");
  } else {
    Bulk(text);
  }
}

void ReplyWriter::Bool(bool b) {
  if (resp_ >= 3) {
    out_->append(b ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(b ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyWriter::Verbatim(std::string_view format, std::string_view payload) {
  if (resp_ < 3) {
    Bulk(payload);
    return;
  }
  // The format is exactly three bytes: Redis pads a shorter one with spaces and cuts a
  // longer one, keeping the declared length right.
  Header('=', static_cast<int64_t>(payload.size()) + 4);
  for (size_t i = 0; i < 3; i++)
    out_->push_back(i < format.size() ? format[i] : ' ');
  out_->push_back(':');
  out_->append(payload);
  out_->append("\r\n");
}

void ReplyWriter::BigNumber(std::string_view digits) {
  if (resp_ < 3) {
    Bulk(digits);
    return;
  }
  out_->push_back('(');
  out_->append(digits);
  out_->append("\r\n");
}

void ReplyWriter::BulkArray(const std::vector<std::string>& items) {
  ArrayHeader(items.size());
  for (const std::string& item : items)
    Bulk(item);
}

}  // namespace redrock::protocol
