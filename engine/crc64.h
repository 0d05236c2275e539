// CRC-64/Jones (reflected polynomial 0xad93d23594c935a9, no final xor): the checksum of
// Redis RDB files and DUMP payloads, also used over redrock's own dump streams.
#pragma once

#include <cstddef>
#include <cstdint>

namespace redrock::engine {

// Extends `crc` with `n` bytes at `data` (start with 0).
uint64_t Crc64(uint64_t crc, const void* data, size_t n);

}  // namespace redrock::engine
