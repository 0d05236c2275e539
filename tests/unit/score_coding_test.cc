// The sortable score encoding: byte order of encodings is numeric order, round trips exact.
#include "engine/score_coding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace redrock::engine {
namespace {

std::string Encode(double d) {
  std::string s;
  PutScore(&s, d);
  return s;
}

std::vector<double> InterestingValues() {
  using L = std::numeric_limits<double>;
  std::vector<double> v = {-L::infinity(),
                           -L::max(),
                           -1e300,
                           -4503599627370496.0,
                           -1.5,
                           -1.0,
                           -0.5,
                           -L::min(),
                           -L::denorm_min() * 3,
                           -L::denorm_min(),
                           0.0,
                           L::denorm_min(),
                           L::denorm_min() * 2,
                           L::min() / 2,
                           L::min(),
                           1e-300,
                           0.1,
                           0.5,
                           1.0,
                           1.0000000000000002,
                           2.0,
                           3.0,
                           1e15,
                           9007199254740992.0,
                           1e300,
                           L::max(),
                           L::infinity()};
  return v;
}

TEST(ScoreCoding, ByteOrderIsNumericOrder) {
  std::vector<double> values = InterestingValues();
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; i++) {
    // Random bit patterns cover every exponent, denormals included; NaNs are skipped.
    double d = std::bit_cast<double>(rng());
    if (!std::isnan(d)) values.push_back(d);
  }
  std::uniform_real_distribution<double> small(-1000, 1000);
  for (int i = 0; i < 2000; i++)
    values.push_back(small(rng));
  std::sort(values.begin(), values.end());
  for (size_t i = 1; i < values.size(); i++) {
    std::string a = Encode(values[i - 1]), b = Encode(values[i]);
    if (values[i - 1] < values[i]) {
      EXPECT_LT(a, b) << values[i - 1] << " vs " << values[i];
    } else {
      EXPECT_EQ(a, b);
    }
  }
}

TEST(ScoreCoding, RoundTripsExactly) {
  std::vector<double> values = InterestingValues();
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; i++) {
    double d = std::bit_cast<double>(rng());
    if (!std::isnan(d)) values.push_back(d);
  }
  for (double d : values) {
    std::string s = Encode(d);
    ASSERT_EQ(s.size(), 8u);
    std::string_view in(s);
    double back;
    ASSERT_TRUE(GetScore(&in, &back));
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(std::bit_cast<uint64_t>(back), std::bit_cast<uint64_t>(d)) << d;
    EXPECT_EQ(DecodeScore(s.data()), d);
  }
}

TEST(ScoreCoding, NegativeZeroIsZero) {
  // Redis compares scores with <: -0 and +0 are the same score, so members with either order
  // by member bytes alone. Both encode the same way and decode as +0.
  EXPECT_EQ(Encode(-0.0), Encode(0.0));
  double back = DecodeScore(Encode(-0.0).data());
  EXPECT_EQ(back, 0.0);
  EXPECT_FALSE(std::signbit(back));
  EXPECT_LT(Encode(-std::numeric_limits<double>::denorm_min()), Encode(-0.0));
  EXPECT_LT(Encode(0.0), Encode(std::numeric_limits<double>::denorm_min()));
}

TEST(ScoreCoding, InfinitiesAreTheEnds) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_LT(Encode(-inf), Encode(-std::numeric_limits<double>::max()));
  EXPECT_GT(Encode(inf), Encode(std::numeric_limits<double>::max()));
  // One step past an infinity in the sortable space is still a valid (unused) code, so range
  // bounds may step over them without wrapping.
  EXPECT_LT(ScoreToSortable(inf), UINT64_MAX);
  EXPECT_GT(ScoreToSortable(-inf), 0u);
  std::string_view empty;
  double d;
  EXPECT_FALSE(GetScore(&empty, &d));
}

}  // namespace
}  // namespace redrock::engine
