// AccessClock implementation.
#include "engine/access_clock.h"

#include <bit>
#include <functional>

#include "engine/key_format.h"

namespace redrock::engine {

AccessClock::AccessClock(size_t slots)
    : mask_(std::bit_ceil(std::max<size_t>(slots, 2)) - 1),
      slots_(std::make_unique<std::atomic<uint64_t>[]>(mask_ + 1)),
      start_ms_(NowMs()) {
  for (size_t i = 0; i <= mask_; i++)
    slots_[i].store(0, std::memory_order_relaxed);
}

uint64_t AccessClock::Hash(int db, std::string_view key) {
  uint64_t h =
      std::hash<std::string_view>()(key) ^ (static_cast<uint64_t>(db) * 0x9E3779B97F4A7C15);
  // Final mix (from SplitMix64) so the slot index and the tag use independent bits.
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9;
  h ^= h >> 27;
  h *= 0x94D049BB133111EB;
  h ^= h >> 31;
  return h;
}

void AccessClock::Touch(int db, std::string_view key, uint64_t now_ms) {
  const uint64_t h = Hash(db, key);
  const uint64_t tag = h >> (64 - kTagBits);
  slots_[h & mask_].store((tag << (64 - kTagBits)) | (now_ms & kTimeMask),
                          std::memory_order_relaxed);
}

uint64_t AccessClock::IdleMs(int db, std::string_view key, uint64_t now_ms) const {
  const uint64_t h = Hash(db, key);
  const uint64_t slot = slots_[h & mask_].load(std::memory_order_relaxed);
  uint64_t last = start_ms_.load(std::memory_order_relaxed);
  if (slot != 0 && (slot >> (64 - kTagBits)) == (h >> (64 - kTagBits))) last = slot & kTimeMask;
  return now_ms > last ? now_ms - last : 0;
}

void AccessClock::Clear(uint64_t now_ms) {
  for (size_t i = 0; i <= mask_; i++)
    slots_[i].store(0, std::memory_order_relaxed);
  start_ms_.store(now_ms, std::memory_order_relaxed);
}

}  // namespace redrock::engine
