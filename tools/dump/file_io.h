// Buffered file streams for the dump tools: an output written to a temporary name and
// renamed into place only when complete (so a failed dump leaves nothing behind), and an
// input; both optionally zstd-compressed, both tracking a CRC-64 of the bytes passed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

typedef struct ZSTD_CCtx_s ZSTD_CCtx;
typedef struct ZSTD_DCtx_s ZSTD_DCtx;

namespace redrock::dump {

class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();  // abandons (removes) an output that was not committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Opens `path` ("-" = stdout) for writing through "<path>.tmp-<pid>".
  Status Open(const std::string& path);
  // From now on bytes are zstd-compressed at `level`.
  Status StartZstd(int level);
  Status Write(std::string_view data);
  // Ends compression, flushes, fsyncs and renames into place.
  Status Commit();

  uint64_t crc() const { return crc_; }
  void reset_crc() { crc_ = 0; }
  // Uncompressed bytes written.
  uint64_t bytes() const { return bytes_; }

 private:
  Status WriteRaw(const char* data, size_t n);
  Status FlushRaw();

  std::string path_, tmp_;
  FILE* f_ = nullptr;
  bool is_stdout_ = false;
  bool committed_ = false;
  ZSTD_CCtx* zc_ = nullptr;
  std::string raw_buf_;
  std::vector<char> zbuf_;
  uint64_t crc_ = 0;
  uint64_t bytes_ = 0;
};

class InputFile {
 public:
  InputFile() = default;
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Opens `path` ("-" = stdin).
  Status Open(const std::string& path);
  // From now on bytes are zstd-decompressed.
  Status StartZstd();
  // Exactly n bytes; Corruption naming the offset when the input ends first.
  Status Read(char* dst, size_t n);
  // Up to n bytes; *got = 0 at the end.
  Status ReadSome(char* dst, size_t n, size_t* got);
  // Bytes delivered so far (uncompressed).
  uint64_t offset() const { return offset_; }
  uint64_t crc() const { return crc_; }
  void reset_crc() { crc_ = 0; }
  // Size of the file on disk (0 for stdin), for progress.
  uint64_t file_size() const { return file_size_; }
  uint64_t raw_offset() const { return raw_offset_; }

 private:
  Status FillRaw();
  Status Fill();

  FILE* f_ = nullptr;
  bool is_stdin_ = false;
  ZSTD_DCtx* zd_ = nullptr;
  std::vector<char> raw_;  // bytes read from the file
  size_t raw_pos_ = 0, raw_len_ = 0;
  bool raw_eof_ = false;
  std::vector<char> buf_;  // bytes ready for the reader
  size_t pos_ = 0, len_ = 0;
  uint64_t offset_ = 0, crc_ = 0, file_size_ = 0, raw_offset_ = 0;
  bool zstd_frame_done_ = true;
};

}  // namespace redrock::dump
