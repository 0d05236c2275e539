// redrock-bench-hottier: hit ratio of the hot tier (CLOCK + TinyLFU admission) against a
// plain LRU cache with the same byte budget, on the same Zipf-distributed key stream.
// Each access is a read; a miss offers the key to the cache, as a read from RocksDB would.
//
// usage: redrock-bench-hottier [keys] [accesses] [value bytes]
//   defaults: 1000000 keys, 10000000 accesses, 32-byte values; prints one line per
//   (skew, cache size) pair for skews 0.9, 1.0, 1.1 and caches of 1%, 2% and 5% of the keys.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <list>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/hot_tier.h"
#include "engine/key_format.h"

namespace {

using redrock::engine::HotTier;

// Zipf(s) over ranks 1..n by inverse transform on the cumulative weights; ranks are then
// scattered over key ids so popularity does not follow key order.
std::vector<uint32_t> ZipfStream(uint32_t n, double s, uint64_t count, uint64_t seed) {
  std::vector<double> cdf(n);
  double sum = 0;
  for (uint32_t i = 0; i < n; i++) {
    sum += 1.0 / std::pow(static_cast<double>(i + 1), s);
    cdf[i] = sum;
  }
  std::vector<uint32_t> perm(n);
  for (uint32_t i = 0; i < n; i++)
    perm[i] = i;
  std::mt19937_64 rng(seed);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::uniform_real_distribution<double> uni(0, sum);
  std::vector<uint32_t> out(count);
  for (uint64_t i = 0; i < count; i++) {
    size_t rank = std::lower_bound(cdf.begin(), cdf.end(), uni(rng)) - cdf.begin();
    out[i] = perm[std::min<size_t>(rank, n - 1)];
  }
  return out;
}

std::string KeyOf(uint32_t id) {
  return redrock::engine::MetaKey(0, "key:" + std::to_string(id));
}

// A textbook LRU with a byte budget, charged like the hot tier's entries.
class LruCache {
 public:
  explicit LruCache(uint64_t budget) : budget_(budget) {}
  bool Lookup(const std::string& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return false;
    order_.splice(order_.begin(), order_, it->second);
    return true;
  }
  void Insert(const std::string& key, size_t value_size) {
    uint64_t charge = HotTier::Charge(key.size(), value_size);
    while (used_ + charge > budget_ && !order_.empty()) {
      used_ -= order_.back().second;
      map_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, charge);
    map_[key] = order_.begin();
    used_ += charge;
  }

 private:
  uint64_t budget_;
  uint64_t used_ = 0;
  std::list<std::pair<std::string, uint64_t>> order_;
  std::unordered_map<std::string, std::list<std::pair<std::string, uint64_t>>::iterator> map_;
};

}  // namespace

int main(int argc, char** argv) {
  const uint32_t keys = argc > 1 ? static_cast<uint32_t>(std::atoll(argv[1])) : 1000000;
  const uint64_t accesses = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000000;
  const size_t value_size = argc > 3 ? static_cast<size_t>(std::atoll(argv[3])) : 32;
  redrock::engine::MetaRecord rec;
  rec.value.assign(value_size, 'v');
  const std::string value = redrock::engine::EncodeMeta(rec);

  std::vector<std::string> names(keys);
  for (uint32_t i = 0; i < keys; i++)
    names[i] = KeyOf(i);
  const uint64_t entry = HotTier::Charge(names[keys / 2].size(), value.size());

  std::printf("keys=%u accesses=%llu value=%zu bytes, charge per entry=%llu bytes\n", keys,
              static_cast<unsigned long long>(accesses), value_size,
              static_cast<unsigned long long>(entry));
  std::printf("%-6s %-7s %-12s %-14s %-10s %-10s\n", "skew", "cache", "budget", "tinylfu+clock",
              "lru", "gain");
  for (double skew : {0.9, 1.0, 1.1}) {
    std::vector<uint32_t> stream = ZipfStream(keys, skew, accesses, 42);
    for (double pct : {1.0, 2.0, 5.0}) {
      const uint64_t budget = static_cast<uint64_t>(keys * pct / 100.0) * entry;
      HotTier tier(budget);
      LruCache lru(budget);
      uint64_t tier_hits = 0, lru_hits = 0;
      auto start = std::chrono::steady_clock::now();
      for (uint32_t id : stream) {
        const std::string& key = names[id];
        std::string got;
        HotTier::Ticket ticket;
        if (tier.GetMeta(key, 0, &got, &ticket) == HotTier::Result::kHit) {
          tier_hits++;
        } else {
          tier.FillMeta(key, value, ticket, 0, 1);
        }
      }
      double tier_secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (uint32_t id : stream) {
        if (lru.Lookup(names[id])) {
          lru_hits++;
        } else {
          lru.Insert(names[id], value.size());
        }
      }
      const double a = static_cast<double>(tier_hits) / accesses;
      const double b = static_cast<double>(lru_hits) / accesses;
      std::printf("%-6.1f %-6.0f%% %-12llu %-14.4f %-10.4f %+.1f pts   (tier %.0f ns/access)\n",
                  skew, pct, static_cast<unsigned long long>(budget), a, b, 100 * (a - b),
                  1e9 * tier_secs / accesses);
      std::fflush(stdout);
    }
  }
  return 0;
}
