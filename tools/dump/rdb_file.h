// Redis RDB files: reading every key of a file (versions 1 to 11, i.e. Redis up to 7.2) into
// a KeyConsumer, and writing keys as an RDB file Redis 5.0 and later load.
#pragma once

#include <cstdint>
#include <string>

#include "engine/rdb_format.h"
#include "engine/rdb_value.h"
#include "tools/dump/file_io.h"
#include "tools/dump/key_stream.h"

namespace redrock::dump {

// RdbInput over an InputFile.
class FileRdbInput : public engine::RdbInput {
 public:
  explicit FileRdbInput(InputFile* file) : file_(file) {}
  Status Read(char* dst, size_t n) override { return file_->Read(dst, n); }
  uint64_t offset() const override { return file_->offset(); }

 private:
  InputFile* file_;
};

struct RdbReadStats {
  int version = 0;
  uint64_t keys = 0;
  uint64_t expired_skipped = 0;  // keys whose TTL had passed (Redis skips them too)
  bool checksum_checked = false;
};

// Reads the RDB file behind `in` (positioned at its start) into `consumer`. Expired keys are
// skipped. Corruption names the byte offset; the checksum is verified at the end (a file
// written with rdbchecksum no carries zero and is accepted unchecked, as Redis does).
Status ReadRdbFile(InputFile* in, KeyConsumer* consumer, RdbReadStats* stats);

// Writes an RDB file: call Begin, then per key StartKey + the value through sink(), then
// Finish. The file appears at its path only after Finish succeeded.
class RdbFileWriter {
 public:
  Status Open(const std::string& path);
  // Starts a key; its value must follow through sink() (Begin with the exact count).
  Status StartKey(const KeyHeader& header);
  engine::ValueSink* sink() { return &value_; }
  Status Finish();

 private:
  Status Drain();

  OutputFile out_;
  std::string buf_;
  engine::RdbValueWriter value_{&buf_, [this](std::string*) { return Drain(); }};
  int db_ = -1;
};

}  // namespace redrock::dump
