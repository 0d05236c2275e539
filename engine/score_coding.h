// Order-preserving encoding of sorted-set scores (IEEE 754 doubles) as 8 big-endian bytes, so
// that RocksDB's byte order of encoded scores is their numeric order: -inf < negatives <
// denormals < 0 < positives < +inf. The zscore column family and the data-cf member values
// both use it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace redrock::engine {

// The sortable 64-bit image of `score` (not NaN). -0 maps to the image of +0: Redis compares
// scores with `<`, so -0 and +0 are equal scores and their members order by bytes alone.
uint64_t ScoreToSortable(double score);
// Inverse of ScoreToSortable (the image of +0 gives +0).
double SortableToScore(uint64_t bits);

// Appends the 8-byte encoding of `score`.
void PutScore(std::string* dst, double score);
// Decodes 8 bytes at `p`.
double DecodeScore(const char* p);
// Reads a score from the front of *in and advances it; false if fewer than 8 bytes remain.
bool GetScore(std::string_view* in, double* score);

}  // namespace redrock::engine
