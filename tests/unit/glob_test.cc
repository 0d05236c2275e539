// Specification of glob matching: Redis 7.0 stringmatchlen() results, quirks included.
#include "engine/glob.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace redrock {
namespace {

using namespace std::string_literals;

TEST(GlobTest, LiteralsMatchExactly) {
  EXPECT_TRUE(GlobMatch("hello", "hello"));
  EXPECT_FALSE(GlobMatch("hello", "hell"));
  EXPECT_FALSE(GlobMatch("hell", "hello"));
  EXPECT_FALSE(GlobMatch("hello", "Hello"));
  EXPECT_TRUE(GlobMatch("a\0b"s, "a\0b"s));  // binary safe
  EXPECT_FALSE(GlobMatch("a\0b"s, "a\0c"s));
}

TEST(GlobTest, StarMatchesAnyRun) {
  EXPECT_TRUE(GlobMatch("h*llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("user:*", "user:"));
  EXPECT_TRUE(GlobMatch("user:**", "user:42"));
  EXPECT_TRUE(GlobMatch("*:*:*", "a:b:c"));
  EXPECT_FALSE(GlobMatch("*:*:*", "a:b"));
  EXPECT_FALSE(GlobMatch("h*llo", "hello!"));
}

TEST(GlobTest, NothingMatchesTheEmptyString) {
  // stringmatchlen never enters its loop for an empty string, so even "*" fails; Redis's
  // KEYS and SCAN skip the matcher for a lone "*", and callers must do the same.
  EXPECT_FALSE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("?", ""));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
}

TEST(GlobTest, QuestionMarkMatchesOneByte) {
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_TRUE(GlobMatch("h?llo", "h\xffllo"));
  EXPECT_FALSE(GlobMatch("h?llo", "hllo"));
  EXPECT_FALSE(GlobMatch("h?llo", "heello"));
}

TEST(GlobTest, BracketClasses) {
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_FALSE(GlobMatch("h[a-b]llo", "hcllo"));
  EXPECT_TRUE(GlobMatch("h[z-a]llo", "hmllo"));  // reversed ranges are allowed
  EXPECT_TRUE(GlobMatch("[\\]]", "]"));          // an escaped ']' inside a class
  EXPECT_TRUE(GlobMatch("[\\-]", "-"));
  EXPECT_FALSE(GlobMatch("[]", "]"));  // "[]" is an empty class: it matches nothing
}

TEST(GlobTest, BracketQuirksMatchRedis) {
  // An unterminated class ends with the pattern.
  EXPECT_TRUE(GlobMatch("[abc", "b"));
  EXPECT_FALSE(GlobMatch("[abc", "d"));
  EXPECT_FALSE(GlobMatch("[", "a"));
  // "[a-]" is read as the range a..']' (swapped to ']'..'a') in a class that never closes.
  EXPECT_TRUE(GlobMatch("[a-]", "a"));
  EXPECT_TRUE(GlobMatch("[a-]", "^"));
  EXPECT_FALSE(GlobMatch("[a-]", "b"));
  EXPECT_FALSE(GlobMatch("[a-]", "-"));
  // Ranges compare bytes as signed chars, as Redis does on x86: 0x80..0xff sort below 'a'.
  EXPECT_TRUE(GlobMatch("[\x80-a]", "0"));
  EXPECT_FALSE(GlobMatch("[a-\xff]", "b"));
}

TEST(GlobTest, BackslashEscapes) {
  EXPECT_TRUE(GlobMatch("\\*", "*"));
  EXPECT_FALSE(GlobMatch("\\*", "a"));
  EXPECT_TRUE(GlobMatch("a\\?", "a?"));
  EXPECT_FALSE(GlobMatch("a\\?", "ab"));
  EXPECT_TRUE(GlobMatch("\\[a]", "[a]"));
  EXPECT_TRUE(GlobMatch("a\\", "a\\"));  // a trailing backslash is a literal
}

TEST(GlobTest, NoCaseFoldsAsciiLetters) {
  EXPECT_TRUE(GlobMatch("HeLLo", "hello", true));
  EXPECT_TRUE(GlobMatch("h[A-C]llo", "hbllo", true));
  EXPECT_TRUE(GlobMatch("h[B]llo", "hbllo", true));
  EXPECT_FALSE(GlobMatch("h[B]llo", "hbllo", false));
  EXPECT_FALSE(GlobMatch("\xc3\x89", "\xc3\xa9", true));  // not ASCII: no folding
}

TEST(GlobTest, PathologicalPatternsFinishQuickly) {
  std::string str(5000, 'a');
  std::string pattern;
  for (int i = 0; i < 30; i++)
    pattern += "*a";
  pattern += "*b";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(GlobMatch(pattern, str));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(GlobTest, NestingIsLimitedTo1000Stars) {
  // Each '*' recurses once; past 1000 levels Redis answers "no match" rather than risk
  // the stack, even for a pattern that would match.
  auto stars = [](int n) {
    std::string pattern;
    for (int i = 0; i < n; i++)
      pattern += "*x";
    return pattern;
  };
  EXPECT_TRUE(GlobMatch(stars(1000), std::string(1000, 'x')));
  EXPECT_FALSE(GlobMatch(stars(1001), std::string(1001, 'x')));
}

TEST(GlobTest, LiteralPrefix) {
  EXPECT_EQ(GlobLiteralPrefix("user:*"), "user:");
  EXPECT_EQ(GlobLiteralPrefix("user:?0"), "user:");
  EXPECT_EQ(GlobLiteralPrefix("user:[ab]"), "user:");
  EXPECT_EQ(GlobLiteralPrefix("a\\*b*"), "a");  // stops at the escape
  EXPECT_EQ(GlobLiteralPrefix("exact"), "exact");
  EXPECT_EQ(GlobLiteralPrefix("*x"), "");
  EXPECT_EQ(GlobLiteralPrefix(""), "");
}

}  // namespace
}  // namespace redrock
