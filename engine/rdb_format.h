// Redis's RDB serialization: the value types and file opcodes, the length and string
// encodings, and the DUMP payload envelope (value + 2-byte RDB version + CRC64). Shared by
// DUMP/RESTORE, the RDB file reader/writer and the dump tools.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/status.h"

namespace redrock::engine {

// The RDB version we write: 9 (Redis 5.0 and later load it; our writer only uses types
// that version knows). Redis 7.0 writes 10; we read up to kRdbMaxReadVersion.
inline constexpr int kRdbWriteVersion = 9;
// Redis 7.2 writes 11 (adds the set listpack encoding, which we read too).
inline constexpr int kRdbMaxReadVersion = 11;

// Value type bytes.
enum RdbType : uint8_t {
  kRdbString = 0,
  kRdbList = 1,
  kRdbSet = 2,
  kRdbZSet = 3,  // scores as strings
  kRdbHash = 4,
  kRdbZSet2 = 5,  // scores as binary doubles
  kRdbModule = 6,
  kRdbModule2 = 7,
  kRdbHashZipmap = 9,
  kRdbListZiplist = 10,
  kRdbSetIntset = 11,
  kRdbZSetZiplist = 12,
  kRdbHashZiplist = 13,
  kRdbListQuicklist = 14,
  kRdbStreamListpacks = 15,
  kRdbHashListpack = 16,
  kRdbZSetListpack = 17,
  kRdbListQuicklist2 = 18,
  kRdbStreamListpacks2 = 19,
  kRdbSetListpack = 20,
  kRdbStreamListpacks3 = 21,
};

// File opcodes (bytes that take the place of a type byte).
enum RdbOpcode : uint8_t {
  kRdbOpFunction2 = 245,
  kRdbOpFunction = 246,
  kRdbOpModuleAux = 247,
  kRdbOpIdle = 248,
  kRdbOpFreq = 249,
  kRdbOpAux = 250,
  kRdbOpResizeDb = 251,
  kRdbOpExpireTimeMs = 252,
  kRdbOpExpireTime = 253,
  kRdbOpSelectDb = 254,
  kRdbOpEof = 255,
};

// Appends a length in RDB's variable encoding (1, 2, 5 or 9 bytes).
void PutRdbLength(std::string* dst, uint64_t len);
// Appends a string: integers in canonical form take the compact integer encoding, others
// are length-prefixed raw bytes.
void PutRdbString(std::string* dst, std::string_view s);
// Appends a double as 8 little-endian bytes (RDB_TYPE_ZSET_2 scores).
void PutRdbBinaryDouble(std::string* dst, double v);
// Little-endian fixed-width helpers (RDB numbers are little-endian, unlike our keys).
void PutLE64(std::string* dst, uint64_t v);
uint64_t DecodeLE(const char* p, int bytes);

// Wraps a serialized value (type byte + body) as a DUMP payload: appends the RDB version
// and the CRC64 of everything before the checksum.
void FinishDumpPayload(std::string* payload);
// Checks a DUMP payload's footer: false when too short, of a newer RDB version than we read,
// or with a wrong checksum (Redis's "DUMP payload version or checksum are wrong").
bool VerifyDumpPayload(std::string_view payload);

// Byte source for the decoders: a memory buffer or a file. Tracks the offset so errors can
// name where the input went wrong.
class RdbInput {
 public:
  virtual ~RdbInput() = default;
  // Reads exactly n bytes; Corruption("... truncated") when the input ends first.
  virtual Status Read(char* dst, size_t n) = 0;
  // Bytes consumed so far.
  virtual uint64_t offset() const = 0;

  Status ReadByte(uint8_t* b);
  // A length; *encoded is true (and *len the encoding id) for the special string encodings.
  Status ReadLength(uint64_t* len, bool* encoded = nullptr);
  // A string in any RDB string encoding (raw, integer, LZF). At most max_len bytes.
  Status ReadString(std::string* out);
  // A string-encoded double (RDB_TYPE_ZSET): 1-byte length, 253 NaN, 254 +inf, 255 -inf.
  Status ReadAsciiDouble(double* v);
  // An 8-byte little-endian IEEE double.
  Status ReadBinaryDouble(double* v);
  // Corruption status naming the current offset.
  Status Error(std::string_view what) const;
};

// RdbInput over a memory buffer (DUMP payloads).
class StringRdbInput : public RdbInput {
 public:
  explicit StringRdbInput(std::string_view data) : data_(data) {}
  Status Read(char* dst, size_t n) override;
  uint64_t offset() const override { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// The largest string any decoder accepts (Redis's proto-max-bulk-len ceiling): a corrupt
// length must not make us allocate terabytes.
inline constexpr uint64_t kRdbMaxStringLen = 1ULL << 32;

}  // namespace redrock::engine
