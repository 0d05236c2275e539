// Compact-encoding walkers. Layouts, all numbers little-endian unless noted:
//   listpack: [total bytes:4][count:2] entries [0xff]; entry = encoding + data + backlen,
//             where backlen (1..5 bytes) repeats the size of encoding + data.
//   ziplist:  [total bytes:4][tail offset:4][count:2] entries [0xff]; entry = prevlen
//             (1 byte, or 0xfe + 4 bytes) + encoding + data.
//   intset:   [width:4 (2, 4 or 8)][count:4] sorted integers of that width.
//   zipmap:   [count:1] then (len, field, len, free, value, free bytes)... [0xff], where a
//             len is one byte, or 254 + 4 bytes.
#include "engine/rdb_compact.h"

#include <cstdint>
#include <string>

#include "engine/numbers.h"
#include "engine/rdb_format.h"

namespace redrock::engine {

namespace {

Status Bad(const char* what, size_t at) {
  return Status::Corruption(std::string(what) + " (blob offset " + std::to_string(at) + ")");
}

int64_t SignExtend(uint64_t v, int bits) {
  uint64_t m = uint64_t{1} << (bits - 1);
  v &= (bits == 64) ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1);
  return static_cast<int64_t>((v ^ m) - m);
}

// Bytes of a listpack backlen for an entry of `n` bytes (encoding + data).
size_t BacklenSize(uint64_t n) {
  if (n <= 127) return 1;
  if (n < 16383) return 2;
  if (n < 2097151) return 3;
  if (n < 268435455) return 4;
  return 5;
}

}  // namespace

Status WalkListpack(std::string_view blob, const BlobEntryFn& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  const size_t n = blob.size();
  if (n < 7) return Bad("listpack too short", 0);
  if (DecodeLE(blob.data(), 4) != n) return Bad("listpack size header mismatch", 0);
  uint64_t declared = DecodeLE(blob.data() + 4, 2);
  size_t i = 6;
  uint64_t count = 0;
  std::string num;
  while (true) {
    if (i >= n) return Bad("listpack without terminator", i);
    uint8_t b = p[i];
    if (b == 0xff) {
      if (i + 1 != n) return Bad("listpack data after terminator", i);
      break;
    }
    size_t hdr = 0;
    uint64_t slen = 0;
    bool is_int = false;
    int64_t v = 0;
    auto need = [&](size_t k) { return i + k <= n; };
    if ((b & 0x80) == 0) {  // 7-bit unsigned
      hdr = 1, is_int = true, v = b & 0x7f;
    } else if ((b & 0xc0) == 0x80) {  // 6-bit string length
      hdr = 1, slen = b & 0x3f;
    } else if ((b & 0xe0) == 0xc0) {  // 13-bit signed
      if (!need(2)) return Bad("listpack entry truncated", i);
      hdr = 2, is_int = true, v = SignExtend((uint64_t{b & 0x1fu} << 8) | p[i + 1], 13);
    } else if ((b & 0xf0) == 0xe0) {  // 12-bit string length
      if (!need(2)) return Bad("listpack entry truncated", i);
      hdr = 2, slen = (uint64_t{b & 0x0fu} << 8) | p[i + 1];
    } else if (b == 0xf0) {  // 32-bit string length
      if (!need(5)) return Bad("listpack entry truncated", i);
      hdr = 5, slen = DecodeLE(blob.data() + i + 1, 4);
    } else if (b >= 0xf1 && b <= 0xf4) {  // 16, 24, 32, 64-bit integers
      static const int kBytes[] = {2, 3, 4, 8};
      int bytes = kBytes[b - 0xf1];
      if (!need(1 + bytes)) return Bad("listpack entry truncated", i);
      hdr = 1 + bytes, is_int = true;
      v = SignExtend(DecodeLE(blob.data() + i + 1, bytes), bytes * 8);
    } else {
      return Bad("listpack bad entry encoding", i);
    }
    uint64_t entry = hdr + (is_int ? 0 : slen);
    if (slen > n || entry + BacklenSize(entry) > n - i) return Bad("listpack entry overflows", i);
    Status s;
    if (is_int) {
      num = FormatInt64(v);
      s = fn(num);
    } else {
      s = fn(std::string_view(blob.data() + i + hdr, slen));
    }
    if (!s.ok()) return s;
    i += entry + BacklenSize(entry);
    count++;
  }
  if (declared != 65535 && declared != count) return Bad("listpack count mismatch", 4);
  return Status::OK();
}

Status WalkZiplist(std::string_view blob, const BlobEntryFn& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  const size_t n = blob.size();
  if (n < 11) return Bad("ziplist too short", 0);
  if (DecodeLE(blob.data(), 4) != n) return Bad("ziplist size header mismatch", 0);
  uint64_t declared = DecodeLE(blob.data() + 8, 2);
  size_t i = 10;
  uint64_t count = 0;
  std::string num;
  while (true) {
    if (i >= n) return Bad("ziplist without terminator", i);
    if (p[i] == 0xff) {
      if (i + 1 != n) return Bad("ziplist data after terminator", i);
      break;
    }
    size_t prevlen = p[i] == 0xfe ? 5 : 1;
    i += prevlen;
    if (i >= n) return Bad("ziplist entry truncated", i);
    uint8_t b = p[i];
    size_t hdr = 1;
    uint64_t slen = 0;
    bool is_int = false;
    int64_t v = 0;
    auto need = [&](size_t k) { return i + k <= n; };
    switch (b >> 6) {
      case 0:
        slen = b & 0x3f;
        break;
      case 1:
        if (!need(2)) return Bad("ziplist entry truncated", i);
        hdr = 2, slen = (uint64_t{b & 0x3fu} << 8) | p[i + 1];
        break;
      case 2:
        if (!need(5)) return Bad("ziplist entry truncated", i);
        hdr = 5;
        slen = (uint64_t{p[i + 1]} << 24) | (uint64_t{p[i + 2]} << 16) | (uint64_t{p[i + 3]} << 8) |
               p[i + 4];
        break;
      default: {
        is_int = true;
        int bytes = 0;
        if (b == 0xc0) {
          bytes = 2;
        } else if (b == 0xd0) {
          bytes = 4;
        } else if (b == 0xe0) {
          bytes = 8;
        } else if (b == 0xf0) {
          bytes = 3;
        } else if (b == 0xfe) {
          bytes = 1;
        } else if (b >= 0xf1 && b <= 0xfd) {
          v = (b & 0x0f) - 1;  // immediate 0..12
        } else {
          return Bad("ziplist bad entry encoding", i);
        }
        if (bytes) {
          if (!need(1 + bytes)) return Bad("ziplist entry truncated", i);
          hdr = 1 + bytes;
          v = SignExtend(DecodeLE(blob.data() + i + 1, bytes), bytes * 8);
        }
      }
    }
    if (slen > n || hdr + slen > n - i) return Bad("ziplist entry overflows", i);
    Status s;
    if (is_int) {
      num = FormatInt64(v);
      s = fn(num);
    } else {
      s = fn(std::string_view(blob.data() + i + hdr, slen));
    }
    if (!s.ok()) return s;
    i += hdr + slen;
    count++;
  }
  if (declared != 65535 && declared != count) return Bad("ziplist count mismatch", 8);
  return Status::OK();
}

Status WalkIntset(std::string_view blob, const BlobEntryFn& fn) {
  if (blob.size() < 8) return Bad("intset too short", 0);
  uint64_t width = DecodeLE(blob.data(), 4);
  uint64_t count = DecodeLE(blob.data() + 4, 4);
  if (width != 2 && width != 4 && width != 8) return Bad("intset bad width", 0);
  if (count == 0) return Bad("intset empty", 4);
  if (blob.size() - 8 != count * width) return Bad("intset size mismatch", 4);
  std::string num;
  int64_t prev = 0;
  for (uint64_t k = 0; k < count; k++) {
    size_t at = 8 + k * width;
    int64_t v = SignExtend(DecodeLE(blob.data() + at, static_cast<int>(width)),
                           static_cast<int>(width * 8));
    if (k > 0 && v <= prev) return Bad("intset not sorted", at);
    prev = v;
    num = FormatInt64(v);
    REDROCK_RETURN_IF_ERROR(fn(num));
  }
  return Status::OK();
}

Status WalkZipmap(std::string_view blob, const BlobEntryFn& fn) {
  const auto* p = reinterpret_cast<const uint8_t*>(blob.data());
  const size_t n = blob.size();
  if (n < 2) return Bad("zipmap too short", 0);
  size_t i = 1;
  auto read_len = [&](uint64_t* len) -> bool {
    if (i >= n) return false;
    if (p[i] < 254) {
      *len = p[i++];
      return true;
    }
    if (p[i] != 254 || i + 5 > n) return false;
    *len = DecodeLE(blob.data() + i + 1, 4);
    i += 5;
    return true;
  };
  while (true) {
    if (i >= n) return Bad("zipmap without terminator", i);
    if (p[i] == 0xff) {
      if (i + 1 != n) return Bad("zipmap data after terminator", i);
      return Status::OK();
    }
    uint64_t flen, vlen;
    if (!read_len(&flen) || flen > n - i) return Bad("zipmap field overflows", i);
    REDROCK_RETURN_IF_ERROR(fn(std::string_view(blob.data() + i, flen)));
    i += flen;
    if (!read_len(&vlen) || i >= n) return Bad("zipmap value overflows", i);
    uint64_t free = p[i++];
    if (vlen > n - i || free > n - i - vlen) return Bad("zipmap value overflows", i);
    REDROCK_RETURN_IF_ERROR(fn(std::string_view(blob.data() + i, vlen)));
    i += vlen + free;
  }
}

}  // namespace redrock::engine
