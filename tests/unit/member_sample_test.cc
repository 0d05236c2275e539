// MemberSampler: exact regimes are uniform (chi-square bounds), the seek regime reaches the
// whole collection, distinct draws never repeat, and counts are exact.
//
// The statistical checks must never fail by chance. Each test seeds the sampler with a fixed
// value, so a run is reproducible; and each bound sits where a uniform sampler exceeds it
// with probability 1e-6 at most, so that a new seed, or a change in how many random numbers
// the sampler consumes, does not turn a pass into a fluke failure either. A biased sampler
// still fails by far: one member drawn 1.5x as often as the others adds ~260 to the statistic
// of ExactDistinctIsUniform.
#include "engine/member_sample.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "engine/engine.h"
#include "engine/key_format.h"
#include "engine/keyspace.h"
#include "engine/member_iterator.h"
#include "engine/set_type.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

class MemberSampleTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    SeedMemberSampling(20240611);
  }

  void Fill(std::string_view key, const std::vector<std::string>& members) {
    for (size_t i = 0; i < members.size(); i += 1000) {
      size_t end = std::min(members.size(), i + 1000);
      std::vector<std::string_view> chunk(members.begin() + i, members.begin() + end);
      int64_t added;
      ASSERT_TRUE(SetType(engine_.get()).Add(0, key, chunk, &added).ok());
    }
  }

  // An iterator over the members of `key` and its size.
  std::unique_ptr<MemberIterator> Open(std::string_view key, uint64_t* size) {
    MetaRecord meta;
    EXPECT_TRUE(Keyspace(engine_.get()).GetLive(0, key, &meta).ok());
    *size = meta.size;
    return std::make_unique<MemberIterator>(engine_.get(), rocksdb::ReadOptions(),
                                            DataPrefix(0, key, meta.version));
  }

  std::map<std::string, int> Draw(std::string_view key, bool distinct, uint64_t count, int rounds) {
    uint64_t size;
    auto it = Open(key, &size);
    MemberSampler sampler(it.get(), size, false);
    std::map<std::string, int> hits;
    for (int r = 0; r < rounds; r++) {
      if (distinct) {
        std::vector<SampledMember> out;
        EXPECT_TRUE(sampler.Distinct(count, &out).ok());
        EXPECT_EQ(out.size(), std::min(count, size));
        std::set<std::string> unique;
        for (auto& m : out) {
          unique.insert(m.member);
          hits[m.member]++;
        }
        EXPECT_EQ(unique.size(), out.size());
      } else {
        uint64_t n = 0;
        EXPECT_TRUE(sampler
                        .WithRepeats(count,
                                     [&](std::string_view m, std::string_view) {
                                       hits[std::string(m)]++;
                                       n++;
                                     })
                        .ok());
        EXPECT_EQ(n, count);
      }
    }
    return hits;
  }

  // Pearson's chi-square statistic of `hits` against a uniform expectation over `cells`.
  static double ChiSquare(const std::map<std::string, int>& hits, size_t cells, double total) {
    double expected = total / static_cast<double>(cells);
    double chi = 0;
    for (const auto& [m, n] : hits)
      chi += (n - expected) * (n - expected) / expected;
    chi += static_cast<double>(cells - hits.size()) * expected;  // cells never hit
    return chi;
  }
};

std::vector<std::string> Numbered(int n, const char* fmt) {
  std::vector<std::string> out;
  char buf[64];
  for (int i = 0; i < n; i++) {
    std::snprintf(buf, sizeof(buf), fmt, i);
    out.emplace_back(buf);
  }
  return out;
}

TEST_F(MemberSampleTest, ExactDistinctIsUniform) {
  Fill("s", Numbered(20, "m%d"));
  auto hits = Draw("s", true, 5, 4000);  // 20000 picks over 20 members
  ASSERT_EQ(hits.size(), 20u);
  // 19 degrees of freedom: P(chi2 > 63.7) = 1e-6. Distinct draws spread hits more evenly
  // than independent ones (a member is in a round at most once), which only lowers the
  // statistic: the bound is conservative.
  EXPECT_LT(ChiSquare(hits, 20, 20000), 63.7);
}

TEST_F(MemberSampleTest, ExactRepeatsAreUniform) {
  Fill("s", Numbered(50, "m%d"));
  auto hits = Draw("s", false, 200, 100);  // 20000 draws over 50 members
  ASSERT_EQ(hits.size(), 50u);
  // 49 degrees of freedom: P(chi2 > 111.1) = 1e-6.
  EXPECT_LT(ChiSquare(hits, 50, 20000), 111.1);
}

TEST_F(MemberSampleTest, AllRequestedReturnsEverything) {
  Fill("s", Numbered(30, "m%d"));
  auto hits = Draw("s", true, 1000, 1);
  EXPECT_EQ(hits.size(), 30u);
}

TEST_F(MemberSampleTest, SeekRegimeIsCloseToUniformOnEvenlySpreadMembers) {
  // Fixed-width hex members spread evenly over byte space: the descent is near uniform.
  std::mt19937_64 rng(7);
  std::vector<std::string> members;
  std::set<std::string> unique;
  char buf[32];
  while (unique.size() < 5000) {
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
    unique.insert(buf);
  }
  members.assign(unique.begin(), unique.end());
  Fill("s", members);
  const int kDraws = 40000;
  auto hits = Draw("s", false, 50, kDraws / 50);  // the seek regime: 50 < 5000/4
  // Branches are equally likely, not members, so a branch's share follows 1/16 rather than
  // its size: bucketed by the first hex digit (~312 members, ~2500 draws each), every
  // bucket stays within 20% of its share of the members.
  std::map<std::string, int> buckets, cells;
  for (const auto& [m, n] : hits)
    buckets[m.substr(0, 1)] += n;
  for (const auto& m : members)
    cells[m.substr(0, 1)]++;
  ASSERT_EQ(cells.size(), 16u);
  for (const auto& [b, cell] : cells) {
    double expected = static_cast<double>(kDraws) * cell / members.size();
    EXPECT_NEAR(buckets[b], expected, 0.2 * expected) << "bucket " << b;
  }
  // Per member: with 8 draws per member on average, a uniform draw misses e^-8 of them
  // (none); the descent reaches nearly all, and favours none by much.
  EXPECT_GT(hits.size(), 4900u);
  int most = 0;
  for (const auto& [m, n] : hits)
    most = std::max(most, n);
  EXPECT_LT(most, 8 * 5);
  std::fprintf(stderr, "seek regime: %zu of 5000 members drawn, most drawn %d times\n", hits.size(),
               most);
}

TEST_F(MemberSampleTest, SkewedTrieStillYieldsDistinctMembers) {
  // "0".."19999": short members sit high in the trie and are favoured; distinct draws must
  // still complete without repeats, and every draw must stay within the set.
  auto members = Numbered(20000, "%d");
  Fill("s", members);
  std::set<std::string> all(members.begin(), members.end());
  auto hits = Draw("s", true, 1000, 3);
  for (const auto& [m, n] : hits)
    EXPECT_TRUE(all.count(m)) << m;
  EXPECT_GT(hits.size(), 1000u);
  auto repeats = Draw("s", false, 500, 4);
  for (const auto& [m, n] : repeats)
    EXPECT_TRUE(all.count(m)) << m;
}

TEST_F(MemberSampleTest, EmptyAndZero) {
  Fill("s", {"a"});
  uint64_t size;
  auto it = Open("s", &size);
  MemberSampler sampler(it.get(), size, true);
  std::vector<SampledMember> out;
  ASSERT_TRUE(sampler.Distinct(0, &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(sampler.Distinct(3, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].member, "a");
  int n = 0;
  ASSERT_TRUE(sampler
                  .WithRepeats(4,
                               [&](std::string_view m, std::string_view) {
                                 EXPECT_EQ(m, "a");
                                 n++;
                               })
                  .ok());
  EXPECT_EQ(n, 4);
}

}  // namespace
}  // namespace redrock::engine
