// Count-min sketch with periodic halving.
#include "engine/frequency_sketch.h"

#include <algorithm>

namespace redrock::engine {

FrequencySketch::FrequencySketch(uint64_t counters) {
  uint64_t words = kBlockWords;
  while (words * 16 < counters)
    words <<= 1;
  table_.assign(words, 0);
  block_mask_ = words / kBlockWords - 1;
  // Halve after two additions per 16 counters (each addition bumps 4 of them, so counters
  // average 8 when halved): below saturation at 15 except for really frequent keys, and a
  // long enough history (measured best of 10, 32 and 160 per word with
  // redrock-bench-hottier).
  sample_ = words * 32;
}

namespace {

uint64_t Mix(uint64_t h) {
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ULL;
  h ^= h >> 32;
  return h;
}

}  // namespace

uint64_t FrequencySketch::Block(uint64_t hash) const {
  return (Mix(hash) & block_mask_) * kBlockWords;
}

void FrequencySketch::Slot(uint64_t hash, uint64_t block, int i, uint64_t* word, int* shift) {
  // Each probe re-mixes the hash with its own seed, so probes of one key are independent and
  // structured hashes (sequential, multiplicative) still spread over the table. Probe i picks
  // one of its own two words of the block, and one of 16 nibbles there.
  const uint64_t h = Mix(hash + static_cast<uint64_t>(i + 1) * 0x9e3779b97f4a7c15ULL);
  *word = block + static_cast<uint64_t>(i) * 2 + ((h >> 4) & 1);
  *shift = static_cast<int>(h & 15) * 4;
}

void FrequencySketch::Add(uint64_t hash) {
  const uint64_t block = Block(hash);
  bool added = false;
  for (int i = 0; i < 4; i++) {
    uint64_t w;
    int shift;
    Slot(hash, block, i, &w, &shift);
    if (((table_[w] >> shift) & 15) < 15) {
      table_[w] += 1ULL << shift;
      added = true;
    }
  }
  if (added && ++additions_ >= sample_) Halve();
}

int FrequencySketch::Estimate(uint64_t hash) const {
  const uint64_t block = Block(hash);
  int best = 15;
  for (int i = 0; i < 4; i++) {
    uint64_t w;
    int shift;
    Slot(hash, block, i, &w, &shift);
    best = std::min(best, static_cast<int>((table_[w] >> shift) & 15));
  }
  return best;
}

void FrequencySketch::Halve() {
  // Shifting a word right by one halves its 16 nibbles; the mask drops the bit each nibble
  // received from its upper neighbour.
  for (auto& w : table_)
    w = (w >> 1) & 0x7777777777777777ULL;
  additions_ /= 2;
}

}  // namespace redrock::engine
