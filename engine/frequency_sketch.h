// FrequencySketch: approximate access counts of recently seen keys (a count-min sketch with
// 4 probes into one table of saturating 4-bit counters). The 4 counters of a key lie in one
// 64-byte block of the table (one word pair per probe), so an Add or Estimate costs one cache
// miss instead of four. Every `sample` additions all
// counters are halved, so old popularity fades and the sketch tracks the recent workload.
// Used by the hot tier as its TinyLFU admission filter. Not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace redrock::engine {

class FrequencySketch {
 public:
  // A sketch with about `counters` counters (rounded up to a power of two, at least 64).
  explicit FrequencySketch(uint64_t counters = 64);

  // Counts one access of the key whose 64-bit hash is `hash`.
  void Add(uint64_t hash);
  // Estimated recent accesses of `hash` (0..15); never below the true count since the last
  // halving.
  int Estimate(uint64_t hash) const;
  // Starts loading `hash`'s block into the cache, so a later Add or Estimate does not wait.
  void Prefetch(uint64_t hash) const { __builtin_prefetch(table_.data() + Block(hash)); }
  // Memory used by the table.
  uint64_t bytes() const { return table_.size() * sizeof(uint64_t); }

 private:
  void Halve();
  static constexpr uint64_t kBlockWords = 8;  // 64 bytes
  // The first word of `hash`'s block.
  uint64_t Block(uint64_t hash) const;
  // Slot i (0..3) of `hash` within its block: a word index and a nibble within it.
  static void Slot(uint64_t hash, uint64_t block, int i, uint64_t* word, int* shift);

  std::vector<uint64_t> table_;  // 16 nibble counters per word
  uint64_t block_mask_ = 0;
  uint64_t additions_ = 0;
  uint64_t sample_ = 0;
};

}  // namespace redrock::engine
