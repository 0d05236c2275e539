// SetType on a real RocksDB in a temporary directory: membership, encodings, SPOP, SMOVE,
// the set algebra checked against std::set on random inputs, STORE forms, big sets.
#include "engine/set_type.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "engine/engine.h"
#include "engine/key_format.h"
#include "engine/keyspace.h"
#include "engine/string_type.h"
#include "engine/transaction.h"
#include "tests/unit/member_scan_util.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

using Members = std::set<std::string>;

class SetTypeTest : public testing::EngineTest {
 protected:
  SetType sets() { return SetType(engine_.get()); }

  int64_t SAdd(std::string_view key, const std::vector<std::string_view>& members) {
    int64_t added = -1;
    Status s = sets().Add(0, key, members, &added);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return added;
  }

  Members SMembers(std::string_view key) {
    Members out;
    uint64_t announced = 0;
    std::vector<std::string> order;
    Status s = sets().Members(
        0, key, [&](uint64_t n) { announced = n; },
        [&](std::string_view m) {
          order.emplace_back(m);
          out.emplace(m);
        });
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    EXPECT_EQ(announced, order.size());
    EXPECT_EQ(out.size(), order.size());
    return out;
  }

  uint64_t SCard(std::string_view key) {
    uint64_t n = 0;
    Status s = sets().Card(0, key, &n);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    return n;
  }

  std::string Encoding(std::string_view key) {
    MetaRecord meta;
    EXPECT_TRUE(Keyspace(engine_.get()).GetLive(0, key, &meta).ok());
    return SetType::Encoding(meta);
  }

  bool Exists(std::string_view key) {
    ValueType type;
    return Keyspace(engine_.get()).Type(0, key, &type).ok();
  }

  Members Combine(SetOp op, const std::vector<std::string_view>& keys) {
    std::vector<std::string> result;
    KeyLookups lookups;
    Status s = sets().Combine(0, op, keys, &result, &lookups);
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(std::is_sorted(result.begin(), result.end()));
    EXPECT_EQ(lookups.hits + lookups.misses, keys.size());
    Members out(result.begin(), result.end());
    EXPECT_EQ(out.size(), result.size());  // no duplicates
    return out;
  }
};

TEST_F(SetTypeTest, AddRemoveAndMembership) {
  EXPECT_EQ(SAdd("s", {"a", "b", "a", "c"}), 3);
  EXPECT_EQ(SAdd("s", {"a", "d"}), 1);
  EXPECT_EQ(SCard("s"), 4u);
  EXPECT_EQ(SMembers("s"), (Members{"a", "b", "c", "d"}));
  bool found;
  ASSERT_TRUE(sets().IsMember(0, "s", "b", &found).ok());
  EXPECT_TRUE(found);
  ASSERT_TRUE(sets().IsMember(0, "s", "z", &found).ok());
  EXPECT_FALSE(found);
  EXPECT_TRUE(sets().IsMember(0, "nokey", "z", &found).IsNotFound());
  std::vector<bool> flags;
  ASSERT_TRUE(sets().MIsMember(0, "s", {"a", "z", "d", "a"}, &flags).ok());
  EXPECT_EQ(flags, (std::vector<bool>{true, false, true, true}));

  int64_t removed;
  ASSERT_TRUE(sets().Remove(0, "s", {"a", "a", "z"}, &removed).ok());
  EXPECT_EQ(removed, 1);
  ASSERT_TRUE(sets().Remove(0, "s", {"b", "c", "d"}, &removed).ok());
  EXPECT_EQ(removed, 3);
  EXPECT_FALSE(Exists("s"));
  EXPECT_EQ(engine_->KeyCount(0), 0);
  EXPECT_TRUE(sets().Remove(0, "s", {"b"}, &removed).IsNotFound());
}

TEST_F(SetTypeTest, EncodingIntsetUntilANonIntegerOrTooMany) {
  SAdd("i", {"1", "-5", "9223372036854775807"});
  EXPECT_EQ(Encoding("i"), "intset");
  SAdd("i", {"01"});  // not Redis's canonical integer form
  EXPECT_EQ(Encoding("i"), "hashtable");
  int64_t removed;
  ASSERT_TRUE(sets().Remove(0, "i", {"01"}, &removed).ok());
  EXPECT_EQ(Encoding("i"), "hashtable");  // never back by SREM

  std::vector<std::string> nums;
  for (int i = 0; i < 513; i++)
    nums.push_back(std::to_string(i));
  std::vector<std::string_view> first(nums.begin(), nums.begin() + 512);
  SAdd("n", first);
  EXPECT_EQ(Encoding("n"), "intset");
  SAdd("n", {nums[0]});
  EXPECT_EQ(Encoding("n"), "intset");
  SAdd("n", {nums[512]});
  EXPECT_EQ(Encoding("n"), "hashtable");
}

TEST_F(SetTypeTest, WrongType) {
  SetOptions o;
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "str", "v", o, &applied, &old).ok());
  SAdd("s", {"a"});
  int64_t n;
  uint64_t u;
  bool b;
  std::vector<std::string> popped, result;
  KeyLookups lookups;
  EXPECT_TRUE(sets().Add(0, "str", {"a"}, &n).IsWrongType());
  EXPECT_TRUE(sets().Remove(0, "str", {"a"}, &n).IsWrongType());
  EXPECT_TRUE(sets().Card(0, "str", &u).IsWrongType());
  EXPECT_TRUE(sets().IsMember(0, "str", "a", &b).IsWrongType());
  EXPECT_TRUE(sets().Pop(0, "str", 0, &popped).IsWrongType());
  EXPECT_TRUE(sets().Combine(0, SetOp::kInter, {"nokey", "str"}, &result, &lookups).IsWrongType());
  EXPECT_TRUE(sets().Combine(0, SetOp::kUnion, {"s", "str"}, &result, &lookups).IsWrongType());
  EXPECT_TRUE(sets().Store(0, SetOp::kUnion, "dst", {"s", "str"}, &n).IsWrongType());
  EXPECT_FALSE(Exists("dst"));
  // SMOVE: a missing source answers 0 before the destination's type is looked at.
  EXPECT_TRUE(sets().Move(0, "nokey", "str", "a", &b).ok());
  EXPECT_FALSE(b);
  EXPECT_TRUE(sets().Move(0, "s", "str", "zz", &b).IsWrongType());
  EXPECT_TRUE(sets().Move(0, "str", "s", "a", &b).IsWrongType());
}

TEST_F(SetTypeTest, AlgebraMatchesStdSetOnRandomInputs) {
  std::mt19937 rng(12345);
  const std::vector<std::string> keys = {"k0", "k1", "k2", "k3", "missing"};
  for (int round = 0; round < 30; round++) {
    std::vector<Members> model(keys.size());
    for (size_t k = 0; k + 1 < keys.size(); k++) {
      int64_t deleted;
      ASSERT_TRUE(Keyspace(engine_.get()).Delete(0, {keys[k]}, &deleted).ok());
      int n = static_cast<int>(rng() % 40);
      std::vector<std::string> members;
      for (int i = 0; i < n; i++)
        members.push_back(std::to_string(rng() % 60));
      if (round % 3 == 0) members.push_back("x" + std::to_string(rng() % 5));
      if (members.empty()) continue;
      SAdd(keys[k], std::vector<std::string_view>(members.begin(), members.end()));
      model[k].insert(members.begin(), members.end());
    }
    for (int trial = 0; trial < 10; trial++) {
      std::vector<std::string_view> pick;
      std::vector<size_t> idx;
      int arity = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < arity; i++) {
        idx.push_back(rng() % keys.size());
        pick.push_back(keys[idx.back()]);
      }
      Members inter = model[idx[0]], uni, diff = model[idx[0]];
      for (size_t i : idx) {
        Members tmp;
        std::set_intersection(inter.begin(), inter.end(), model[i].begin(), model[i].end(),
                              std::inserter(tmp, tmp.end()));
        inter = tmp;
        uni.insert(model[i].begin(), model[i].end());
      }
      for (size_t j = 1; j < idx.size(); j++) {
        for (const auto& m : model[idx[j]])
          diff.erase(m);
      }
      EXPECT_EQ(Combine(SetOp::kInter, pick), inter);
      EXPECT_EQ(Combine(SetOp::kUnion, pick), uni);
      EXPECT_EQ(Combine(SetOp::kDiff, pick), diff);
      uint64_t card;
      KeyLookups lookups;
      ASSERT_TRUE(sets().InterCard(0, pick, 0, &card, &lookups).ok());
      EXPECT_EQ(card, inter.size());
      ASSERT_TRUE(sets().InterCard(0, pick, 3, &card, &lookups).ok());
      EXPECT_EQ(card, std::min<uint64_t>(3, inter.size()));
    }
  }
}

TEST_F(SetTypeTest, StoreReplacesDeletesAndMayOverwriteASource) {
  SAdd("a", {"1", "2", "3"});
  SAdd("b", {"2", "3", "4", "x"});
  int64_t size;
  ASSERT_TRUE(sets().Store(0, SetOp::kInter, "a", {"a", "b"}, &size).ok());
  EXPECT_EQ(size, 2);
  EXPECT_EQ(SMembers("a"), (Members{"2", "3"}));
  EXPECT_EQ(Encoding("a"), "intset");
  ASSERT_TRUE(sets().Store(0, SetOp::kUnion, "u", {"a", "b", "nokey"}, &size).ok());
  EXPECT_EQ(size, 4);
  EXPECT_EQ(Encoding("u"), "hashtable");

  // Any type, any TTL: the destination is replaced, and its TTL goes.
  SetOptions o;
  o.expire_ms = NowMs() + 100000;
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "str", "v", o, &applied, &old).ok());
  ASSERT_TRUE(sets().Store(0, SetOp::kDiff, "str", {"b", "a"}, &size).ok());
  EXPECT_EQ(size, 2);
  EXPECT_EQ(SMembers("str"), (Members{"4", "x"}));
  int64_t ttl;
  ASSERT_TRUE(Keyspace(engine_.get()).Ttl(0, "str", &ttl).ok());
  EXPECT_EQ(ttl, -1);
  EXPECT_EQ(engine_->ExpireCount(0), 0);

  // An empty result deletes the destination.
  ASSERT_TRUE(sets().Store(0, SetOp::kInter, "str", {"a", "nokey"}, &size).ok());
  EXPECT_EQ(size, 0);
  EXPECT_FALSE(Exists("str"));
  ASSERT_TRUE(sets().Store(0, SetOp::kDiff, "a", {"a", "a"}, &size).ok());
  EXPECT_EQ(size, 0);
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(engine_->KeyCount(0), 2);  // b, u
}

TEST_F(SetTypeTest, MoveBetweenSets) {
  SAdd("src", {"a", "b"});
  SAdd("dst", {"1"});
  bool moved;
  ASSERT_TRUE(sets().Move(0, "src", "dst", "a", &moved).ok());
  EXPECT_TRUE(moved);
  EXPECT_EQ(SMembers("src"), (Members{"b"}));
  EXPECT_EQ(SMembers("dst"), (Members{"1", "a"}));
  EXPECT_EQ(Encoding("dst"), "hashtable");
  ASSERT_TRUE(sets().Move(0, "src", "dst", "zz", &moved).ok());
  EXPECT_FALSE(moved);
  ASSERT_TRUE(sets().Move(0, "src", "src", "b", &moved).ok());
  EXPECT_TRUE(moved);
  ASSERT_TRUE(sets().Move(0, "src", "src", "q", &moved).ok());
  EXPECT_FALSE(moved);
  // Moving the last member deletes the source; a new destination is created (an intset for
  // an integer, as Redis's setTypeCreate does).
  SAdd("one", {"7"});
  ASSERT_TRUE(sets().Move(0, "one", "fresh", "7", &moved).ok());
  EXPECT_TRUE(moved);
  EXPECT_FALSE(Exists("one"));
  EXPECT_EQ(SMembers("fresh"), (Members{"7"}));
  EXPECT_EQ(Encoding("fresh"), "intset");
  // Already in the destination: it only leaves the source.
  SAdd("p", {"m", "n"});
  SAdd("q", {"m"});
  ASSERT_TRUE(sets().Move(0, "p", "q", "m", &moved).ok());
  EXPECT_TRUE(moved);
  EXPECT_EQ(SCard("p"), 1u);
  EXPECT_EQ(SCard("q"), 1u);
}

TEST_F(SetTypeTest, PopTakesDistinctMembersAndDeletesTheEmptySet) {
  std::vector<std::string> nums;
  for (int i = 0; i < 20; i++)
    nums.push_back(std::to_string(i));
  SAdd("s", std::vector<std::string_view>(nums.begin(), nums.end()));
  std::vector<std::string> popped;
  ASSERT_TRUE(sets().Pop(0, "s", 0, &popped).ok());
  EXPECT_TRUE(popped.empty());
  ASSERT_TRUE(sets().Pop(0, "s", 5, &popped).ok());
  ASSERT_EQ(popped.size(), 5u);
  Members left = SMembers("s");
  EXPECT_EQ(left.size(), 15u);
  for (const auto& m : popped)
    EXPECT_EQ(left.count(m), 0u);
  EXPECT_EQ(Members(popped.begin(), popped.end()).size(), 5u);
  ASSERT_TRUE(sets().Pop(0, "s", 100, &popped).ok());
  EXPECT_EQ(popped.size(), 15u);
  EXPECT_FALSE(Exists("s"));
  EXPECT_TRUE(sets().Pop(0, "s", 1, &popped).IsNotFound());
}

TEST_F(SetTypeTest, PopOfMostOfAHashtableRebuildsAnIntset) {
  // Redis 7.0's spopWithCountCommand keeps the remaining members in a new set when it pops
  // most of the set: integers only make it an intset again.
  std::vector<std::string> nums;
  for (int i = 0; i < 20; i++)
    nums.push_back(std::to_string(i));
  for (const char* key : {"most", "some"}) {
    SAdd(key, std::vector<std::string_view>(nums.begin(), nums.end()));
    SAdd(key, {"word"});
    int64_t removed;
    ASSERT_TRUE(sets().Remove(0, key, {"word"}, &removed).ok());
    EXPECT_EQ(Encoding(key), "hashtable");
  }
  std::vector<std::string> popped;
  ASSERT_TRUE(sets().Pop(0, "most", 17, &popped).ok());  // 3 left: 3*5 <= 17
  EXPECT_EQ(Encoding("most"), "intset");
  ASSERT_TRUE(sets().Pop(0, "some", 10, &popped).ok());  // 10 left: 10*5 > 10
  EXPECT_EQ(Encoding("some"), "hashtable");
}

TEST_F(SetTypeTest, ScanReturnsIntsetsWholeAndPagesHashtables) {
  SAdd("small", {"1", "2", "3"});
  MemberPage page;
  uint64_t version;
  auto from = [](std::optional<std::string> pos) { return [pos](uint64_t) { return pos; }; };
  ASSERT_TRUE(sets().Scan(0, "small", from("2"), 1, std::nullopt, &page, &version).ok());
  EXPECT_EQ(page.items.size(), 3u);
  EXPECT_FALSE(page.next.has_value());
  std::vector<std::string> members;
  for (int i = 0; i < 100; i++)
    members.push_back("m" + std::to_string(i));
  SAdd("big", std::vector<std::string_view>(members.begin(), members.end()));
  Members seen;
  std::optional<std::string> pos;
  for (int calls = 0; calls < 50; calls++) {
    ASSERT_TRUE(sets().Scan(0, "big", from(pos), 7, std::nullopt, &page, &version).ok());
    for (auto& item : page.items)
      EXPECT_TRUE(seen.insert(item.first).second);
    pos = page.next;
    if (!pos) break;
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_FALSE(pos.has_value());
  std::string_view empty_pattern("");
  ASSERT_TRUE(sets().Scan(0, "big", from(std::nullopt), 1000, empty_pattern, &page, &version).ok());
  EXPECT_TRUE(page.items.empty());  // MATCH "" matches only the empty member
}

TEST_F(SetTypeTest, ScanPagesEndingAtTheEmptyMemberGoOn) {
  // "" sorts first: with COUNT 1 the first page ends on it, and the scan must go on after it.
  std::vector<std::string> members = {""};
  for (int i = 0; i < 50; i++)
    members.push_back("m" + std::to_string(i));
  SAdd("s", std::vector<std::string_view>(members.begin(), members.end()));
  std::sort(members.begin(), members.end());
  for (size_t count : {1, 2, 5, 50, 51, 52}) {
    size_t calls;
    std::vector<std::string> seen =
        testing::DrainMemberScan([&](const auto&... a) { return sets().Scan(0, "s", a...); }, count,
                                 members.size() + 1, &calls);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, members) << "count " << count;  // each member once
  }
}

TEST_F(SetTypeTest, TransactionReadsStayWithinTheirKey) {
  // Inside MULTI/EXEC the pending members of every key of the transaction are merged into
  // reads; each read must see its own key's only.
  {
    Transaction txn(engine_.get(), {{0, "a"}, {0, "m"}, {0, "z"}, {0, "d"}});
    SAdd("a", {"1", "2", "x"});
    SAdd("m", {"2", "3", "x"});
    SAdd("z", {"9"});
    EXPECT_EQ(SMembers("m"), (Members{"2", "3", "x"}));
    EXPECT_EQ(Combine(SetOp::kInter, {"a", "m"}), (Members{"2", "x"}));
    EXPECT_EQ(Combine(SetOp::kUnion, {"m", "z"}), (Members{"2", "3", "9", "x"}));
    EXPECT_EQ(Combine(SetOp::kDiff, {"m", "a"}), (Members{"3"}));
    int64_t size;
    ASSERT_TRUE(sets().Store(0, SetOp::kInter, "d", {"a", "m"}, &size).ok());
    EXPECT_EQ(size, 2);
    std::vector<std::string> popped;
    ASSERT_TRUE(sets().Pop(0, "d", 5, &popped).ok());
    EXPECT_EQ(Members(popped.begin(), popped.end()), (Members{"2", "x"}));
    std::vector<SampledMember> sample;
    ASSERT_TRUE(sets().RandomMembers(0, "m", 10, &sample).ok());
    EXPECT_EQ(sample.size(), 3u);
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(SMembers("m"), (Members{"2", "3", "x"}));
  EXPECT_FALSE(Exists("d"));
}

TEST_F(SetTypeTest, BigSetsStayFastAndBounded) {
  auto start = std::chrono::steady_clock::now();
  const int kMembers = 100000;
  for (const char* key : {"a", "b"}) {
    for (int batch = 0; batch < kMembers / 1000; batch++) {
      std::vector<std::string> members;
      int step = key[0] == 'a' ? 1 : 2;  // b holds the even numbers of twice the range
      for (int i = 0; i < 1000; i++)
        members.push_back("m" + std::to_string((batch * 1000 + i) * step));
      ASSERT_EQ(SAdd(key, std::vector<std::string_view>(members.begin(), members.end())), 1000);
    }
  }
  EXPECT_EQ(SCard("a"), static_cast<uint64_t>(kMembers));
  uint64_t card;
  KeyLookups lookups;
  ASSERT_TRUE(sets().InterCard(0, {"a", "b"}, 0, &card, &lookups).ok());
  EXPECT_EQ(card, static_cast<uint64_t>(kMembers / 2));
  ASSERT_TRUE(sets().InterCard(0, {"a", "b"}, 10, &card, &lookups).ok());
  EXPECT_EQ(card, 10u);
  int64_t size;
  ASSERT_TRUE(sets().Store(0, SetOp::kDiff, "d", {"a", "b"}, &size).ok());
  EXPECT_EQ(size, kMembers / 2);
  std::vector<std::string> popped;
  ASSERT_TRUE(sets().Pop(0, "a", 10, &popped).ok());
  EXPECT_EQ(popped.size(), 10u);
  EXPECT_EQ(SCard("a"), static_cast<uint64_t>(kMembers - 10));
  std::vector<SampledMember> sample;
  ASSERT_TRUE(sets().RandomMembers(0, "b", 50, &sample).ok());
  EXPECT_EQ(sample.size(), 50u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

}  // namespace
}  // namespace redrock::engine
