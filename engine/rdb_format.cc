// RDB length/string encodings and the DUMP payload envelope.
#include "engine/rdb_format.h"

#include <cmath>
#include <cstring>

#include "engine/crc64.h"
#include "engine/lzf.h"
#include "engine/numbers.h"

namespace redrock::engine {

namespace {

// Length-encoding prefixes (the top two bits of the first byte).
constexpr uint8_t kLen6 = 0, kLen14 = 1, kLenEncoded = 3;
constexpr uint8_t kLen32 = 0x80, kLen64 = 0x81;
// Special string encodings.
constexpr uint8_t kEncInt8 = 0, kEncInt16 = 1, kEncInt32 = 2, kEncLzf = 3;

}  // namespace

void PutLE64(std::string* dst, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; i++)
    b[i] = static_cast<char>(v >> (8 * i));
  dst->append(b, 8);
}

uint64_t DecodeLE(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; i--)
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

void PutRdbLength(std::string* dst, uint64_t len) {
  if (len < (1 << 6)) {
    dst->push_back(static_cast<char>((kLen6 << 6) | len));
  } else if (len < (1 << 14)) {
    dst->push_back(static_cast<char>((kLen14 << 6) | (len >> 8)));
    dst->push_back(static_cast<char>(len & 0xff));
  } else if (len <= UINT32_MAX) {
    dst->push_back(static_cast<char>(kLen32));
    for (int i = 3; i >= 0; i--)
      dst->push_back(static_cast<char>(len >> (8 * i)));
  } else {
    dst->push_back(static_cast<char>(kLen64));
    for (int i = 7; i >= 0; i--)
      dst->push_back(static_cast<char>(len >> (8 * i)));
  }
}

void PutRdbString(std::string* dst, std::string_view s) {
  int64_t v;
  // Only canonical integers ("12", not "012" or "+12") may be stored as numbers: loading
  // turns them back into their canonical text.
  if (s.size() <= 11 && ParseInt64(s, &v) && FormatInt64(v) == s) {
    if (v >= INT8_MIN && v <= INT8_MAX) {
      dst->push_back(static_cast<char>((kLenEncoded << 6) | kEncInt8));
      dst->push_back(static_cast<char>(v));
      return;
    }
    if (v >= INT16_MIN && v <= INT16_MAX) {
      dst->push_back(static_cast<char>((kLenEncoded << 6) | kEncInt16));
      for (int i = 0; i < 2; i++)
        dst->push_back(static_cast<char>(static_cast<uint16_t>(v) >> (8 * i)));
      return;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
      dst->push_back(static_cast<char>((kLenEncoded << 6) | kEncInt32));
      for (int i = 0; i < 4; i++)
        dst->push_back(static_cast<char>(static_cast<uint32_t>(v) >> (8 * i)));
      return;
    }
  }
  PutRdbLength(dst, s.size());
  dst->append(s);
}

void PutRdbBinaryDouble(std::string* dst, double v) {
  uint64_t bits;
  memcpy(&bits, &v, 8);
  PutLE64(dst, bits);
}

void FinishDumpPayload(std::string* payload) {
  payload->push_back(static_cast<char>(kRdbWriteVersion & 0xff));
  payload->push_back(static_cast<char>(kRdbWriteVersion >> 8));
  PutLE64(payload, Crc64(0, payload->data(), payload->size()));
}

bool VerifyDumpPayload(std::string_view payload) {
  if (payload.size() < 10) return false;
  const char* footer = payload.data() + payload.size() - 10;
  uint64_t version = DecodeLE(footer, 2);
  if (version > kRdbMaxReadVersion) return false;
  uint64_t crc = Crc64(0, payload.data(), payload.size() - 8);
  return crc == DecodeLE(footer + 2, 8);
}

Status RdbInput::Error(std::string_view what) const {
  return Status::Corruption(std::string(what) + " at byte offset " + std::to_string(offset()));
}

Status RdbInput::ReadByte(uint8_t* b) {
  char c;
  REDROCK_RETURN_IF_ERROR(Read(&c, 1));
  *b = static_cast<uint8_t>(c);
  return Status::OK();
}

Status RdbInput::ReadLength(uint64_t* len, bool* encoded) {
  if (encoded) *encoded = false;
  uint8_t b;
  REDROCK_RETURN_IF_ERROR(ReadByte(&b));
  switch (b >> 6) {
    case kLen6:
      *len = b & 0x3f;
      return Status::OK();
    case kLen14: {
      uint8_t b2;
      REDROCK_RETURN_IF_ERROR(ReadByte(&b2));
      *len = (static_cast<uint64_t>(b & 0x3f) << 8) | b2;
      return Status::OK();
    }
    case kLenEncoded:
      if (!encoded) return Error("unexpected string encoding where a length belongs");
      *encoded = true;
      *len = b & 0x3f;
      return Status::OK();
    default: {
      int bytes = b == kLen32 ? 4 : b == kLen64 ? 8 : 0;
      if (bytes == 0) return Error("bad length encoding");
      char buf[8];
      REDROCK_RETURN_IF_ERROR(Read(buf, bytes));
      uint64_t v = 0;
      for (int i = 0; i < bytes; i++)
        v = (v << 8) | static_cast<uint8_t>(buf[i]);
      *len = v;
      return Status::OK();
    }
  }
}

Status RdbInput::ReadString(std::string* out) {
  uint64_t len;
  bool encoded;
  REDROCK_RETURN_IF_ERROR(ReadLength(&len, &encoded));
  if (!encoded) {
    if (len > kRdbMaxStringLen) return Error("string length out of range");
    out->resize(len);
    return Read(out->data(), len);
  }
  char buf[4];
  switch (len) {
    case kEncInt8:
      REDROCK_RETURN_IF_ERROR(Read(buf, 1));
      *out = FormatInt64(static_cast<int8_t>(buf[0]));
      return Status::OK();
    case kEncInt16:
      REDROCK_RETURN_IF_ERROR(Read(buf, 2));
      *out = FormatInt64(static_cast<int16_t>(DecodeLE(buf, 2)));
      return Status::OK();
    case kEncInt32:
      REDROCK_RETURN_IF_ERROR(Read(buf, 4));
      *out = FormatInt64(static_cast<int32_t>(DecodeLE(buf, 4)));
      return Status::OK();
    case kEncLzf: {
      uint64_t clen, ulen;
      REDROCK_RETURN_IF_ERROR(ReadLength(&clen));
      REDROCK_RETURN_IF_ERROR(ReadLength(&ulen));
      if (clen > kRdbMaxStringLen || ulen > kRdbMaxStringLen || ulen == 0)
        return Error("LZF string length out of range");
      std::string compressed(clen, '\0');
      REDROCK_RETURN_IF_ERROR(Read(compressed.data(), clen));
      Status s = LzfDecompress(compressed, ulen, out);
      if (!s.ok()) return Error(s.message());
      return Status::OK();
    }
    default:
      return Error("unknown string encoding");
  }
}

Status RdbInput::ReadAsciiDouble(double* v) {
  uint8_t len;
  REDROCK_RETURN_IF_ERROR(ReadByte(&len));
  switch (len) {
    case 253:
      *v = NAN;
      return Status::OK();
    case 254:
      *v = INFINITY;
      return Status::OK();
    case 255:
      *v = -INFINITY;
      return Status::OK();
  }
  char buf[256];
  REDROCK_RETURN_IF_ERROR(Read(buf, len));
  if (!ParseDouble(std::string_view(buf, len), v)) return Error("bad double value");
  return Status::OK();
}

Status RdbInput::ReadBinaryDouble(double* v) {
  char buf[8];
  REDROCK_RETURN_IF_ERROR(Read(buf, 8));
  uint64_t bits = DecodeLE(buf, 8);
  memcpy(v, &bits, 8);
  return Status::OK();
}

Status StringRdbInput::Read(char* dst, size_t n) {
  if (n > data_.size() - pos_) return Error("input truncated");
  memcpy(dst, data_.data() + pos_, n);
  pos_ += n;
  return Status::OK();
}

}  // namespace redrock::engine
