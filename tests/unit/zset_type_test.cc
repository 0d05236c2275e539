// Sorted-set operations on a real RocksDB: ordering, ZADD's options, ranges of every kind,
// removal of empty sets, the set algebra, encodings, and a 100k-member set in bounded time.
#include "engine/zset_type.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>

#include <rocksdb/db.h>

#include "engine/collection.h"
#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/score_coding.h"
#include "engine/string_type.h"
#include "engine/transaction.h"
#include "engine/write_batch.h"
#include "tests/unit/member_scan_util.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

using Items = std::vector<std::pair<double, std::string_view>>;

class ZSetTest : public testing::EngineTest {
 protected:
  ZSetType zsets() { return ZSetType(engine_.get()); }

  ZAddResult Add(std::string_view key, const Items& items, ZAddOptions o = {}) {
    ZAddResult r;
    Status s = zsets().Add(0, key, items, o, &r);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return r;
  }

  std::vector<ScoredMember> Range(std::string_view key, const ZRangeSpec& spec) {
    std::vector<ScoredMember> out;
    Status s = zsets().Range(0, key, spec, &out);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    return out;
  }

  std::vector<ScoredMember> All(std::string_view key) { return Range(key, ZRangeSpec()); }

  static std::vector<std::string> Names(const std::vector<ScoredMember>& v) {
    std::vector<std::string> names;
    for (const auto& m : v)
      names.push_back(m.member);
    return names;
  }

  static ZRangeSpec ByScore(std::string_view min, std::string_view max, bool rev = false,
                            int64_t offset = 0, int64_t limit = -1) {
    ZRangeSpec spec;
    spec.by = ZRangeSpec::By::kScore;
    spec.reverse = rev;
    spec.offset = offset;
    spec.limit = limit;
    EXPECT_TRUE(ParseScoreRange(min, max, &spec.score));
    return spec;
  }

  static ZRangeSpec ByLex(std::string_view min, std::string_view max, bool rev = false,
                          int64_t offset = 0, int64_t limit = -1) {
    ZRangeSpec spec;
    spec.by = ZRangeSpec::By::kLex;
    spec.reverse = rev;
    spec.offset = offset;
    spec.limit = limit;
    EXPECT_TRUE(ParseLexRange(min, max, &spec.lex));
    return spec;
  }

  static ZRangeSpec ByRank(int64_t start, int64_t stop, bool rev = false) {
    ZRangeSpec spec;
    spec.start = start;
    spec.stop = stop;
    spec.reverse = rev;
    return spec;
  }

  // Entries physically in the zscore cf for `key` (any version).
  size_t IndexEntries(std::string_view key) {
    std::string prefix = DataPrefix(0, key, 0).substr(0, 2 + 4 + key.size());
    std::unique_ptr<rocksdb::Iterator> it(
        engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->zscore_cf()));
    size_t n = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      n++;
    return n;
  }
};

TEST_F(ZSetTest, OrdersByScoreThenMemberBytes) {
  ZAddResult r = Add("z", {{1, "b"},
                           {-2.5, "neg"},
                           {1, "a"},
                           {kInf, "top"},
                           {-kInf, "bottom"},
                           {0, "zero"},
                           {1e-310, "denormal"},
                           {1, "a\xff"},
                           {1, ""}});
  EXPECT_EQ(r.added, 9);
  EXPECT_EQ(Names(All("z")), (std::vector<std::string>{"bottom", "neg", "zero", "denormal", "", "a",
                                                       "a\xff", "b", "top"}));
  int64_t n;
  ASSERT_TRUE(zsets().Card(0, "z", &n).ok());
  EXPECT_EQ(n, 9);
  std::optional<double> score;
  ASSERT_TRUE(zsets().Score(0, "z", "neg", &score).ok());
  EXPECT_EQ(score, -2.5);
  ASSERT_TRUE(zsets().Score(0, "z", "missing", &score).ok());
  EXPECT_FALSE(score.has_value());
  EXPECT_TRUE(zsets().Score(0, "nokey", "a", &score).IsNotFound());
  EXPECT_TRUE(zsets().Card(0, "nokey", &n).IsNotFound());
}

TEST_F(ZSetTest, NegativeZeroIsStoredAsZeroAndTiesByMember) {
  Add("z", {{0, "b"}, {-0.0, "a"}});
  EXPECT_EQ(Names(All("z")), (std::vector<std::string>{"a", "b"}));
  std::optional<double> score;
  ASSERT_TRUE(zsets().Score(0, "z", "a", &score).ok());
  EXPECT_FALSE(std::signbit(*score));
  // -0 over 0 is no change.
  ZAddResult r = Add("z", {{-0.0, "b"}});
  EXPECT_EQ(r.added + r.updated, 0);
  // A new member incremented by -0 replies -0 (as Redis does) but is stored as 0.
  ZAddOptions incr;
  incr.incr = true;
  r = Add("z", {{-0.0, "c"}}, incr);
  EXPECT_TRUE(std::signbit(r.score));
  ASSERT_TRUE(zsets().Score(0, "z", "c", &score).ok());
  EXPECT_FALSE(std::signbit(*score));
}

TEST_F(ZSetTest, AddOptions) {
  Add("z", {{1, "a"}, {2, "b"}});
  ZAddOptions nx;
  nx.nx = true;
  ZAddResult r = Add("z", {{5, "a"}, {3, "c"}}, nx);
  EXPECT_EQ(r.added, 1);
  EXPECT_EQ(r.updated, 0);
  ZAddOptions xx;
  xx.xx = true;
  r = Add("z", {{5, "a"}, {4, "d"}}, xx);
  EXPECT_EQ(r.added, 0);
  EXPECT_EQ(r.updated, 1);
  ZAddOptions gt;
  gt.gt = true;
  r = Add("z", {{4, "a"}, {9, "b"}, {7, "e"}}, gt);  // a: 5 -> 4 refused; new members are added
  EXPECT_EQ(r.added, 1);
  EXPECT_EQ(r.updated, 1);
  ZAddOptions lt;
  lt.lt = true;
  r = Add("z", {{4, "a"}, {10, "b"}}, lt);
  EXPECT_EQ(r.updated, 1);
  std::vector<ScoredMember> all = All("z");
  EXPECT_EQ(all, (std::vector<ScoredMember>{{"c", 3}, {"a", 4}, {"e", 7}, {"b", 9}}));
  // XX on a missing key creates nothing.
  r = Add("nokey", {{1, "a"}}, xx);
  EXPECT_EQ(r.added, 0);
  int64_t n;
  EXPECT_TRUE(zsets().Card(0, "nokey", &n).IsNotFound());
  // A member named twice sees its first change.
  r = Add("dup", {{1, "m"}, {2, "m"}, {2, "m"}});
  EXPECT_EQ(r.added, 1);
  EXPECT_EQ(r.updated, 1);
  EXPECT_EQ(All("dup"), (std::vector<ScoredMember>{{"m", 2}}));
}

TEST_F(ZSetTest, IncrAndNaN) {
  ZAddOptions incr;
  incr.incr = true;
  ZAddResult r = Add("z", {{2.5, "a"}}, incr);
  EXPECT_TRUE(r.processed);
  EXPECT_EQ(r.score, 2.5);
  r = Add("z", {{-1, "a"}}, incr);
  EXPECT_EQ(r.score, 1.5);
  ZAddOptions incr_gt = incr;
  incr_gt.gt = true;
  r = Add("z", {{-1, "a"}}, incr_gt);
  EXPECT_FALSE(r.processed);
  r = Add("z", {{kInf, "a"}}, incr);
  EXPECT_EQ(r.score, kInf);
  ZAddResult nan;
  Status s = zsets().Add(0, "z", {{-kInf, "a"}}, incr, &nan);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "ERR resulting score is not a number (NaN)");
  std::optional<double> score;
  ASSERT_TRUE(zsets().Score(0, "z", "a", &score).ok());
  EXPECT_EQ(score, kInf);
}

TEST_F(ZSetTest, WrongTypeAndEmptySetsDisappear) {
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "s", "v", SetOptions(), &applied, &old).ok());
  ZAddResult r;
  EXPECT_TRUE(zsets().Add(0, "s", {{1, "a"}}, ZAddOptions(), &r).IsWrongType());
  std::vector<ScoredMember> out;
  EXPECT_TRUE(zsets().Range(0, "s", ZRangeSpec(), &out).IsWrongType());
  int64_t n;
  EXPECT_TRUE(zsets().Card(0, "s", &n).IsWrongType());

  Add("z", {{1, "a"}, {2, "b"}});
  EXPECT_EQ(engine_->KeyCount(0), 2);
  ASSERT_TRUE(zsets().Remove(0, "z", {"a", "nope", "a"}, &n).ok());
  EXPECT_EQ(n, 1);
  ASSERT_TRUE(zsets().Remove(0, "z", {"b"}, &n).ok());
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(zsets().Card(0, "z", &n).IsNotFound());
  EXPECT_EQ(engine_->KeyCount(0), 1);
  EXPECT_EQ(IndexEntries("z"), 0u);  // members are removed in the same batch
}

TEST_F(ZSetTest, RankRanges) {
  Add("z", {{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}, {5, "e"}});
  EXPECT_EQ(Names(Range("z", ByRank(0, -1))), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(Names(Range("z", ByRank(1, 2))), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Names(Range("z", ByRank(-2, -1))), (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(Names(Range("z", ByRank(3, 100))), (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(Names(Range("z", ByRank(-100, 0))), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(Range("z", ByRank(3, 1)).empty());
  EXPECT_TRUE(Range("z", ByRank(5, 10)).empty());
  EXPECT_EQ(Names(Range("z", ByRank(0, 1, true))), (std::vector<std::string>{"e", "d"}));
  EXPECT_EQ(Names(Range("z", ByRank(3, 4, true))), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(Names(Range("z", ByRank(1, -2, true))), (std::vector<std::string>{"d", "c", "b"}));
  std::optional<int64_t> rank;
  for (int i = 0; i < 5; i++) {
    std::string m(1, static_cast<char>('a' + i));
    ASSERT_TRUE(zsets().Rank(0, "z", m, false, &rank).ok());
    EXPECT_EQ(rank, i);
    ASSERT_TRUE(zsets().Rank(0, "z", m, true, &rank).ok());
    EXPECT_EQ(rank, 4 - i);
  }
  ASSERT_TRUE(zsets().Rank(0, "z", "x", false, &rank).ok());
  EXPECT_FALSE(rank.has_value());
  EXPECT_TRUE(zsets().Rank(0, "nokey", "x", false, &rank).IsNotFound());
}

TEST_F(ZSetTest, ScoreRanges) {
  Add("z", {{-kInf, "ninf"}, {1, "a"}, {2, "b"}, {2, "c"}, {3, "d"}, {kInf, "inf"}});
  EXPECT_EQ(Names(Range("z", ByScore("-inf", "+inf"))).size(), 6u);
  EXPECT_EQ(Names(Range("z", ByScore("2", "2"))), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Names(Range("z", ByScore("(1", "(3"))), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Names(Range("z", ByScore("(2", "3"))), (std::vector<std::string>{"d"}));
  EXPECT_TRUE(Range("z", ByScore("(2", "(2")).empty());
  EXPECT_TRUE(Range("z", ByScore("3", "1")).empty());
  EXPECT_EQ(Names(Range("z", ByScore("(-inf", "(inf"))),
            (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(Names(Range("z", ByScore("3", "1", true))), (std::vector<std::string>{}));
  ZRangeSpec rev = ByScore("1", "3", true);
  EXPECT_EQ(Names(Range("z", rev)), (std::vector<std::string>{"d", "c", "b", "a"}));
  EXPECT_EQ(Names(Range("z", ByScore("-inf", "inf", false, 1, 2))),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Names(Range("z", ByScore("-inf", "inf", true, 1, 2))),
            (std::vector<std::string>{"d", "c"}));
  EXPECT_TRUE(Range("z", ByScore("-inf", "inf", false, -1, 2)).empty());
  EXPECT_TRUE(Range("z", ByScore("-inf", "inf", false, 0, 0)).empty());
  EXPECT_EQ(Range("z", ByScore("-inf", "inf", false, 4, -5)).size(), 2u);
  int64_t count;
  ScoreRange r;
  ASSERT_TRUE(ParseScoreRange("(1", "3", &r));
  ASSERT_TRUE(zsets().Count(0, "z", r, &count).ok());
  EXPECT_EQ(count, 3);
  ASSERT_TRUE(ParseScoreRange("-inf", "+inf", &r));
  ASSERT_TRUE(zsets().Count(0, "z", r, &count).ok());
  EXPECT_EQ(count, 6);
}

TEST_F(ZSetTest, ParseRanges) {
  ScoreRange r;
  EXPECT_TRUE(ParseScoreRange("(1.5", " 2", &r));  // strtod skips leading spaces
  EXPECT_TRUE(r.min_exclusive);
  EXPECT_EQ(r.min, 1.5);
  EXPECT_TRUE(ParseScoreRange("", "(", &r));  // empty means 0, as strtod says
  EXPECT_EQ(r.max, 0);
  EXPECT_TRUE(r.max_exclusive);
  EXPECT_TRUE(ParseScoreRange("0x10", "1e400", &r));
  EXPECT_EQ(r.min, 16);
  EXPECT_EQ(r.max, kInf);
  EXPECT_FALSE(ParseScoreRange("nan", "1", &r));
  EXPECT_FALSE(ParseScoreRange("1", "abc", &r));
  EXPECT_FALSE(ParseScoreRange("[1", "2", &r));
  LexRange l;
  EXPECT_TRUE(ParseLexRange("-", "+", &l));
  EXPECT_TRUE(ParseLexRange("[a", "(b", &l));
  EXPECT_EQ(l.max.value, "b");
  EXPECT_TRUE(l.max.exclusive);
  EXPECT_FALSE(ParseLexRange("a", "+", &l));
  EXPECT_FALSE(ParseLexRange("", "+", &l));
  EXPECT_FALSE(ParseLexRange("-", "+x", &l));
  EXPECT_TRUE(ParseLexRange("-", std::string_view("+\0x", 3), &l));
}

TEST_F(ZSetTest, LexRangesWithEqualScores) {
  Add("z", {{0, "a"}, {0, "b"}, {0, "c"}, {0, "d"}, {0, "e"}, {0, "f"}});
  EXPECT_EQ(Names(Range("z", ByLex("-", "+"))).size(), 6u);
  EXPECT_EQ(Names(Range("z", ByLex("[b", "(e"))), (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_EQ(Names(Range("z", ByLex("(b", "[e"))), (std::vector<std::string>{"c", "d", "e"}));
  EXPECT_EQ(Names(Range("z", ByLex("[bb", "[cc"))), (std::vector<std::string>{"c"}));
  EXPECT_EQ(Names(Range("z", ByLex("[b", "[e", true))),
            (std::vector<std::string>{"e", "d", "c", "b"}));
  EXPECT_EQ(Names(Range("z", ByLex("(b", "(e", true))), (std::vector<std::string>{"d", "c"}));
  EXPECT_EQ(Names(Range("z", ByLex("-", "+", false, 2, 2))), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(Names(Range("z", ByLex("-", "+", true, 1, 2))), (std::vector<std::string>{"e", "d"}));
  EXPECT_TRUE(Range("z", ByLex("+", "-")).empty());
  EXPECT_TRUE(Range("z", ByLex("-", "-")).empty());
  EXPECT_TRUE(Range("z", ByLex("[c", "(c")).empty());
  EXPECT_EQ(Names(Range("z", ByLex("[c", "[c"))), (std::vector<std::string>{"c"}));
  LexRange l;
  int64_t count;
  ASSERT_TRUE(ParseLexRange("(a", "[e", &l));
  ASSERT_TRUE(zsets().LexCount(0, "z", l, &count).ok());
  EXPECT_EQ(count, 4);
}

TEST_F(ZSetTest, LexRangesWithMixedScoresFollowRedisListpackWalk) {
  // Score order: b(1) z(2) a(3). Redis walks from the first member >= min while <= max.
  Add("z", {{1, "b"}, {2, "z"}, {3, "a"}});
  EXPECT_EQ(Names(Range("z", ByLex("[a", "[c"))), (std::vector<std::string>{"b"}));
  // The last member ("a") is below min "[b": Redis's range check says empty.
  EXPECT_TRUE(Range("z", ByLex("[b", "[b")).empty());
  // REV: from the last member <= max, backwards while >= min.
  EXPECT_EQ(Names(Range("z", ByLex("-", "[c", true))), (std::vector<std::string>{"a", "z", "b"}));
}

TEST_F(ZSetTest, RemoveRanges) {
  Add("z", {{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}, {5, "e"}});
  int64_t removed;
  ASSERT_TRUE(zsets().RemoveRange(0, "z", ByRank(-2, -1), &removed).ok());
  EXPECT_EQ(removed, 2);
  ASSERT_TRUE(zsets().RemoveRange(0, "z", ByScore("(1", "2"), &removed).ok());
  EXPECT_EQ(removed, 1);
  EXPECT_EQ(Names(All("z")), (std::vector<std::string>{"a", "c"}));
  ASSERT_TRUE(zsets().RemoveRange(0, "z", ByLex("-", "+"), &removed).ok());
  EXPECT_EQ(removed, 2);
  int64_t n;
  EXPECT_TRUE(zsets().Card(0, "z", &n).IsNotFound());
  ASSERT_TRUE(zsets().RemoveRange(0, "z", ByRank(0, -1), &removed).ok());
  EXPECT_EQ(removed, 0);
}

TEST_F(ZSetTest, PopTakesFromTheFirstExistingKey) {
  Add("b", {{1, "x"}, {2, "y"}, {3, "z"}});
  std::string key;
  std::vector<ScoredMember> out;
  ASSERT_TRUE(zsets().Pop(0, {"a", "b"}, false, 2, &key, &out).ok());
  EXPECT_EQ(key, "b");
  EXPECT_EQ(out, (std::vector<ScoredMember>{{"x", 1}, {"y", 2}}));
  ASSERT_TRUE(zsets().Pop(0, {"b"}, true, 10, &key, &out).ok());
  EXPECT_EQ(out, (std::vector<ScoredMember>{{"z", 3}}));
  EXPECT_TRUE(zsets().Pop(0, {"a", "b"}, true, 1, &key, &out).IsNotFound());
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "s", "v", SetOptions(), &applied, &old).ok());
  EXPECT_TRUE(zsets().Pop(0, {"a", "s"}, true, 1, &key, &out).IsWrongType());
  EXPECT_EQ(engine_->KeyCount(0), 1);
}

TEST_F(ZSetTest, RangeStoreReplacesDestination) {
  Add("src", {{1, "a"}, {2, "b"}, {3, "c"}});
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "dst", "v", SetOptions(), &applied, &old).ok());
  int64_t stored;
  ASSERT_TRUE(zsets().RangeStore(0, "dst", "src", ByScore("2", "+inf"), &stored).ok());
  EXPECT_EQ(stored, 2);
  EXPECT_EQ(All("dst"), (std::vector<ScoredMember>{{"b", 2}, {"c", 3}}));
  ASSERT_TRUE(zsets().RangeStore(0, "dst", "src", ByScore("5", "+inf"), &stored).ok());
  EXPECT_EQ(stored, 0);
  int64_t n;
  EXPECT_TRUE(zsets().Card(0, "dst", &n).IsNotFound());
  ASSERT_TRUE(zsets().RangeStore(0, "src", "src", ByRank(0, 0), &stored).ok());
  EXPECT_EQ(All("src"), (std::vector<ScoredMember>{{"a", 1}}));
}

TEST_F(ZSetTest, UnionInterDiffWithWeightsAndSets) {
  Add("z1", {{1, "a"}, {2, "b"}, {3, "c"}});
  Add("z2", {{10, "b"}, {20, "c"}, {30, "d"}});
  // A set-typed collection with the shared layout: members in the data cf.
  {
    CollectionWrite w;
    ASSERT_TRUE(LoadCollectionForWrite(engine_.get(), 0, "s", ValueType::kSet, &w).ok());
    Batch batch(engine_.get());
    for (std::string m : {"c", "d", "e"}) {
      batch.raw()->Put(engine_->data_cf(), MemberKey(0, "s", w.meta.version, m), "");
      w.meta.size++;
    }
    FinishCollectionWrite(&batch, 0, "s", w);
    ASSERT_TRUE(batch.Commit().ok());
  }
  ZCombineSpec spec;
  spec.keys = {"z1", "z2", "s", "missing"};
  std::vector<ScoredMember> out;
  ASSERT_TRUE(zsets().Combine(0, spec, &out).ok());
  EXPECT_EQ(out, (std::vector<ScoredMember>{{"a", 1}, {"e", 1}, {"b", 12}, {"c", 24}, {"d", 31}}));
  spec.weights = {2, 0.5, 100, 1};
  spec.aggregate = ZAggregate::kMax;
  ASSERT_TRUE(zsets().Combine(0, spec, &out).ok());
  EXPECT_EQ(out,
            (std::vector<ScoredMember>{{"a", 2}, {"b", 5}, {"c", 100}, {"d", 100}, {"e", 100}}));
  spec.op = ZSetOp::kInter;
  spec.keys = {"z1", "z2", "s"};
  spec.weights.clear();
  spec.aggregate = ZAggregate::kSum;
  ASSERT_TRUE(zsets().Combine(0, spec, &out).ok());
  EXPECT_EQ(out, (std::vector<ScoredMember>{{"c", 24}}));
  spec.op = ZSetOp::kDiff;
  spec.keys = {"z1", "s"};
  ASSERT_TRUE(zsets().Combine(0, spec, &out).ok());
  EXPECT_EQ(out, (std::vector<ScoredMember>{{"a", 1}, {"b", 2}}));
  spec.keys = {"z1", "z1"};
  ASSERT_TRUE(zsets().Combine(0, spec, &out).ok());
  EXPECT_TRUE(out.empty());
  int64_t count;
  ASSERT_TRUE(zsets().InterCard(0, {"z1", "z2"}, 0, &count).ok());
  EXPECT_EQ(count, 2);
  ASSERT_TRUE(zsets().InterCard(0, {"z1", "z2"}, 1, &count).ok());
  EXPECT_EQ(count, 1);
  // Inf - inf aggregates to 0; 0 * inf weights to 0.
  Add("pinf", {{kInf, "m"}});
  Add("ninf", {{-kInf, "m"}});
  spec.op = ZSetOp::kUnion;
  spec.keys = {"pinf", "ninf"};
  ASSERT_TRUE(zsets().Combine(0, spec, &out).ok());
  EXPECT_EQ(out, (std::vector<ScoredMember>{{"m", 0}}));
  spec.weights = {0, 1};
  spec.keys = {"pinf", "z1"};
  ASSERT_TRUE(zsets().Combine(0, spec, &out).ok());
  EXPECT_EQ(out[0], (ScoredMember{"m", 0}));
  // STORE replaces the destination, and an empty result deletes it.
  spec.weights.clear();
  spec.op = ZSetOp::kInter;
  spec.keys = {"z1", "z2"};
  int64_t stored;
  ASSERT_TRUE(zsets().CombineStore(0, "z1", spec, &stored).ok());
  EXPECT_EQ(stored, 2);
  EXPECT_EQ(All("z1"), (std::vector<ScoredMember>{{"b", 12}, {"c", 23}}));
  spec.keys = {"z1", "missing"};
  ASSERT_TRUE(zsets().CombineStore(0, "z1", spec, &stored).ok());
  EXPECT_EQ(stored, 0);
  int64_t n;
  EXPECT_TRUE(zsets().Card(0, "z1", &n).IsNotFound());
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "str", "v", SetOptions(), &applied, &old).ok());
  EXPECT_TRUE(zsets().CheckCombineInputs(0, {"z2", "s", "str"}).IsWrongType());
  EXPECT_TRUE(zsets().CheckCombineInputs(0, {"z2", "s", "nokey"}).ok());
}

TEST_F(ZSetTest, RandomMembers) {
  Items items;
  std::vector<std::string> names;
  for (int i = 0; i < 50; i++)
    names.push_back("m" + std::to_string(i));
  for (int i = 0; i < 50; i++)
    items.emplace_back(i, names[i]);
  Add("z", items);
  std::vector<SampledMember> out;
  ASSERT_TRUE(zsets().RandomMembers(0, "z", 10, &out).ok());
  EXPECT_EQ(out.size(), 10u);
  std::set<std::string> seen;
  for (const auto& m : out) {
    EXPECT_TRUE(seen.insert(m.member).second);
    ASSERT_EQ(m.value.size(), 8u);
    EXPECT_EQ("m" + std::to_string(static_cast<int>(DecodeScore(m.value.data()))), m.member);
  }
  ASSERT_TRUE(zsets().RandomMembers(0, "z", 100, &out).ok());
  ASSERT_EQ(out.size(), 50u);
  EXPECT_EQ(out.front().member, "m49");  // the whole set, highest score first
  EXPECT_EQ(out.back().member, "m0");
  uint64_t size = 0, draws = 0;
  seen.clear();
  ASSERT_TRUE(zsets()
                  .RandomMembersWithRepeats(
                      0, "z", 500, [&](uint64_t n) { size = n; },
                      [&](std::string_view m, std::string_view v) {
                        draws++;
                        seen.insert(std::string(m));
                        EXPECT_EQ(v.size(), 8u);
                      })
                  .ok());
  EXPECT_EQ(size, 50u);
  EXPECT_EQ(draws, 500u);
  EXPECT_GT(seen.size(), 30u);  // draws with repetition cover most of a 50-member set
  EXPECT_TRUE(zsets().RandomMembers(0, "nokey", 1, &out).IsNotFound());
}

TEST_F(ZSetTest, EncodingFollowsRedisThresholdsAndSticks) {
  Items items;
  std::vector<std::string> names;
  for (int i = 0; i < 129; i++)
    names.push_back("m" + std::to_string(i));
  for (int i = 0; i < 128; i++)
    items.emplace_back(i, names[i]);
  Add("z", items);
  MetaRecord meta;
  bool present;
  ASSERT_TRUE(Keyspace(engine_.get()).ReadMeta(0, "z", &meta, &present).ok());
  EXPECT_STREQ(ZSetType::Encoding(meta), "listpack");
  Add("z", {{200, names[128]}});
  ASSERT_TRUE(Keyspace(engine_.get()).ReadMeta(0, "z", &meta, &present).ok());
  EXPECT_STREQ(ZSetType::Encoding(meta), "skiplist");
  int64_t removed;
  ASSERT_TRUE(zsets().RemoveRange(0, "z", ByRank(0, 100), &removed).ok());
  ASSERT_TRUE(Keyspace(engine_.get()).ReadMeta(0, "z", &meta, &present).ok());
  EXPECT_STREQ(ZSetType::Encoding(meta), "skiplist");  // never converts back
  Add("long", {{1, std::string(65, 'x')}});
  ASSERT_TRUE(Keyspace(engine_.get()).ReadMeta(0, "long", &meta, &present).ok());
  EXPECT_STREQ(ZSetType::Encoding(meta), "skiplist");
  Add("short", {{1, std::string(64, 'x')}});
  ASSERT_TRUE(Keyspace(engine_.get()).ReadMeta(0, "short", &meta, &present).ok());
  EXPECT_STREQ(ZSetType::Encoding(meta), "listpack");
}

TEST_F(ZSetTest, ScanSmallSetsWholeAndBigSetsByCursor) {
  Add("small", {{2, "b"}, {1, "a"}, {3, "c"}});
  MemberPage page;
  uint64_t version;
  std::optional<std::string> resume_from;
  auto resume = [&](uint64_t) { return resume_from; };
  ASSERT_TRUE(zsets().Scan(0, "small", resume, 1, std::nullopt, &page, &version).ok());
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].first, "a");
  EXPECT_EQ(DecodeScore(page.items[0].second.data()), 1);
  EXPECT_EQ(page.items[2].first, "c");
  EXPECT_FALSE(page.next.has_value());
  Items items;
  std::vector<std::string> names;
  for (int i = 0; i < 300; i++)
    names.push_back("m" + std::to_string(i));
  for (const auto& n : names)
    items.emplace_back(1, n);
  Add("big", items);
  std::set<std::string> seen;
  int calls = 0;
  do {
    ASSERT_TRUE(zsets().Scan(0, "big", resume, 7, std::nullopt, &page, &version).ok());
    for (const auto& [m, v] : page.items) {
      EXPECT_TRUE(seen.insert(m).second);
      EXPECT_EQ(DecodeScore(v.data()), 1);
    }
    resume_from = page.next;
    ASSERT_LT(++calls, 100);
  } while (resume_from);
  EXPECT_EQ(seen.size(), names.size());
  ASSERT_TRUE(zsets().Scan(0, "big", resume, 1000, "m1?", &page, &version).ok());
  EXPECT_EQ(page.items.size(), 10u);
}

TEST_F(ZSetTest, ScanPagesEndingAtTheEmptyMemberGoOn) {
  // "" sorts first in member order: a page ending on it resumes after it.
  Items items = {{5, ""}};
  std::vector<std::string> names;
  for (int i = 0; i < 150; i++)
    names.push_back("m" + std::to_string(i));
  for (const auto& n : names)
    items.emplace_back(1, n);
  Add("z", items);
  std::vector<std::string> expected = names;
  expected.push_back("");
  std::sort(expected.begin(), expected.end());
  for (size_t count : {1, 2, 3, 150, 151, 152}) {
    size_t calls;
    std::vector<std::string> seen =
        testing::DrainMemberScan([&](const auto&... a) { return zsets().Scan(0, "z", a...); },
                                 count, expected.size() + 1, &calls);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, expected) << "count " << count;  // each member once
  }
}

TEST_F(ZSetTest, CopyAndRenameCarryTheIndex) {
  Add("z", {{1, "a"}, {2, "b"}});
  bool applied;
  ASSERT_TRUE(Keyspace(engine_.get()).Copy(0, "z", 0, "c", false, &applied).ok());
  ASSERT_TRUE(Keyspace(engine_.get()).Rename(0, "z", "r", false, &applied).ok());
  for (std::string_view k : {"c", "r"}) {
    EXPECT_EQ(All(k), (std::vector<ScoredMember>{{"a", 1}, {"b", 2}}));
    std::optional<int64_t> rank;
    ASSERT_TRUE(zsets().Rank(0, k, "b", false, &rank).ok());
    EXPECT_EQ(rank, 1);
  }
  EXPECT_TRUE(All("z").empty());
}

TEST_F(ZSetTest, IndexOfDeletedSetIsReclaimedByCompaction) {
  Items items;
  std::vector<std::string> names;
  for (int i = 0; i < 100; i++)
    names.push_back("m" + std::to_string(i));
  for (const auto& n : names)
    items.emplace_back(1, n);
  Add("z", items);
  int64_t deleted;
  ASSERT_TRUE(Keyspace(engine_.get()).Delete(0, {"z"}, &deleted).ok());
  EXPECT_EQ(IndexEntries("z"), 100u);
  ASSERT_TRUE(engine_->CompactAll().ok());
  EXPECT_EQ(IndexEntries("z"), 0u);
}

TEST_F(ZSetTest, RemovingEverythingIsOneMetaDelete) {
  Items items;
  std::vector<std::string> names;
  for (int i = 0; i < 1000; i++)
    names.push_back("m" + std::to_string(i));
  for (int i = 0; i < 1000; i++)
    items.emplace_back(i, names[i]);
  for (std::string_view key : {"byrank", "byscore", "bylex", "pop"})
    Add(key, items);
  int64_t removed;
  ASSERT_TRUE(zsets().RemoveRange(0, "byrank", ByRank(0, -1), &removed).ok());
  EXPECT_EQ(removed, 1000);
  ASSERT_TRUE(zsets().RemoveRange(0, "byscore", ByScore("-inf", "+inf"), &removed).ok());
  EXPECT_EQ(removed, 1000);
  ASSERT_TRUE(zsets().RemoveRange(0, "bylex", ByLex("-", "+"), &removed).ok());
  EXPECT_EQ(removed, 1000);
  std::string key;
  std::vector<ScoredMember> popped;
  ASSERT_TRUE(zsets().Pop(0, {"pop"}, true, 5000, &key, &popped).ok());
  EXPECT_EQ(popped.size(), 1000u);
  EXPECT_EQ(popped[0].member, "m999");
  for (std::string_view k : {"byrank", "byscore", "bylex", "pop"}) {
    int64_t n;
    EXPECT_TRUE(zsets().Card(0, k, &n).IsNotFound());
    EXPECT_EQ(IndexEntries(k), 1000u);  // left to the compaction filter, as after DEL
  }
  EXPECT_EQ(engine_->KeyCount(0), 0);
  Add("byrank", {{1, "fresh"}});
  EXPECT_EQ(All("byrank"), (std::vector<ScoredMember>{{"fresh", 1}}));
  ASSERT_TRUE(engine_->CompactAll().ok());
  EXPECT_EQ(IndexEntries("byscore"), 0u);
  EXPECT_EQ(IndexEntries("byrank"), 1u);
}

TEST_F(ZSetTest, TransactionSeesItsOwnWrites) {
  Transaction txn(engine_.get(), {{0, "z"}});
  Add("z", {{1, "a"}, {2, "b"}});
  Add("z", {{0, "b"}});
  EXPECT_EQ(Names(All("z")), (std::vector<std::string>{"b", "a"}));
  std::optional<int64_t> rank;
  ASSERT_TRUE(zsets().Rank(0, "z", "a", false, &rank).ok());
  EXPECT_EQ(rank, 1);
  ASSERT_TRUE(txn.Commit().ok());
  EXPECT_EQ(All("z"), (std::vector<ScoredMember>{{"b", 0}, {"a", 1}}));
}

TEST_F(ZSetTest, HundredThousandMembersInBoundedTime) {
  auto start = std::chrono::steady_clock::now();
  const int n = 100000;
  std::vector<std::string> names;
  names.reserve(n);
  for (int i = 0; i < n; i++)
    names.push_back("member:" + std::to_string(i));
  for (int base = 0; base < n; base += 10000) {
    Items items;
    for (int i = base; i < base + 10000; i++)
      items.emplace_back(static_cast<double>(i % 1000) + i / 1e6, names[i]);
    Add("big", items);
  }
  int64_t card;
  ASSERT_TRUE(zsets().Card(0, "big", &card).ok());
  EXPECT_EQ(card, n);
  // Ranges near either end are cheap; the middle walks half the set.
  auto first = Range("big", ByRank(0, 9));
  ASSERT_EQ(first.size(), 10u);
  EXPECT_EQ(first[0].member, "member:0");
  auto last = Range("big", ByRank(-10, -1));
  ASSERT_EQ(last.size(), 10u);
  EXPECT_EQ(last[9].member, "member:99999");
  auto rev = Range("big", ByRank(0, 0, true));
  EXPECT_EQ(rev[0].member, "member:99999");
  EXPECT_EQ(Range("big", ByRank(50000, 50009)).size(), 10u);
  auto limited = Range("big", ByScore("(500", "+inf", false, 0, 5));
  ASSERT_EQ(limited.size(), 5u);
  EXPECT_GT(limited[0].score, 500);
  ScoreRange r;
  ASSERT_TRUE(ParseScoreRange("0", "(10", &r));
  int64_t count;
  ASSERT_TRUE(zsets().Count(0, "big", r, &count).ok());
  EXPECT_EQ(count, 1000);
  ASSERT_TRUE(ParseScoreRange("-inf", "+inf", &r));
  ASSERT_TRUE(zsets().Count(0, "big", r, &count).ok());  // answered by the short outside walk
  EXPECT_EQ(count, n);
  std::optional<int64_t> rank;
  ASSERT_TRUE(zsets().Rank(0, "big", "member:99999", false, &rank).ok());
  EXPECT_EQ(rank, n - 1);
  std::string key;
  std::vector<ScoredMember> popped;
  ASSERT_TRUE(zsets().Pop(0, {"big"}, false, 1000, &key, &popped).ok());
  EXPECT_EQ(popped.size(), 1000u);
  std::vector<SampledMember> random;
  ASSERT_TRUE(zsets().RandomMembers(0, "big", 100, &random).ok());
  EXPECT_EQ(random.size(), 100u);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 60);
}

}  // namespace
}  // namespace redrock::engine
