// Buffered, optionally compressed, checksummed file streams.
#include "tools/dump/file_io.h"

#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/crc64.h"

namespace redrock::dump {

namespace {
constexpr size_t kBufSize = 1 << 20;

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + strerror(errno));
}
}  // namespace

OutputFile::~OutputFile() {
  if (zc_) ZSTD_freeCCtx(zc_);
  if (f_ && !is_stdout_) fclose(f_);
  if (!committed_ && !tmp_.empty()) unlink(tmp_.c_str());
}

Status OutputFile::Open(const std::string& path) {
  path_ = path;
  if (path == "-") {
    f_ = stdout;
    is_stdout_ = true;
    return Status::OK();
  }
  tmp_ = path + ".tmp-" + std::to_string(getpid());
  f_ = fopen(tmp_.c_str(), "wb");
  if (!f_) return Errno("cannot create " + tmp_);
  return Status::OK();
}

Status OutputFile::StartZstd(int level) {
  REDROCK_RETURN_IF_ERROR(FlushRaw());
  zc_ = ZSTD_createCCtx();
  if (!zc_) return Status::IOError("zstd: out of memory");
  ZSTD_CCtx_setParameter(zc_, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(zc_, ZSTD_c_checksumFlag, 1);
  zbuf_.resize(ZSTD_CStreamOutSize());
  return Status::OK();
}

Status OutputFile::Write(std::string_view data) {
  crc_ = engine::Crc64(crc_, data.data(), data.size());
  bytes_ += data.size();
  if (!zc_) return WriteRaw(data.data(), data.size());
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  while (in.pos < in.size) {
    ZSTD_outBuffer out{zbuf_.data(), zbuf_.size(), 0};
    size_t r = ZSTD_compressStream2(zc_, &out, &in, ZSTD_e_continue);
    if (ZSTD_isError(r)) return Status::IOError(std::string("zstd: ") + ZSTD_getErrorName(r));
    REDROCK_RETURN_IF_ERROR(WriteRaw(zbuf_.data(), out.pos));
  }
  return Status::OK();
}

Status OutputFile::WriteRaw(const char* data, size_t n) {
  raw_buf_.append(data, n);
  if (raw_buf_.size() >= kBufSize) return FlushRaw();
  return Status::OK();
}

Status OutputFile::FlushRaw() {
  if (raw_buf_.empty()) return Status::OK();
  if (fwrite(raw_buf_.data(), 1, raw_buf_.size(), f_) != raw_buf_.size()) {
    return Errno("write to " + (tmp_.empty() ? path_ : tmp_));
  }
  raw_buf_.clear();
  return Status::OK();
}

Status OutputFile::Commit() {
  if (zc_) {
    ZSTD_inBuffer in{nullptr, 0, 0};
    size_t left;
    do {
      ZSTD_outBuffer out{zbuf_.data(), zbuf_.size(), 0};
      left = ZSTD_compressStream2(zc_, &out, &in, ZSTD_e_end);
      if (ZSTD_isError(left))
        return Status::IOError(std::string("zstd: ") + ZSTD_getErrorName(left));
      REDROCK_RETURN_IF_ERROR(WriteRaw(zbuf_.data(), out.pos));
    } while (left != 0);
  }
  REDROCK_RETURN_IF_ERROR(FlushRaw());
  if (fflush(f_) != 0) return Errno("flush");
  if (is_stdout_) {
    committed_ = true;
    return Status::OK();
  }
  if (fsync(fileno(f_)) != 0) return Errno("fsync " + tmp_);
  fclose(f_);
  f_ = nullptr;
  if (rename(tmp_.c_str(), path_.c_str()) != 0) return Errno("rename to " + path_);
  committed_ = true;
  return Status::OK();
}

InputFile::~InputFile() {
  if (zd_) ZSTD_freeDCtx(zd_);
  if (f_ && !is_stdin_) fclose(f_);
}

Status InputFile::Open(const std::string& path) {
  raw_.resize(kBufSize);
  buf_.resize(kBufSize);
  if (path == "-") {
    f_ = stdin;
    is_stdin_ = true;
    return Status::OK();
  }
  f_ = fopen(path.c_str(), "rb");
  if (!f_) return Errno("cannot open " + path);
  std::error_code ec;
  file_size_ = std::filesystem::file_size(path, ec);
  return Status::OK();
}

Status InputFile::StartZstd() {
  zd_ = ZSTD_createDCtx();
  if (!zd_) return Status::IOError("zstd: out of memory");
  // Bytes already buffered but not consumed are compressed: move them back to the raw side.
  size_t left = len_ - pos_;
  if (left > 0) {
    std::vector<char> rest(raw_.begin() + raw_pos_, raw_.begin() + raw_len_);
    memcpy(raw_.data(), buf_.data() + pos_, left);
    memcpy(raw_.data() + left, rest.data(), rest.size());
    raw_pos_ = 0;
    raw_len_ = left + rest.size();
  }
  pos_ = len_ = 0;
  return Status::OK();
}

Status InputFile::FillRaw() {
  if (raw_pos_ < raw_len_ || raw_eof_) return Status::OK();
  raw_pos_ = 0;
  raw_len_ = fread(raw_.data(), 1, raw_.size(), f_);
  raw_offset_ += raw_len_;
  if (raw_len_ == 0) {
    if (ferror(f_)) return Errno("read");
    raw_eof_ = true;
  }
  return Status::OK();
}

Status InputFile::Fill() {
  pos_ = len_ = 0;
  while (len_ == 0) {
    REDROCK_RETURN_IF_ERROR(FillRaw());
    if (raw_pos_ == raw_len_) return Status::OK();  // end of input
    if (!zd_) {
      // Hand the raw buffer over by swapping: no copy.
      std::swap(raw_, buf_);
      pos_ = raw_pos_;
      len_ = raw_len_;
      raw_pos_ = raw_len_ = 0;
      if (raw_.size() < kBufSize) raw_.resize(kBufSize);
      return Status::OK();
    }
    ZSTD_inBuffer in{raw_.data(), raw_len_, raw_pos_};
    ZSTD_outBuffer out{buf_.data(), buf_.size(), 0};
    size_t r = ZSTD_decompressStream(zd_, &out, &in);
    if (ZSTD_isError(r)) {
      return Status::Corruption(std::string("zstd: ") + ZSTD_getErrorName(r) +
                                " near compressed byte offset " +
                                std::to_string(raw_offset_ - raw_len_ + in.pos));
    }
    zstd_frame_done_ = r == 0;
    raw_pos_ = in.pos;
    len_ = out.pos;
  }
  return Status::OK();
}

Status InputFile::ReadSome(char* dst, size_t n, size_t* got) {
  *got = 0;
  if (pos_ == len_) REDROCK_RETURN_IF_ERROR(Fill());
  size_t k = std::min(n, len_ - pos_);
  if (k == 0 && zd_ && !zstd_frame_done_) {
    return Status::Corruption("compressed stream truncated at byte offset " +
                              std::to_string(offset_));
  }
  memcpy(dst, buf_.data() + pos_, k);
  pos_ += k;
  offset_ += k;
  crc_ = engine::Crc64(crc_, dst, k);
  *got = k;
  return Status::OK();
}

Status InputFile::Read(char* dst, size_t n) {
  while (n > 0) {
    size_t got;
    REDROCK_RETURN_IF_ERROR(ReadSome(dst, n, &got));
    if (got == 0) {
      return Status::Corruption("input truncated at byte offset " + std::to_string(offset_));
    }
    dst += got;
    n -= got;
  }
  return Status::OK();
}

}  // namespace redrock::dump
