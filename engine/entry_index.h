// EntryIndex: the hot tier's per-shard index from key to entry.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace redrock::engine {

// An index from key to entry (any type with a key() accessor), not owning the entries: open
// addressing with linear probing and backward-shift deletion (no tombstones). Each slot keeps the
// key's full hash, so a probe reads an entry only when the hashes match; a lookup costs one slot
// miss and one entry miss where a node-based map costs a bucket, a node and the entry.
template <typename Entry>
class EntryIndex {
 public:
  size_t size() const { return size_; }

  Entry* Find(std::string_view key, uint64_t hash) const {
    if (size_ == 0) return nullptr;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.entry == nullptr) return nullptr;
      if (s.hash == hash && s.entry->key() == key) return s.entry;
    }
  }
  // Starts loading the slot `hash` probes first.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }
  // `entry` (whose key is not in the index yet) under `hash`.
  void Insert(Entry* entry, uint64_t hash) {
    if (2 * (size_ + 1) > slots_.size()) Grow();
    Place(entry, hash);
    size_++;
  }
  void Erase(const Entry* entry, uint64_t hash) {
    size_t i = hash & mask_;
    while (slots_[i].entry != entry)
      i = (i + 1) & mask_;
    // Shift later members of the probe run back into the hole unless that would move one
    // in front of its home slot.
    for (size_t j = (i + 1) & mask_; slots_[j].entry != nullptr; j = (j + 1) & mask_) {
      const size_t home = slots_[j].hash & mask_;
      const bool between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (between) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = Slot{};
    size_--;
  }
  void Clear() {
    std::vector<Slot>().swap(slots_);
    mask_ = 0;
    size_ = 0;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    Entry* entry = nullptr;
  };

  void Place(Entry* entry, uint64_t hash) {
    size_t i = hash & mask_;
    while (slots_[i].entry != nullptr)
      i = (i + 1) & mask_;
    slots_[i] = Slot{hash, entry};
  }
  void Grow() {
    std::vector<Slot> old(std::max<size_t>(16, 2 * slots_.size()));
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.entry != nullptr) Place(s.entry, s.hash);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace redrock::engine
