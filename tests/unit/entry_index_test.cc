// EntryIndex against std::unordered_map under random inserts and erases, with hashes chosen
// to collide so probe runs wrap around the table and deletions must shift entries back.
#include "engine/entry_index.h"

#include <list>
#include <random>
#include <string>
#include <unordered_map>

#include <gtest/gtest.h>

namespace redrock::engine {
namespace {

struct Item {
  std::string name;
  uint64_t hash = 0;
  std::string_view key() const { return name; }
};

class EntryIndexTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(EntryIndexTest, MatchesUnorderedMap) {
  const uint64_t hash_range = GetParam();  // few distinct hashes: long collision runs
  std::mt19937_64 rng(hash_range);
  std::list<Item> items;  // stable addresses, like the hot tier's ring
  std::unordered_map<std::string, Item*> model;
  EntryIndex<Item> index;
  for (int step = 0; step < 40000; step++) {
    const std::string key = "k" + std::to_string(rng() % 3000);
    // Hashes near the top of the range land in the last slots, so runs wrap to slot 0.
    const uint64_t hash = (std::hash<std::string>{}(key) % hash_range) | (hash_range << 40);
    auto it = model.find(key);
    if (rng() % 3 != 0) {
      if (it != model.end()) continue;
      items.push_back(Item{key, hash});
      index.Insert(&items.back(), hash);
      model.emplace(key, &items.back());
    } else if (it != model.end()) {
      index.Erase(it->second, it->second->hash);
      model.erase(it);
    }
    if (step % 997 == 0 || step == 39999) {
      ASSERT_EQ(index.size(), model.size());
      for (int k = 0; k < 3000; k++) {
        const std::string probe = "k" + std::to_string(k);
        const uint64_t h = (std::hash<std::string>{}(probe) % hash_range) | (hash_range << 40);
        auto m = model.find(probe);
        ASSERT_EQ(index.Find(probe, h), m == model.end() ? nullptr : m->second)
            << "key " << probe << " at step " << step;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(HashSpread, EntryIndexTest, ::testing::Values(7, 255, 1ULL << 40));

TEST(EntryIndexTest, ClearEmptiesAndStaysUsable) {
  std::list<Item> items;
  EntryIndex<Item> index;
  for (int i = 0; i < 100; i++) {
    items.push_back(Item{"k" + std::to_string(i), static_cast<uint64_t>(i % 5)});
    index.Insert(&items.back(), items.back().hash);
  }
  EXPECT_EQ(index.size(), 100u);
  index.Clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.Find("k1", 1), nullptr);
  index.Insert(&items.front(), items.front().hash);
  EXPECT_EQ(index.Find("k0", 0), &items.front());
}

}  // namespace
}  // namespace redrock::engine
