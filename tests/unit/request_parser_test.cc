// Specification of the RESP request parser: what requests a byte stream yields, whichever way
// it is split, and the Redis 7.0 error for each kind of bad input.
#include "protocol/request_parser.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace redrock::protocol {
namespace {

using Requests = std::vector<Request>;
using namespace std::string_literals;

// Feeds `chunks` in order; returns the requests and whether every Feed succeeded.
bool FeedAll(RequestParser* parser, const std::vector<std::string>& chunks, Requests* out) {
  for (const std::string& chunk : chunks) {
    if (!parser->Feed(chunk, out)) return false;
  }
  return true;
}

Requests Parse(const std::string& data) {
  RequestParser parser;
  Requests out;
  EXPECT_TRUE(parser.Feed(data, &out)) << parser.error();
  EXPECT_EQ(parser.buffered_bytes(), 0u);
  return out;
}

// The error a fresh parser reports for `data` fed in one piece.
std::string ErrorFor(const std::string& data, ParserLimits limits = ParserLimits()) {
  RequestParser parser(limits);
  Requests out;
  if (parser.Feed(data, &out)) return "(no error)";
  return parser.error();
}

std::string Bin(const char* s, size_t n) {
  return std::string(s, n);
}

// ---------------------------------------------------------------------------------------
// Multibulk requests

// prefix followed by n copies of c. (Built with append: GCC 12 warns falsely on
// `"literal" + std::string(n, c)` under -O2, see GCC bug 105329.)
std::string Repeat(const char* prefix, size_t n, char c) {
  std::string s(prefix);
  s.append(n, c);
  return s;
}

TEST(RequestParserTest, ParsesOneMultibulkRequest) {
  EXPECT_EQ(Parse("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"), (Requests{{"GET", "key"}}));
}

TEST(RequestParserTest, BulksAreBinarySafe) {
  std::string value = Bin("a\r\nb\0c\r\n", 8);
  Requests got = Parse("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$8\r\n" + value + "\r\n");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0][2], value);
}

TEST(RequestParserTest, EmptyBulkIsAnEmptyArgument) {
  EXPECT_EQ(Parse("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), (Requests{{"ECHO", ""}}));
}

TEST(RequestParserTest, EmptyAndNegativeMultibulkAreSkipped) {
  // Redis produces no request and no reply for these, and keeps reading.
  EXPECT_EQ(Parse("*0\r\n"), Requests{});
  EXPECT_EQ(Parse("*-1\r\n"), Requests{});
  EXPECT_EQ(Parse("*-10\r\n*1\r\n$4\r\nPING\r\n*0\r\n"), (Requests{{"PING"}}));
}

TEST(RequestParserTest, ManyPipelinedRequestsInOneFeed) {
  std::string data;
  Requests want;
  for (int i = 0; i < 1000; i++) {
    std::string key = "key:" + std::to_string(i);
    data += "*2\r\n$3\r\nGET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n";
    want.push_back({"GET", key});
  }
  EXPECT_EQ(Parse(data), want);
}

TEST(RequestParserTest, TrailingBytesOfABulkAreSkippedUnchecked) {
  // Redis skips the two bytes after a payload without looking at them.
  EXPECT_EQ(Parse("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"), (Requests{{"PING"}, {"PING"}}));
}

TEST(RequestParserTest, HeaderLineNeedsTheByteAfterCr) {
  // Redis waits for the byte after '\r' before judging the line, and does not check it.
  RequestParser parser;
  Requests out;
  EXPECT_TRUE(parser.Feed("*abc\r", &out));
  EXPECT_FALSE(parser.Feed("\n", &out));
  EXPECT_EQ(parser.error(), "Protocol error: invalid multibulk length");

  EXPECT_EQ(Parse("*1\rX$4\rYPING\r\n"), (Requests{{"PING"}}));
}

// ---------------------------------------------------------------------------------------
// Splitting: the same requests come out wherever the stream is cut.

// A pipeline mixing multibulk and inline requests, binary payloads with CR/LF inside, an
// empty bulk, a skipped "*0", an empty inline line and a quoted inline argument.
std::string MixedPipeline() {
  return "*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$6\r\n\r\n\0\r\nx\r\n"
         "*0\r\n"
         "PING\r\n"
         "\r\n"
         "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
         "ECHO \"a b\\r\\n\" 'c'\n"
         "*1\r\n$12\r\n$3\r\nGET\r\n$12\r\n"s;
}

Requests MixedPipelineRequests() {
  return Requests{{"SET", "k\r\n", Bin("\r\n\0\r\nx", 6)},
                  {"PING"},
                  {"ECHO", ""},
                  {"ECHO", "a b\r\n", "c"},
                  {"$3\r\nGET\r\n$12"}};
}

TEST(RequestParserTest, EverySplitPointYieldsTheSameRequests) {
  const std::string data = MixedPipeline();
  ASSERT_EQ(Parse(data), MixedPipelineRequests());
  for (size_t i = 0; i <= data.size(); i++) {
    RequestParser parser;
    Requests out;
    ASSERT_TRUE(FeedAll(&parser, {data.substr(0, i), data.substr(i)}, &out)) << "split at " << i;
    EXPECT_EQ(out, MixedPipelineRequests()) << "split at " << i;
    EXPECT_EQ(parser.buffered_bytes(), 0u);
  }
}

TEST(RequestParserTest, EveryPairOfSplitPointsYieldsTheSameRequests) {
  const std::string data = MixedPipeline();
  for (size_t i = 0; i <= data.size(); i++) {
    for (size_t j = i; j <= data.size(); j++) {
      RequestParser parser;
      Requests out;
      ASSERT_TRUE(
          FeedAll(&parser, {data.substr(0, i), data.substr(i, j - i), data.substr(j)}, &out));
      ASSERT_EQ(out, MixedPipelineRequests()) << "split at " << i << " and " << j;
    }
  }
}

TEST(RequestParserTest, ByteByByteYieldsTheSameRequests) {
  const std::string data = MixedPipeline();
  RequestParser parser;
  Requests out;
  for (char c : data)
    ASSERT_TRUE(parser.Feed(std::string_view(&c, 1), &out));
  EXPECT_EQ(out, MixedPipelineRequests());
}

TEST(RequestParserTest, BigBulkFedInSmallChunks) {
  const size_t kSize = 8 * 1024 * 1024;
  std::string payload(kSize, 'v');
  for (size_t i = 0; i < kSize; i += 4096)
    payload[i] = static_cast<char>(i / 4096);
  std::string data =
      "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + std::to_string(kSize) + "\r\n" + payload + "\r\n";
  RequestParser parser;
  Requests out;
  const size_t kChunk = 1000;
  for (size_t i = 0; i < data.size(); i += kChunk) {
    ASSERT_TRUE(parser.Feed(std::string_view(data).substr(i, kChunk), &out));
    if (i + kChunk < data.size()) {
      EXPECT_TRUE(out.empty());
      // Everything received so far is held, give or take the header punctuation.
      EXPECT_LE(parser.buffered_bytes(), i + kChunk);
      EXPECT_GE(parser.buffered_bytes() + 40, i + kChunk);
    }
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0][0], "SET");
  EXPECT_EQ(out[0][1], "big");
  EXPECT_TRUE(out[0][2] == payload);
  EXPECT_EQ(out[0][2].capacity(), kSize);  // grown to the declared length, not beyond
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(RequestParserTest, BufferedBytesCountsTheIncompleteRequestOnly) {
  RequestParser parser;
  Requests out;
  ASSERT_TRUE(parser.Feed("*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$3\r\nke", &out));
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(parser.buffered_bytes(), 5u);  // "GET" and "ke"
  ASSERT_TRUE(parser.Feed("y\r\nPIN", &out));
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(parser.buffered_bytes(), 3u);  // the unfinished inline line
}

// ---------------------------------------------------------------------------------------
// Inline requests

TEST(RequestParserTest, InlineRequestsEndInLfOrCrLf) {
  EXPECT_EQ(Parse("SET k v\r\nGET k\n"), (Requests{{"SET", "k", "v"}, {"GET", "k"}}));
}

TEST(RequestParserTest, InlineSplitsOnRunsOfWhitespace) {
  EXPECT_EQ(Parse("  SET \t k   v  \r\n"), (Requests{{"SET", "k", "v"}}));
}

TEST(RequestParserTest, EmptyInlineLinesAreIgnored) {
  EXPECT_EQ(Parse("\r\n\n   \r\nPING\r\n"), (Requests{{"PING"}}));
}

TEST(RequestParserTest, InlineWithQuotesAndEscapes) {
  EXPECT_EQ(Parse("SET \"a key\" 'it\\'s' \"\\x41\\x4a\\n\\\"\"\r\n"),
            (Requests{{"SET", "a key", "it's", "AJ\n\""}}));
}

TEST(RequestParserTest, InlineLineMayExceedTheLimitWhenItArrivesWhole) {
  // Redis checks 64KB only while no newline has arrived.
  std::string arg(100 * 1024, 'x');
  EXPECT_EQ(Parse("ECHO " + arg + "\r\n"), (Requests{{"ECHO", arg}}));
}

// ---------------------------------------------------------------------------------------
// SplitInlineArgs (sdssplitargs)

TEST(SplitInlineArgsTest, MatchesSdssplitargs) {
  struct Case {
    std::string line;
    Request want;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {" \t\v\f ", {}},
      {"a b  c", {"a", "b", "c"}},
      {"\"\"", {""}},
      {"''", {""}},
      {"\"a\\tb\\rc\\bd\\ae\\\\f\\qg\"", {"a\tb\rc\bd\ae\\fqg"}},
      {"\"\\x00\\xff\\xZZ\"", {Bin("\0\xff", 2) + "xZZ"}},
      {"'a\\nb\\'c'", {"a\\nb'c"}},
      {"a\"b c\"", {"ab c"}},    // a quote inside a word opens a quoted part
      {"a\vb", {"a\vb"}},        // \v separates only between words
      {"\"a\"\tb", {"a", "b"}},  // any isspace() may follow a closing quote
      {"x\0y"s, {"x"}},          // a NUL ends the line, as for a C string
  };
  for (const Case& c : cases) {
    Request got;
    EXPECT_TRUE(SplitInlineArgs(c.line, &got)) << c.line;
    EXPECT_EQ(got, c.want) << c.line;
  }
}

TEST(SplitInlineArgsTest, RejectsUnbalancedQuotes) {
  for (const char* line : {"\"abc", "'abc", "\"a\"b", "'a'b", "\"abc\\\"", "\"a\\"}) {
    Request got;
    EXPECT_FALSE(SplitInlineArgs(line, &got)) << line;
  }
}

// ---------------------------------------------------------------------------------------
// Errors (texts as Redis 7.0 replies them)

TEST(RequestParserErrorTest, InvalidMultibulkLength) {
  for (const char* data : {"*abc\r\n", "*\r\n", "*01\r\n", "*+1\r\n", "*1 \r\n", "*-0\r\n",
                           "*99999999999999999999\r\n"}) {
    EXPECT_EQ(ErrorFor(data), "Protocol error: invalid multibulk length") << data;
  }
}

TEST(RequestParserErrorTest, MultibulkCountOverTheLimit) {
  ParserLimits limits;
  limits.max_multibulk_len = 1024 * 1024;
  EXPECT_EQ(ErrorFor("*1048577\r\n", limits), "Protocol error: invalid multibulk length");
  EXPECT_EQ(ErrorFor("*1048576\r\n", limits), "(no error)");
}

TEST(RequestParserErrorTest, InvalidBulkLength) {
  for (const char* data : {"*1\r\n$-1\r\n", "*1\r\n$abc\r\n", "*1\r\n$\r\n", "*1\r\n$01\r\n"}) {
    EXPECT_EQ(ErrorFor(data), "Protocol error: invalid bulk length") << data;
  }
}

TEST(RequestParserErrorTest, BulkLongerThanProtoMaxBulkLen) {
  ParserLimits limits;
  limits.max_bulk_len = 10;
  EXPECT_EQ(ErrorFor("*1\r\n$11\r\n", limits), "Protocol error: invalid bulk length");
  EXPECT_EQ(ErrorFor("*1\r\n$10\r\n", limits), "(no error)");
}

TEST(RequestParserErrorTest, ExpectedDollar) {
  EXPECT_EQ(ErrorFor("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n"),
            "Protocol error: expected '$', got 'f'");
  EXPECT_EQ(ErrorFor("*1\r\n:1\r\n"), "Protocol error: expected '$', got ':'");
  // A blank line: Redis prints the '\r' it found, and its error formatting makes it a space.
  EXPECT_EQ(ErrorFor("*1\r\n\r\n"), "Protocol error: expected '$', got ' '");
}

TEST(RequestParserErrorTest, TooBigInlineRequest) {
  const size_t kMax = ParserLimits().max_inline_len;
  EXPECT_EQ(ErrorFor(std::string(kMax, 'a')), "(no error)");
  EXPECT_EQ(ErrorFor(std::string(kMax + 1, 'a')), "Protocol error: too big inline request");

  // The same across feeds: the check is on the bytes held without a newline.
  RequestParser parser;
  Requests out;
  EXPECT_TRUE(parser.Feed(Repeat("PING\r\n", kMax, 'a'), &out));
  EXPECT_EQ(parser.buffered_bytes(), kMax);
  EXPECT_FALSE(parser.Feed("a", &out));
  EXPECT_EQ(parser.error(), "Protocol error: too big inline request");
  EXPECT_EQ(out, (Requests{{"PING"}}));
}

TEST(RequestParserErrorTest, TooBigMbulkCountString) {
  const size_t kMax = ParserLimits().max_inline_len;
  EXPECT_EQ(ErrorFor(Repeat("*", kMax - 1, '1')), "(no error)");
  EXPECT_EQ(ErrorFor(Repeat("*", kMax, '1')), "Protocol error: too big mbulk count string");
}

TEST(RequestParserErrorTest, TooBigBulkCountString) {
  const size_t kMax = ParserLimits().max_inline_len;
  EXPECT_EQ(ErrorFor(Repeat("*1\r\n$", kMax - 1, '1')), "(no error)");
  EXPECT_EQ(ErrorFor(Repeat("*1\r\n$", kMax, '1')), "Protocol error: too big bulk count string");
  // The size is judged before the '$'.
  EXPECT_EQ(ErrorFor(Repeat("*1\r\n", 70000, 'X')), "Protocol error: too big bulk count string");
}

TEST(RequestParserErrorTest, NulHidesTheEndOfAHeaderLine) {
  // Redis finds line ends with strchr(), so after a NUL it never sees the '\r' and the
  // connection fails once the limit is passed.
  RequestParser parser;
  Requests out;
  EXPECT_TRUE(parser.Feed(Bin("*1\0\r\n", 5), &out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(parser.Feed(std::string(70000, '\n'), &out));
  EXPECT_EQ(parser.error(), "Protocol error: too big mbulk count string");
}

TEST(RequestParserErrorTest, UnbalancedQuotesInRequest) {
  EXPECT_EQ(ErrorFor("SET \"k v\r\n"), "Protocol error: unbalanced quotes in request");
  EXPECT_EQ(ErrorFor("SET 'k'v\r\n"), "Protocol error: unbalanced quotes in request");
}

TEST(RequestParserErrorTest, RequestsBeforeTheErrorAreKept) {
  RequestParser parser;
  Requests out;
  EXPECT_FALSE(parser.Feed("PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\n*1\r\n$4\r\nPING\r\n", &out));
  EXPECT_EQ(out, (Requests{{"PING"}, {"ECHO"}}));
  EXPECT_EQ(parser.error(), "Protocol error: invalid multibulk length");
}

TEST(RequestParserErrorTest, AFailedParserStaysFailed) {
  RequestParser parser;
  Requests out;
  EXPECT_FALSE(parser.Feed("*x\r\n", &out));
  EXPECT_FALSE(parser.Feed("PING\r\n", &out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(parser.error(), "Protocol error: invalid multibulk length");
}

}  // namespace
}  // namespace redrock::protocol
