// ListType on a real RocksDB in a temporary directory: both-end growth, Redis's index rules,
// middle edits that shift either side, empty-list removal, WRONGTYPE, big lists.
#include "engine/list_type.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <chrono>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/string_type.h"
#include "engine/transaction.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

class ListTypeTest : public testing::EngineTest {
 protected:
  ListType lists() { return ListType(engine_.get()); }

  int64_t Push(std::string_view key, ListEnd end, std::vector<std::string_view> elements) {
    int64_t len = -1;
    Status s = lists().Push(0, key, end, elements, false, &len);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return len;
  }
  int64_t RPush(std::string_view key, std::vector<std::string_view> e) {
    return Push(key, ListEnd::kRight, std::move(e));
  }
  int64_t LPush(std::string_view key, std::vector<std::string_view> e) {
    return Push(key, ListEnd::kLeft, std::move(e));
  }

  std::vector<std::string> Range(std::string_view key, int64_t start = 0, int64_t stop = -1) {
    std::vector<std::string> out;
    uint64_t announced = 0;
    Status s = lists().Range(
        0, key, start, stop, [&](uint64_t n) { announced = n; },
        [&](std::string_view e) { out.emplace_back(e); });
    if (s.IsNotFound()) return {};
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(announced, out.size());
    return out;
  }

  uint64_t Len(std::string_view key) {
    uint64_t n = 0;
    Status s = lists().Length(0, key, &n);
    if (s.IsNotFound()) return 0;
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  bool Exists(std::string_view key) {
    int64_t n = 0;
    EXPECT_TRUE(Keyspace(engine_.get()).Exists(0, {key}, &n).ok());
    return n == 1;
  }

  std::vector<std::string> Pop(std::string_view key, ListEnd end, uint64_t count) {
    std::vector<std::string> out;
    Status s = lists().Pop(0, key, end, count, &out);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    return out;
  }

  // Data records stored under the live version of `key`: a list keeps exactly its length.
  uint64_t StoredSlots(std::string_view key) {
    MetaRecord meta;
    bool present = false;
    EXPECT_TRUE(Keyspace(engine_.get()).ReadMeta(0, key, &meta, &present).ok());
    if (!present) return 0;
    std::string prefix = DataPrefix(0, key, meta.version);
    std::unique_ptr<rocksdb::Iterator> it(
        engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->data_cf()));
    uint64_t n = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      n++;
    return n;
  }

  // Checks the list against a model: elements through LRANGE, length, existence, and no
  // stored slot outside the run.
  void ExpectList(std::string_view key, const std::deque<std::string>& model) {
    std::vector<std::string> expect(model.begin(), model.end());
    EXPECT_EQ(Range(key), expect);
    EXPECT_EQ(Len(key), model.size());
    EXPECT_EQ(Exists(key), !model.empty());
    if (!model.empty()) {
      EXPECT_EQ(StoredSlots(key), model.size());
    }
  }
};

using V = std::vector<std::string>;

TEST_F(ListTypeTest, PushBothEndsKeepsOrder) {
  EXPECT_EQ(RPush("l", {"c", "d"}), 2);
  EXPECT_EQ(LPush("l", {"b", "a"}), 4);  // LPUSH a b c pushes one after the other
  EXPECT_EQ(RPush("l", {"e"}), 5);
  EXPECT_EQ(Range("l"), (V{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(Len("l"), 5u);
}

TEST_F(ListTypeTest, PushXOnlyOnExistingList) {
  int64_t len = -1;
  ASSERT_TRUE(lists().Push(0, "l", ListEnd::kLeft, {"a"}, true, &len).ok());
  EXPECT_EQ(len, 0);
  EXPECT_FALSE(Exists("l"));
  RPush("l", {"x"});
  ASSERT_TRUE(lists().Push(0, "l", ListEnd::kLeft, {"a", "b"}, true, &len).ok());
  EXPECT_EQ(len, 3);
  EXPECT_EQ(Range("l"), (V{"b", "a", "x"}));
}

TEST_F(ListTypeTest, PopBothEndsAndEmptyRemovesKey) {
  RPush("l", {"a", "b", "c", "d"});
  EXPECT_EQ(Pop("l", ListEnd::kLeft, 1), (V{"a"}));
  EXPECT_EQ(Pop("l", ListEnd::kRight, 2), (V{"d", "c"}));
  EXPECT_EQ(Pop("l", ListEnd::kRight, 0), V{});
  EXPECT_TRUE(Exists("l"));
  EXPECT_EQ(Pop("l", ListEnd::kLeft, 10), (V{"b"}));
  EXPECT_FALSE(Exists("l"));
  std::vector<std::string> out;
  EXPECT_TRUE(lists().Pop(0, "l", ListEnd::kLeft, 1, &out).IsNotFound());
  // A new list under the same name starts clean (the old slots belong to a dead version).
  RPush("l", {"z"});
  EXPECT_EQ(Range("l"), (V{"z"}));
}

TEST_F(ListTypeTest, GrowsFromOneEndPastTheStart) {
  // Only left pushes, then only right pops: the run moves entirely below its first slot.
  for (int i = 0; i < 50; i++)
    LPush("l", {std::to_string(i)});
  EXPECT_EQ(Pop("l", ListEnd::kRight, 10).front(), "0");
  for (int i = 0; i < 30; i++)
    RPush("l", {"r" + std::to_string(i)});
  V all = Range("l");
  ASSERT_EQ(all.size(), 70u);
  EXPECT_EQ(all.front(), "49");
  EXPECT_EQ(all[39], "10");
  EXPECT_EQ(all.back(), "r29");
}

TEST_F(ListTypeTest, RangeIndexRules) {
  RPush("l", {"a", "b", "c", "d", "e"});
  EXPECT_EQ(Range("l", 0, 0), (V{"a"}));
  EXPECT_EQ(Range("l", -2, -1), (V{"d", "e"}));
  EXPECT_EQ(Range("l", -100, 1), (V{"a", "b"}));
  EXPECT_EQ(Range("l", 3, 100), (V{"d", "e"}));
  EXPECT_EQ(Range("l", 5, 10), V{});
  EXPECT_EQ(Range("l", 3, 2), V{});
  EXPECT_EQ(Range("l", -1, -2), V{});
  EXPECT_EQ(Range("l", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()),
            (V{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(Range("missing"), V{});
}

TEST_F(ListTypeTest, IndexAndSet) {
  RPush("l", {"a", "b", "c"});
  std::optional<std::string> e;
  ASSERT_TRUE(lists().Index(0, "l", 0, &e).ok());
  EXPECT_EQ(e, "a");
  ASSERT_TRUE(lists().Index(0, "l", -1, &e).ok());
  EXPECT_EQ(e, "c");
  ASSERT_TRUE(lists().Index(0, "l", 3, &e).ok());
  EXPECT_EQ(e, std::nullopt);
  ASSERT_TRUE(lists().Index(0, "l", -4, &e).ok());
  EXPECT_EQ(e, std::nullopt);
  ASSERT_TRUE(lists().Index(0, "l", std::numeric_limits<int64_t>::min(), &e).ok());
  EXPECT_EQ(e, std::nullopt);
  EXPECT_TRUE(lists().Index(0, "missing", 0, &e).IsNotFound());

  EXPECT_TRUE(lists().Set(0, "l", 1, "B").ok());
  EXPECT_TRUE(lists().Set(0, "l", -1, "C").ok());
  Status s = lists().Set(0, "l", 3, "x");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "ERR index out of range");
  EXPECT_TRUE(lists().Set(0, "l", -4, "x").IsInvalidArgument());
  EXPECT_TRUE(lists().Set(0, "missing", 0, "x").IsNotFound());
  EXPECT_EQ(Range("l"), (V{"a", "B", "C"}));
}

TEST_F(ListTypeTest, InsertShiftsTheShorterSide) {
  std::deque<std::string> model;
  for (int i = 0; i < 10; i++) {
    RPush("l", {std::to_string(i)});
    model.push_back(std::to_string(i));
  }
  auto insert = [&](bool before, const std::string& pivot, const std::string& e) {
    int64_t len = 0;
    ASSERT_TRUE(lists().Insert(0, "l", before, pivot, e, &len).ok());
    auto it = std::find(model.begin(), model.end(), pivot);
    if (it == model.end()) {
      EXPECT_EQ(len, -1);
      return;
    }
    model.insert(before ? it : it + 1, e);
    EXPECT_EQ(len, static_cast<int64_t>(model.size()));
  };
  insert(true, "0", "head");   // before the first: left side empty
  insert(false, "9", "tail");  // after the last: right side empty
  insert(true, "2", "x");      // near the head: shifts left
  insert(false, "7", "y");     // near the tail: shifts right
  insert(true, "5", "m");      // the middle
  insert(true, "nope", "z");
  ExpectList("l", model);
  int64_t len = 0;
  EXPECT_TRUE(lists().Insert(0, "missing", true, "a", "b", &len).IsNotFound());
}

TEST_F(ListTypeTest, RemoveFromHeadTailAndAll) {
  auto fill = [&]() {
    int64_t n;
    Keyspace(engine_.get()).Delete(0, {"l"}, &n);
    RPush("l", {"a", "x", "b", "x", "c", "x", "d"});
  };
  int64_t removed = 0;
  int64_t deleted = 0;
  fill();
  ASSERT_TRUE(lists().Remove(0, "l", 2, "x", &removed).ok());
  EXPECT_EQ(removed, 2);
  EXPECT_EQ(Range("l"), (V{"a", "b", "c", "x", "d"}));
  fill();
  ASSERT_TRUE(lists().Remove(0, "l", -2, "x", &removed).ok());
  EXPECT_EQ(removed, 2);
  EXPECT_EQ(Range("l"), (V{"a", "x", "b", "c", "d"}));
  fill();
  ASSERT_TRUE(lists().Remove(0, "l", 0, "x", &removed).ok());
  EXPECT_EQ(removed, 3);
  EXPECT_EQ(Range("l"), (V{"a", "b", "c", "d"}));
  ASSERT_TRUE(lists().Remove(0, "l", 0, "nope", &removed).ok());
  EXPECT_EQ(removed, 0);
  ASSERT_TRUE(lists().Remove(0, "l", std::numeric_limits<int64_t>::min(), "a", &removed).ok());
  EXPECT_EQ(removed, 1);
  ASSERT_TRUE(lists().Remove(0, "missing", 0, "a", &removed).ok());
  EXPECT_EQ(removed, 0);
  // Removing every element removes the key.
  Keyspace(engine_.get()).Delete(0, {"l"}, &deleted);
  RPush("l", {"x", "x", "x"});
  ASSERT_TRUE(lists().Remove(0, "l", -5, "x", &removed).ok());
  EXPECT_EQ(removed, 3);
  EXPECT_FALSE(Exists("l"));
}

TEST_F(ListTypeTest, TrimRules) {
  auto trim = [&](int64_t start, int64_t stop) {
    int64_t deleted;
    Keyspace(engine_.get()).Delete(0, {"l"}, &deleted);
    RPush("l", {"a", "b", "c", "d", "e"});
    EXPECT_TRUE(lists().Trim(0, "l", start, stop).ok());
    return Range("l");
  };
  EXPECT_EQ(trim(1, -2), (V{"b", "c", "d"}));
  EXPECT_EQ(trim(0, -1), (V{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(trim(-2, 100), (V{"d", "e"}));
  EXPECT_EQ(trim(3, 1), V{});
  EXPECT_FALSE(Exists("l"));
  EXPECT_EQ(trim(5, 10), V{});
  EXPECT_EQ(trim(-100, 0), (V{"a"}));
  EXPECT_TRUE(lists().Trim(0, "missing", 0, 1).ok());
}

TEST_F(ListTypeTest, PosRankCountMaxlen) {
  RPush("l", {"a", "b", "c", "1", "2", "3", "c", "c"});
  auto pos = [&](int64_t rank, int64_t count, int64_t maxlen) {
    std::vector<int64_t> out;
    ListPosOptions o;
    o.rank = rank;
    o.count = count;
    o.maxlen = maxlen;
    EXPECT_TRUE(lists().Pos(0, "l", "c", o, &out).ok());
    return out;
  };
  using I = std::vector<int64_t>;
  EXPECT_EQ(pos(1, -1, 0), (I{2}));
  EXPECT_EQ(pos(2, -1, 0), (I{6}));
  EXPECT_EQ(pos(-1, -1, 0), (I{7}));
  EXPECT_EQ(pos(1, 0, 0), (I{2, 6, 7}));
  EXPECT_EQ(pos(-1, 0, 0), (I{7, 6, 2}));
  EXPECT_EQ(pos(2, 1, 0), (I{6}));
  EXPECT_EQ(pos(1, 0, 3), (I{2}));
  EXPECT_EQ(pos(-1, 0, 2), (I{7, 6}));
  EXPECT_EQ(pos(4, -1, 0), I{});
  EXPECT_EQ(pos(-std::numeric_limits<int64_t>::max(), 0, 0), I{});
}

TEST_F(ListTypeTest, MoveBetweenListsAndRotate) {
  RPush("src", {"a", "b", "c"});
  std::string e;
  ASSERT_TRUE(lists().Move(0, "src", "dst", ListEnd::kRight, ListEnd::kLeft, &e).ok());
  EXPECT_EQ(e, "c");
  ASSERT_TRUE(lists().Move(0, "src", "dst", ListEnd::kLeft, ListEnd::kRight, &e).ok());
  EXPECT_EQ(e, "a");
  EXPECT_EQ(Range("src"), (V{"b"}));
  EXPECT_EQ(Range("dst"), (V{"c", "a"}));
  // Rotation on one list.
  RPush("r", {"1", "2", "3"});
  ASSERT_TRUE(lists().Move(0, "r", "r", ListEnd::kRight, ListEnd::kLeft, &e).ok());
  EXPECT_EQ(Range("r"), (V{"3", "1", "2"}));
  ASSERT_TRUE(lists().Move(0, "r", "r", ListEnd::kLeft, ListEnd::kRight, &e).ok());
  EXPECT_EQ(Range("r"), (V{"1", "2", "3"}));
  ASSERT_TRUE(lists().Move(0, "r", "r", ListEnd::kLeft, ListEnd::kLeft, &e).ok());
  EXPECT_EQ(e, "1");
  EXPECT_EQ(Range("r"), (V{"1", "2", "3"}));
  // The last element of the source moves: the source disappears.
  ASSERT_TRUE(lists().Move(0, "src", "dst", ListEnd::kLeft, ListEnd::kLeft, &e).ok());
  EXPECT_FALSE(Exists("src"));
  EXPECT_EQ(Range("dst"), (V{"b", "c", "a"}));
  // A single-element rotation keeps the list.
  RPush("one", {"x"});
  ASSERT_TRUE(lists().Move(0, "one", "one", ListEnd::kLeft, ListEnd::kRight, &e).ok());
  EXPECT_EQ(Range("one"), (V{"x"}));
  EXPECT_TRUE(lists().Move(0, "missing", "dst", ListEnd::kLeft, ListEnd::kLeft, &e).IsNotFound());
}

TEST_F(ListTypeTest, PopFirstChecksKeysInOrder) {
  RPush("b", {"1", "2", "3"});
  size_t which = 9;
  std::vector<std::string> out;
  ASSERT_TRUE(lists().PopFirst(0, {"a", "b", "c"}, ListEnd::kRight, 2, &which, &out).ok());
  EXPECT_EQ(which, 1u);
  EXPECT_EQ(out, (V{"3", "2"}));
  out.clear();
  EXPECT_TRUE(lists().PopFirst(0, {"x", "y"}, ListEnd::kLeft, 1, &which, &out).IsNotFound());
  // A non-list met before a non-empty list: WRONGTYPE; after it: never looked at.
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "s", "v", SetOptions(), &applied, &old).ok());
  EXPECT_TRUE(lists().PopFirst(0, {"s", "b"}, ListEnd::kLeft, 1, &which, &out).IsWrongType());
  ASSERT_TRUE(lists().PopFirst(0, {"b", "s"}, ListEnd::kLeft, 1, &which, &out).ok());
  EXPECT_EQ(out, (V{"1"}));
}

TEST_F(ListTypeTest, WrongTypeEverywhere) {
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "s", "v", SetOptions(), &applied, &old).ok());
  int64_t n;
  uint64_t u;
  std::string e;
  std::optional<std::string> oe;
  std::vector<std::string> out;
  std::vector<int64_t> pos;
  EXPECT_TRUE(lists().Push(0, "s", ListEnd::kLeft, {"a"}, false, &n).IsWrongType());
  EXPECT_TRUE(lists().Push(0, "s", ListEnd::kLeft, {"a"}, true, &n).IsWrongType());
  EXPECT_TRUE(lists().Pop(0, "s", ListEnd::kLeft, 1, &out).IsWrongType());
  EXPECT_TRUE(lists().Length(0, "s", &u).IsWrongType());
  EXPECT_TRUE(lists().Index(0, "s", 0, &oe).IsWrongType());
  EXPECT_TRUE(lists()
                  .Range(
                      0, "s", 0, -1, [](uint64_t) {}, [](std::string_view) {})
                  .IsWrongType());
  EXPECT_TRUE(lists().Pos(0, "s", "a", ListPosOptions(), &pos).IsWrongType());
  EXPECT_TRUE(lists().Set(0, "s", 0, "a").IsWrongType());
  EXPECT_TRUE(lists().Insert(0, "s", true, "a", "b", &n).IsWrongType());
  EXPECT_TRUE(lists().Remove(0, "s", 0, "a", &n).IsWrongType());
  EXPECT_TRUE(lists().Trim(0, "s", 0, 1).IsWrongType());
  EXPECT_TRUE(lists().Move(0, "s", "d", ListEnd::kLeft, ListEnd::kLeft, &e).IsWrongType());
  RPush("l", {"a"});
  EXPECT_TRUE(lists().Move(0, "l", "s", ListEnd::kLeft, ListEnd::kLeft, &e).IsWrongType());
  EXPECT_EQ(Range("l"), (V{"a"}));  // nothing moved
  // A missing source never looks at the destination.
  EXPECT_TRUE(lists().Move(0, "none", "s", ListEnd::kLeft, ListEnd::kLeft, &e).IsNotFound());
}

TEST_F(ListTypeTest, CopyAndRenameKeepTheList) {
  RPush("l", {"a", "b"});
  LPush("l", {"z"});
  bool applied = false;
  ASSERT_TRUE(Keyspace(engine_.get()).Copy(0, "l", 0, "c", false, &applied).ok());
  ASSERT_TRUE(applied);
  ASSERT_TRUE(Keyspace(engine_.get()).Rename(0, "l", "r", false, &applied).ok());
  EXPECT_EQ(Range("c"), (V{"z", "a", "b"}));
  EXPECT_EQ(Range("r"), (V{"z", "a", "b"}));
  RPush("c", {"tail"});
  EXPECT_EQ(Range("r"), (V{"z", "a", "b"}));  // independent copies
  EXPECT_EQ(Range("c").back(), "tail");
}

// Random operations against a std::deque model, with middle edits on both sides.
TEST_F(ListTypeTest, RandomOpsMatchModel) {
  std::mt19937_64 rng(12345);
  std::deque<std::string> model;
  auto pick = [&]() { return std::to_string(rng() % 8); };
  for (int step = 0; step < 3000; step++) {
    const int op = static_cast<int>(rng() % 8);
    std::string e = pick();
    if (op == 0) {
      LPush("l", {e});
      model.push_front(e);
    } else if (op == 1) {
      RPush("l", {e});
      model.push_back(e);
    } else if (op == 2 && !model.empty()) {
      uint64_t n = rng() % 3;
      auto got = Pop("l", ListEnd::kLeft, n);
      for (uint64_t i = 0; i < n && !model.empty(); i++) {
        EXPECT_EQ(got.at(i), model.front());
        model.pop_front();
      }
    } else if (op == 3 && !model.empty()) {
      auto got = Pop("l", ListEnd::kRight, 1);
      EXPECT_EQ(got.at(0), model.back());
      model.pop_back();
    } else if (op == 4) {
      int64_t len;
      std::string pivot = pick();
      bool before = rng() % 2 == 0;
      Status s = lists().Insert(0, "l", before, pivot, e, &len);
      auto it = std::find(model.begin(), model.end(), pivot);
      if (model.empty()) {
        EXPECT_TRUE(s.IsNotFound());
      } else if (it == model.end()) {
        EXPECT_EQ(len, -1);
      } else {
        model.insert(before ? it : it + 1, e);
      }
    } else if (op == 5) {
      int64_t count = static_cast<int64_t>(rng() % 5) - 2, removed;
      ASSERT_TRUE(lists().Remove(0, "l", count, e, &removed).ok());
      int64_t left = count == 0 ? INT64_MAX : std::abs(count), n = 0;
      if (count >= 0) {
        for (auto it = model.begin(); it != model.end() && n < left;) {
          if (*it == e) {
            it = model.erase(it);
            n++;
          } else {
            ++it;
          }
        }
      } else {
        for (int64_t i = static_cast<int64_t>(model.size()) - 1; i >= 0 && n < left; i--) {
          if (model[static_cast<size_t>(i)] == e) {
            model.erase(model.begin() + i);
            n++;
          }
        }
      }
      EXPECT_EQ(removed, n);
    } else if (op == 6 && !model.empty()) {
      int64_t index = static_cast<int64_t>(rng() % model.size());
      ASSERT_TRUE(lists().Set(0, "l", index, e).ok());
      model[static_cast<size_t>(index)] = e;
    } else if (op == 7 && rng() % 10 == 0) {
      int64_t start = static_cast<int64_t>(rng() % 3), stop = -1 - static_cast<int64_t>(rng() % 3);
      ASSERT_TRUE(lists().Trim(0, "l", start, stop).ok());
      int64_t len = static_cast<int64_t>(model.size());
      int64_t s = start, t = len + stop;
      if (s > t || s >= len) {
        model.clear();
      } else {
        model = std::deque<std::string>(model.begin() + s, model.begin() + t + 1);
      }
    }
    if (step % 100 == 0) ExpectList("l", model);
  }
  ExpectList("l", model);
}

// Inside a transaction (MULTI/EXEC) writes go to an indexed batch that reads see and that
// has no range deletions: middle edits across several chunks and a long trim still work,
// and nothing is visible outside before Commit.
TEST_F(ListTypeTest, InsideTransaction) {
  std::deque<std::string> model;
  std::vector<std::string> elements;
  for (int i = 0; i < 3000; i++) {
    elements.push_back("e" + std::to_string(i % 7));
    model.push_back(elements.back());
  }
  int64_t len;
  ASSERT_TRUE(lists()
                  .Push(0, "t", ListEnd::kRight,
                        std::vector<std::string_view>(elements.begin(), elements.end()), false,
                        &len)
                  .ok());
  {
    Transaction txn(engine_.get(), {{0, "t"}});
    // Insert near the middle: ~1500 slots shift, in two chunks.
    ASSERT_TRUE(lists().Insert(0, "t", false, "e3", "first-e3", &len).ok());
    model.insert(std::find(model.begin(), model.end(), "e3") + 1, "first-e3");
    ASSERT_TRUE(lists().Insert(0, "t", true, "e6", "before-e6", &len).ok());
    model.insert(std::find(model.begin(), model.end(), "e6"), "before-e6");
    // Remove every "e5" (about 430), from the tail: survivors move across chunks.
    int64_t removed;
    ASSERT_TRUE(lists().Remove(0, "t", -1000, "e5", &removed).ok());
    EXPECT_EQ(removed, 3000 / 7 + (3000 % 7 > 5 ? 1 : 0));
    model.erase(std::remove(model.begin(), model.end(), "e5"), model.end());
    // A long trim: per-slot deletions (no range deletions in an indexed batch).
    ASSERT_TRUE(lists().Trim(0, "t", 200, -301).ok());
    model = std::deque<std::string>(model.begin() + 200, model.end() - 300);
    std::vector<std::string> popped;
    ASSERT_TRUE(lists().Pop(0, "t", ListEnd::kLeft, 3, &popped).ok());
    for (int i = 0; i < 3; i++)
      model.pop_front();
    EXPECT_EQ(Range("t"), std::vector<std::string>(model.begin(), model.end()));
    ASSERT_TRUE(txn.Commit().ok());
  }
  ExpectList("t", model);
}

// 100k elements: pushes at both ends, LINDEX by direct lookup, range reads, a middle insert
// that shifts half the list across several chunks, LREM over all of it, LTRIM with range
// deletions, all in bounded time.
TEST_F(ListTypeTest, BigList) {
  const auto t0 = std::chrono::steady_clock::now();
  constexpr int kHalf = 50000;
  for (int round = 0; round < 10; round++) {
    std::vector<std::string> left, right;
    for (int i = 0; i < kHalf / 10; i++) {
      int n = round * (kHalf / 10) + i;
      left.push_back("L" + std::to_string(n));
      right.push_back("R" + std::to_string(n));
    }
    int64_t len;
    ASSERT_TRUE(lists()
                    .Push(0, "big", ListEnd::kLeft,
                          std::vector<std::string_view>(left.begin(), left.end()), false, &len)
                    .ok());
    ASSERT_TRUE(lists()
                    .Push(0, "big", ListEnd::kRight,
                          std::vector<std::string_view>(right.begin(), right.end()), false, &len)
                    .ok());
  }
  ASSERT_EQ(Len("big"), 2u * kHalf);
  std::optional<std::string> e;
  ASSERT_TRUE(lists().Index(0, "big", 0, &e).ok());
  EXPECT_EQ(e, "L" + std::to_string(kHalf - 1));
  ASSERT_TRUE(lists().Index(0, "big", kHalf, &e).ok());
  EXPECT_EQ(e, "R0");
  ASSERT_TRUE(lists().Index(0, "big", -1, &e).ok());
  EXPECT_EQ(e, "R" + std::to_string(kHalf - 1));
  EXPECT_EQ(Range("big", kHalf - 1, kHalf), (V{"L0", "R0"}));
  EXPECT_EQ(Range("big").size(), 2u * kHalf);

  // Insert in the middle: 50k slots shift (in chunks) on one side.
  int64_t len = 0;
  ASSERT_TRUE(lists().Insert(0, "big", true, "R0", "MID", &len).ok());
  EXPECT_EQ(len, 2 * kHalf + 1);
  EXPECT_EQ(Range("big", kHalf - 1, kHalf + 1), (V{"L0", "MID", "R0"}));
  ASSERT_TRUE(lists().Index(0, "big", 0, &e).ok());
  EXPECT_EQ(e, "L" + std::to_string(kHalf - 1));

  // LREM of the middle element from the tail shifts the right half back.
  int64_t removed = 0;
  ASSERT_TRUE(lists().Remove(0, "big", -1, "MID", &removed).ok());
  EXPECT_EQ(removed, 1);
  EXPECT_EQ(Range("big", kHalf - 1, kHalf), (V{"L0", "R0"}));
  EXPECT_EQ(Len("big"), 2u * kHalf);

  // LREM of one element near either end only moves the few elements beyond it.
  ASSERT_TRUE(lists().Remove(0, "big", 1, "R" + std::to_string(kHalf - 3), &removed).ok());
  EXPECT_EQ(removed, 1);
  ASSERT_TRUE(lists().Remove(0, "big", -1, "L" + std::to_string(kHalf - 3), &removed).ok());
  EXPECT_EQ(removed, 1);
  EXPECT_EQ(Range("big", -3, -1),
            (V{"R" + std::to_string(kHalf - 4), "R" + std::to_string(kHalf - 2),
               "R" + std::to_string(kHalf - 1)}));
  EXPECT_EQ(Range("big", 0, 2), (V{"L" + std::to_string(kHalf - 1), "L" + std::to_string(kHalf - 2),
                                   "L" + std::to_string(kHalf - 4)}));
  EXPECT_EQ(StoredSlots("big"), 2u * kHalf - 2);
  ASSERT_TRUE(
      lists().Push(0, "big", ListEnd::kLeft, {"L" + std::to_string(kHalf - 3)}, false, &len).ok());
  ASSERT_TRUE(
      lists().Push(0, "big", ListEnd::kRight, {"R" + std::to_string(kHalf - 3)}, false, &len).ok());

  // LTRIM down to 10 elements: range deletions on both sides.
  ASSERT_TRUE(lists().Trim(0, "big", kHalf - 5, kHalf + 4).ok());
  V mid = Range("big");
  ASSERT_EQ(mid.size(), 10u);
  EXPECT_EQ(mid[4], "L0");
  EXPECT_EQ(mid[5], "R0");
  EXPECT_EQ(StoredSlots("big"), 10u);  // the range deletions hide the trimmed slots
  // After compaction the trimmed slots are gone from disk too; the live ones remain.
  ASSERT_TRUE(engine_->CompactAll().ok());
  EXPECT_EQ(Range("big"), mid);
  // Push again at both ends of the trimmed list.
  LPush("big", {"newhead"});
  RPush("big", {"newtail"});
  EXPECT_EQ(Range("big", 0, 0), (V{"newhead"}));
  EXPECT_EQ(Range("big", -1, -1), (V{"newtail"}));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(60));
}

}  // namespace
}  // namespace redrock::engine
