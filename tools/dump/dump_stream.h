// redrock's dump format (tools/dump/redrock_dump.proto): writing keys as a framed,
// checksummed, optionally zstd-compressed stream of Protobuf records, and reading one back
// into a KeyConsumer. Big collections travel as chunk records, so neither side holds a
// whole value in memory.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "tools/dump/file_io.h"
#include "tools/dump/key_stream.h"

namespace redrock::dump {

inline constexpr char kDumpMagic[8] = {'R', 'R', 'D', 'U', 'M', 'P', '1', '\n'};
inline constexpr uint32_t kDumpFormatVersion = 1;

struct DumpOptions {
  bool zstd = false;
  int zstd_level = 3;
  std::string source;
  size_t chunk_elements = 1024;  // elements per record at most
  size_t chunk_bytes = 1 << 20;  // bytes per record, about
};

// Counts a dump carries in its trailer (and a reader re-computes).
struct DumpCounts {
  uint64_t records = 0;
  uint64_t keys = 0;
  std::array<uint64_t, 5> keys_by_type{};
  uint64_t elements = 0;
};

class ProtoDumpWriter {
 public:
  ProtoDumpWriter();
  ~ProtoDumpWriter();
  Status Open(const std::string& path, const DumpOptions& options);
  // Starts a key; its value follows through sink().
  Status StartKey(const KeyHeader& header);
  engine::ValueSink* sink();
  // Writes the trailer and puts the file in place.
  Status Finish();
  const DumpCounts& counts() const { return counts_; }
  uint64_t bytes() const { return out_.bytes(); }

 private:
  class RecordSink;
  Status WriteFrame();

  OutputFile out_;
  DumpOptions options_;
  DumpCounts counts_;
  std::unique_ptr<RecordSink> sink_;
};

struct DumpReadStats {
  DumpCounts counts;
  std::string source;
  std::string server_version;
  int64_t created_unix_ms = 0;
  bool compressed = false;
};

// Reads a dump from `in`, positioned at its start. Corruption names the record and byte
// offset; a missing trailer (truncation), mismatched counts or checksum are errors, detected
// after the records were delivered: a consumer must only make its work durable once this
// returns OK.
Status ReadProtoDump(InputFile* in, KeyConsumer* consumer, DumpReadStats* stats);

}  // namespace redrock::dump
