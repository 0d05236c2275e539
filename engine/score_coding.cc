// Sortable score encoding. A double's bits, read as an unsigned integer, already order the
// non-negative values; negative values order backwards. Flipping every bit of a negative and
// only the sign bit of a non-negative puts all of them in one ascending sequence.
#include "engine/score_coding.h"

#include <bit>

#include "engine/coding.h"

namespace redrock::engine {

namespace {
constexpr uint64_t kSignBit = 1ULL << 63;
}  // namespace

uint64_t ScoreToSortable(double score) {
  if (score == 0) score = 0.0;  // -0 -> +0
  uint64_t bits = std::bit_cast<uint64_t>(score);
  return (bits & kSignBit) ? ~bits : bits | kSignBit;
}

double SortableToScore(uint64_t bits) {
  bits = (bits & kSignBit) ? bits & ~kSignBit : ~bits;
  return std::bit_cast<double>(bits);
}

void PutScore(std::string* dst, double score) {
  PutFixed64(dst, ScoreToSortable(score));
}

double DecodeScore(const char* p) {
  return SortableToScore(DecodeFixed64(p));
}

bool GetScore(std::string_view* in, double* score) {
  uint64_t bits;
  if (!GetFixed64(in, &bits)) return false;
  *score = SortableToScore(bits);
  return true;
}

}  // namespace redrock::engine
