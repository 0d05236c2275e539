// Specification of the reply writer: the bytes of every reply type in RESP2 and RESP3.
#include "protocol/reply_writer.h"

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace redrock::protocol {
namespace {

// The bytes `write` produces with protocol version `resp`.
std::string Written(int resp, const std::function<void(ReplyWriter&)>& write) {
  std::string out;
  ReplyWriter writer(&out, resp);
  write(writer);
  return out;
}

std::string Resp2(const std::function<void(ReplyWriter&)>& write) {
  return Written(2, write);
}
std::string Resp3(const std::function<void(ReplyWriter&)>& write) {
  return Written(3, write);
}

TEST(ReplyWriterTest, AppendsToTheCallersBuffer) {
  std::string out = "prefix";
  ReplyWriter writer(&out);
  EXPECT_EQ(writer.resp(), 2);
  writer.Ok();
  writer.Raw(":7\r\n");
  EXPECT_EQ(out, "prefix+OK\r\n:7\r\n");
  EXPECT_EQ(writer.buffer(), &out);
  writer.set_resp(3);
  EXPECT_EQ(writer.resp(), 3);
}

TEST(ReplyWriterTest, SimpleString) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Written(resp, [](auto& w) { w.Ok(); }), "+OK\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.SimpleString("PONG"); }), "+PONG\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.SimpleString("a\r\nb"); }), "+a  b\r\n");
  }
}

TEST(ReplyWriterTest, ErrorKeepsItsCodeOrGetsErr) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Written(resp, [](auto& w) { w.Error("ERR syntax error"); }), "-ERR syntax error\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Error("WRONGTYPE Operation"); }),
              "-WRONGTYPE Operation\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Error("NOAUTH"); }), "-NOAUTH\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Error("Protocol error: x"); }),
              "-ERR Protocol error: x\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Error("value is not an integer"); }),
              "-ERR value is not an integer\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Error(""); }), "-ERR \r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Error("ERR bad\r\nline"); }), "-ERR bad  line\r\n");
  }
}

TEST(ReplyWriterTest, Integer) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Written(resp, [](auto& w) { w.Integer(0); }), ":0\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Integer(-42); }), ":-42\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Integer(INT64_MIN); }), ":-9223372036854775808\r\n");
  }
}

TEST(ReplyWriterTest, Bulk) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Written(resp, [](auto& w) { w.Bulk("hello"); }), "$5\r\nhello\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Bulk(""); }), "$0\r\n\r\n");
    EXPECT_EQ(Written(resp, [](auto& w) { w.Bulk(std::string("a\0\r\n", 4)); }),
              std::string("$4\r\na\0\r\n\r\n", 10));
    EXPECT_EQ(Written(resp, [](auto& w) { w.BulkInteger(-15); }), "$3\r\n-15\r\n");
  }
}

TEST(ReplyWriterTest, Nulls) {
  EXPECT_EQ(Resp2([](auto& w) { w.Null(); }), "$-1\r\n");
  EXPECT_EQ(Resp2([](auto& w) { w.NullArray(); }), "*-1\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Null(); }), "_\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.NullArray(); }), "_\r\n");
}

TEST(ReplyWriterTest, ArrayIsTheSameInBothVersions) {
  for (int resp : {2, 3}) {
    EXPECT_EQ(Written(resp, [](auto& w) { w.ArrayHeader(0); }), "*0\r\n");
    EXPECT_EQ(Written(resp,
                      [](auto& w) {
                        w.BulkArray({"a", "bc"});
                      }),
              "*2\r\n$1\r\na\r\n$2\r\nbc\r\n");
  }
}

TEST(ReplyWriterTest, MapIsAFlatArrayInResp2) {
  EXPECT_EQ(Resp2([](auto& w) { w.MapHeader(3); }), "*6\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.MapHeader(3); }), "%3\r\n");
}

TEST(ReplyWriterTest, SetAndPushAreArraysInResp2) {
  EXPECT_EQ(Resp2([](auto& w) { w.SetHeader(2); }), "*2\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.SetHeader(2); }), "~2\r\n");
  EXPECT_EQ(Resp2([](auto& w) { w.PushHeader(3); }), "*3\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.PushHeader(3); }), ">3\r\n");
}

TEST(ReplyWriterTest, DoubleIsABulkStringInResp2) {
  EXPECT_EQ(Resp2([](auto& w) { w.Double(1.5); }), "$3\r\n1.5\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Double(1.5); }), ",1.5\r\n");
  // Redis 7.0 prints 17 significant digits, so 1.1 is not shortened.
  EXPECT_EQ(Resp2([](auto& w) { w.Double(1.1); }), "$18\r\n1.1000000000000001\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Double(1.1); }), ",1.1000000000000001\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Double(3); }), ",3\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Double(1e300); }), ",1.0000000000000001e+300\r\n");
}

TEST(ReplyWriterTest, DoubleInfinityAndNan) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Resp2([&](auto& w) { w.Double(inf); }), "$3\r\ninf\r\n");
  EXPECT_EQ(Resp2([&](auto& w) { w.Double(-inf); }), "$4\r\n-inf\r\n");
  EXPECT_EQ(Resp3([&](auto& w) { w.Double(inf); }), ",inf\r\n");
  EXPECT_EQ(Resp3([&](auto& w) { w.Double(-inf); }), ",-inf\r\n");
  EXPECT_EQ(Resp3([&](auto& w) { w.Double(nan); }), ",nan\r\n");
  EXPECT_EQ(Resp3([&](auto& w) { w.Double(-nan); }), ",nan\r\n");
  EXPECT_EQ(Resp2([&](auto& w) { w.Double(nan); }), "$3\r\nnan\r\n");
}

TEST(ReplyWriterTest, FormatDouble) {
  EXPECT_EQ(FormatDouble(0), "0");
  EXPECT_EQ(FormatDouble(-0.0), "-0");
  EXPECT_EQ(FormatDouble(0.1), "0.10000000000000001");
  EXPECT_EQ(FormatDouble(1e17), "1e+17");
  EXPECT_EQ(FormatDouble(123456), "123456");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(ReplyWriterTest, BoolIsAnIntegerInResp2) {
  EXPECT_EQ(Resp2([](auto& w) { w.Bool(true); }), ":1\r\n");
  EXPECT_EQ(Resp2([](auto& w) { w.Bool(false); }), ":0\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Bool(true); }), "#t\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Bool(false); }), "#f\r\n");
}

TEST(ReplyWriterTest, VerbatimIsABulkStringInResp2) {
  EXPECT_EQ(Resp2([](auto& w) { w.Verbatim("txt", "hi\r\n"); }), "$4\r\nhi\r\n\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Verbatim("txt", "hi\r\n"); }), "=8\r\ntxt:hi\r\n\r\n");
  // Redis pads a short format with spaces and cuts a long one to three bytes.
  EXPECT_EQ(Resp3([](auto& w) { w.Verbatim("md", "x"); }), "=5\r\nmd :x\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.Verbatim("markdown", "x"); }), "=5\r\nmar:x\r\n");
}

TEST(ReplyWriterTest, BigNumberIsABulkStringInResp2) {
  EXPECT_EQ(Resp2([](auto& w) { w.BigNumber("12345678901234567890"); }),
            "$20\r\n12345678901234567890\r\n");
  EXPECT_EQ(Resp3([](auto& w) { w.BigNumber("-12345678901234567890"); }),
            "(-12345678901234567890\r\n");
}

}  // namespace
}  // namespace redrock::protocol
