// CRC-64/Jones, table driven, eight bytes per step ("slicing by 8") so that checksumming a
// multi-gigabyte RDB file costs little next to reading it.
#include "engine/crc64.h"

#include <array>
#include <cstring>

namespace redrock::engine {

namespace {

// The polynomial with its bits reversed, for the LSB-first (reflected) algorithm.
constexpr uint64_t kReflectedPoly = 0x95ac9329ac4bc9b5ULL;

struct Tables {
  std::array<std::array<uint64_t, 256>, 8> t{};
  Tables() {
    for (uint64_t b = 0; b < 256; b++) {
      uint64_t c = b;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? (c >> 1) ^ kReflectedPoly : c >> 1;
      t[0][b] = c;
    }
    for (size_t b = 0; b < 256; b++)
      for (size_t s = 1; s < 8; s++)
        t[s][b] = (t[s - 1][b] >> 8) ^ t[0][t[s - 1][b] & 0xff];
  }
};

const Tables& GetTables() {
  static const Tables tables;
  return tables;
}

}  // namespace

uint64_t Crc64(uint64_t crc, const void* data, size_t n) {
  const auto& t = GetTables().t;
  const auto* p = static_cast<const unsigned char*>(data);
  while (n >= 8) {
    // Assemble little-endian so the code is right on any host byte order.
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
      v = (v << 8) | p[i];
    crc ^= v;
    crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^
          t[4][(crc >> 24) & 0xff] ^ t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^
          t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
    p += 8;
    n -= 8;
  }
  while (n--)
    crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace redrock::engine
