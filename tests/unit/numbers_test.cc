// Specification of number parsing and formatting: Redis 7.0 string2ll, string2ld,
// getDoubleFromObject and ld2string(LD_STR_HUMAN) results.
#include "engine/numbers.h"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace redrock {
namespace {

using namespace std::string_literals;

TEST(ParseInt64Test, AcceptsCanonicalDecimals) {
  struct Case {
    const char* text;
    int64_t want;
  };
  for (const Case& c :
       {Case{"0", 0}, Case{"1", 1}, Case{"-1", -1}, Case{"99", 99}, Case{"-99", -99},
        Case{"9223372036854775807", INT64_MAX}, Case{"-9223372036854775808", INT64_MIN}}) {
    int64_t v = 42;
    EXPECT_TRUE(ParseInt64(c.text, &v)) << c.text;
    EXPECT_EQ(v, c.want) << c.text;
  }
}

TEST(ParseInt64Test, RejectsEverythingElse) {
  for (const std::string& text :
       {""s, "-"s, "+1"s, " 1"s, "1 "s, "01"s, "00"s, "-0"s, "-01"s, "1a"s, "0x10"s, "1.0"s, "1e3"s,
        "9223372036854775808"s, "-9223372036854775809"s, "18446744073709551616"s, "1\0"s,
        "000000000000000000001"s}) {
    int64_t v = 42;
    EXPECT_FALSE(ParseInt64(text, &v)) << text;
    EXPECT_EQ(v, 42) << "output untouched on failure";
  }
}

TEST(ParseDoubleTest, AcceptsWhatStrtodReadsWhole) {
  struct Case {
    const char* text;
    double want;
  };
  for (const Case& c :
       {Case{"1.5", 1.5}, Case{"-2", -2}, Case{"+3", 3}, Case{"1e3", 1000}, Case{".5", 0.5},
        Case{"5.", 5}, Case{"0x10", 16}, Case{"1e-320", 1e-320}, Case{"-0", -0.0}}) {
    double v = 0;
    EXPECT_TRUE(ParseDouble(c.text, &v)) << c.text;
    EXPECT_EQ(v, c.want) << c.text;
  }
}

TEST(ParseDoubleTest, AcceptsInfinities) {
  double v = 0;
  for (const char* text : {"inf", "+inf", "INF", "infinity"}) {
    ASSERT_TRUE(ParseDouble(text, &v)) << text;
    EXPECT_EQ(v, std::numeric_limits<double>::infinity()) << text;
  }
  ASSERT_TRUE(ParseDouble("-inf", &v));
  EXPECT_EQ(v, -std::numeric_limits<double>::infinity());
}

TEST(ParseDoubleTest, RejectsSpacesNanGarbageAndRangeErrors) {
  for (const std::string& text : {""s, " 1"s, "\t1"s, "1 "s, "nan"s, "-nan"s, "NaN"s, "1x"s, "abc"s,
                                  "1\0"s, "1e400"s, "-1e400"s, "1e-400"s}) {
    double v = 42;
    EXPECT_FALSE(ParseDouble(text, &v)) << text;
    EXPECT_EQ(v, 42);
  }
}

TEST(ParseLongDoubleTest, AcceptsLikeStrtold) {
  long double v = 0;
  ASSERT_TRUE(ParseLongDouble("10.5", &v));
  EXPECT_EQ(v, 10.5L);
  ASSERT_TRUE(ParseLongDouble("-inf", &v));
  EXPECT_TRUE(std::isinf(v) && v < 0);
  ASSERT_TRUE(ParseLongDouble("1e4000", &v));  // beyond double, within long double
  EXPECT_GT(v, 1e308L);
}

TEST(ParseLongDoubleTest, RejectsSpacesNanGarbageAndOverlongInput) {
  for (const std::string& text : {""s, " 1"s, "1 "s, "nan"s, "1x"s, "1\0"s, "1e5000"s, "1e-5000"s,
                                  std::string(5 * 1024, '1')}) {
    long double v = 42;
    EXPECT_FALSE(ParseLongDouble(text, &v)) << text.substr(0, 20);
    EXPECT_EQ(v, 42);
  }
  // Redis copies into a 5*1024 buffer with its terminator, so 5119 characters still fit.
  long double v = 0;
  std::string digits = "0.";
  digits.append(5 * 1024 - 3, '5');
  EXPECT_TRUE(ParseLongDouble(digits, &v));
}

TEST(FormatInt64Test, Decimal) {
  EXPECT_EQ(FormatInt64(0), "0");
  EXPECT_EQ(FormatInt64(-7), "-7");
  EXPECT_EQ(FormatInt64(INT64_MAX), "9223372036854775807");
  EXPECT_EQ(FormatInt64(INT64_MIN), "-9223372036854775808");
}

TEST(FormatLongDoubleHumanTest, DropsTrailingZerosAndDot) {
  EXPECT_EQ(FormatLongDoubleHuman(3), "3");
  EXPECT_EQ(FormatLongDoubleHuman(10.5L), "10.5");
  EXPECT_EQ(FormatLongDoubleHuman(-0.25L), "-0.25");
  EXPECT_EQ(FormatLongDoubleHuman(100), "100");
  EXPECT_EQ(FormatLongDoubleHuman(1e20L), "100000000000000000000");
}

TEST(FormatLongDoubleHumanTest, SeventeenDecimalsRoundShortDecimalsBack) {
  // INCRBYFLOAT mykey 0.1 on 10.5 replies "10.6", thanks to 17 digits of long double.
  EXPECT_EQ(FormatLongDoubleHuman(10.5L + 0.1L), "10.6");
  EXPECT_EQ(FormatLongDoubleHuman(1.1L), "1.1");
  EXPECT_EQ(FormatLongDoubleHuman(5.0e3L), "5000");
  EXPECT_EQ(FormatLongDoubleHuman(1e-18L), "0");  // below 17 decimals
}

TEST(FormatLongDoubleHumanTest, NegativeZeroAndTinyNegativesAreZero) {
  EXPECT_EQ(FormatLongDoubleHuman(-0.0L), "0");
  EXPECT_EQ(FormatLongDoubleHuman(-1e-18L), "0");
}

TEST(FormatLongDoubleHumanTest, Infinities) {
  EXPECT_EQ(FormatLongDoubleHuman(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(FormatLongDoubleHuman(-std::numeric_limits<long double>::infinity()), "-inf");
}

TEST(FormatLongDoubleHumanTest, LargestValueFits) {
  std::string text = FormatLongDoubleHuman(std::numeric_limits<long double>::max());
  EXPECT_EQ(text.size(), 4933u);
  long double back = 0;
  EXPECT_TRUE(ParseLongDouble(text, &back));
  EXPECT_EQ(back, std::numeric_limits<long double>::max());
}

}  // namespace
}  // namespace redrock
