// RDB codecs: CRC64, LZF, the compact encodings (listpack, ziplist, intset, zipmap), value
// encoding/decoding round trips, DUMP payload envelopes, and corrupt input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/crc64.h"
#include "engine/lzf.h"
#include "engine/rdb_compact.h"
#include "engine/rdb_format.h"
#include "engine/rdb_value.h"

namespace redrock::engine {
namespace {

// Collects a decoded value.
struct Collect : ValueSink {
  ValueType type = ValueType::kString;
  uint64_t count = 0;
  std::vector<ValueElement> raw;
  std::vector<std::string> members, values;
  std::vector<double> scores;
  bool ended = false;
  Status Begin(ValueType t, uint64_t n) override {
    type = t;
    count = n;
    return Status::OK();
  }
  Status Add(const ValueElement& e) override {
    members.emplace_back(e.member);
    values.emplace_back(e.value);
    scores.push_back(e.score);
    return Status::OK();
  }
  Status End() override {
    ended = true;
    return Status::OK();
  }
};

std::vector<std::string> Walk(Status (*walk)(std::string_view, const BlobEntryFn&),
                              std::string_view blob, Status* st = nullptr) {
  std::vector<std::string> out;
  Status s = walk(blob, [&](std::string_view e) {
    out.emplace_back(e);
    return Status::OK();
  });
  if (st) *st = s;
  return out;
}

std::string LE(uint64_t v, int n) {
  std::string s;
  for (int i = 0; i < n; i++)
    s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}

TEST(Crc64, MatchesTheJonesCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789", 9), 0xe9c6d914c4b8d9caULL);
  // Incremental equals one shot, across the 8-byte fast path boundary.
  std::string data(1000, 'x');
  for (size_t i = 0; i < data.size(); i++)
    data[i] = static_cast<char>(i * 7);
  uint64_t whole = Crc64(0, data.data(), data.size());
  uint64_t parts = Crc64(Crc64(0, data.data(), 13), data.data() + 13, data.size() - 13);
  EXPECT_EQ(whole, parts);
}

TEST(Lzf, RoundTripsAndRejectsGarbage) {
  std::string text;
  for (int i = 0; i < 500; i++)
    text += "redrock stores redis values " + std::to_string(i % 17);
  std::string c, d;
  ASSERT_TRUE(LzfCompress(text, &c));
  EXPECT_LT(c.size(), text.size() / 3);
  ASSERT_TRUE(LzfDecompress(c, text.size(), &d).ok());
  EXPECT_EQ(d, text);
  // Wrong announced length, back-reference before the start, truncation.
  EXPECT_FALSE(LzfDecompress(c, text.size() + 1, &d).ok());
  EXPECT_FALSE(LzfDecompress(std::string("\x20\x05", 2), 4, &d).ok());
  EXPECT_FALSE(LzfDecompress(c.substr(0, c.size() / 2), text.size(), &d).ok());
  // Random bytes never crash.
  std::mt19937 rng(1);
  for (int i = 0; i < 2000; i++) {
    std::string junk(rng() % 40, '\0');
    for (char& ch : junk)
      ch = static_cast<char>(rng());
    (void)LzfDecompress(junk, rng() % 100, &d);
  }
}

TEST(Compact, ListpackEveryEncoding) {
  // Entries: 7-bit uint 5, 6-bit string "ab", 13-bit int -100, 16-bit int 1000, 32-bit
  // int -70000, 64-bit int 2^40, 12-bit string of 70 bytes.
  std::string body;
  auto add = [&](std::string enc) {
    size_t n = enc.size();
    body += enc;
    body.push_back(static_cast<char>(n));  // backlen (all entries here are < 128 bytes)
  };
  add("\x05");
  add("\x82"
      "ab");
  int v13 = -100 & 0x1fff;
  add(std::string{static_cast<char>(0xc0 | (v13 >> 8)), static_cast<char>(v13 & 0xff)});
  add("\xf1" + LE(1000, 2));
  add("\xf3" + LE(static_cast<uint32_t>(-70000), 4));
  add("\xf4" + LE(uint64_t{1} << 40, 8));
  std::string s70(70, 'q');
  add(std::string{static_cast<char>(0xe0), static_cast<char>(70)} + s70);
  std::string lp = LE(6 + body.size() + 1, 4) + LE(7, 2) + body + "\xff";
  Status st;
  auto out = Walk(WalkListpack, lp, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out,
            (std::vector<std::string>{"5", "ab", "-100", "1000", "-70000", "1099511627776", s70}));
  // Wrong count, wrong size, missing terminator, overflowing entry.
  std::string bad = lp;
  bad[4] = 3;
  Walk(WalkListpack, bad, &st);
  EXPECT_FALSE(st.ok());
  bad = lp;
  bad[0] = 9;
  Walk(WalkListpack, bad, &st);
  EXPECT_FALSE(st.ok());
  EXPECT_FALSE(WalkListpack(lp.substr(0, lp.size() - 1), [](std::string_view) {
                 return Status::OK();
               }).ok());
}

TEST(Compact, ZiplistEveryEncoding) {
  std::string body;
  std::string prev_entry;
  auto add = [&](std::string enc) {
    std::string e;
    e.push_back(static_cast<char>(prev_entry.size()));
    e += enc;
    body += e;
    prev_entry = e;
  };
  add("\x03"
      "abc");
  add("\xc0" + LE(static_cast<uint16_t>(-2), 2));
  add("\xd0" + LE(100000, 4));
  add("\xe0" + LE(static_cast<uint64_t>(-5), 8));
  add("\xf0" + LE(0x7fffff, 3));
  add("\xfe" + LE(static_cast<uint8_t>(-7), 1));
  add("\xf1");  // immediate 0
  add("\xfd");  // immediate 12
  std::string zl = LE(10 + body.size() + 1, 4) + LE(0, 4) + LE(8, 2) + body + "\xff";
  Status st;
  auto out = Walk(WalkZiplist, zl, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(out,
            (std::vector<std::string>{"abc", "-2", "100000", "-5", "8388607", "-7", "0", "12"}));
}

TEST(Compact, IntsetAndZipmap) {
  std::string is =
      LE(4, 4) + LE(3, 4) + LE(static_cast<uint32_t>(-9), 4) + LE(7, 4) + LE(100000, 4);
  Status st;
  EXPECT_EQ(Walk(WalkIntset, is, &st), (std::vector<std::string>{"-9", "7", "100000"}));
  ASSERT_TRUE(st.ok());
  std::string unsorted = LE(2, 4) + LE(2, 4) + LE(5, 2) + LE(3, 2);
  Walk(WalkIntset, unsorted, &st);
  EXPECT_FALSE(st.ok());
  // count, (1)"f" (2, free 1)"vv" + 1 free byte, (2)"gg" (0, free 0)"", end.
  const char kZipmap[] =
      "\x02\x01"
      "f"
      "\x02\x01"
      "vv"
      "x"
      "\x02"
      "gg"
      "\x00\x00"
      "\xff";
  std::string zm(kZipmap, sizeof(kZipmap) - 1);
  EXPECT_EQ(Walk(WalkZipmap, zm, &st), (std::vector<std::string>{"f", "vv", "gg", ""}));
  ASSERT_TRUE(st.ok()) << st.ToString();
}

std::string Encode(ValueType type, const std::vector<ValueElement>& elems) {
  std::string out;
  RdbValueWriter w(&out);
  EXPECT_TRUE(w.Begin(type, elems.size()).ok());
  for (const auto& e : elems)
    EXPECT_TRUE(w.Add(e).ok());
  EXPECT_TRUE(w.End().ok());
  return out;
}

Status Decode(std::string_view bytes, Collect* c) {
  StringRdbInput in(bytes);
  uint8_t type;
  REDROCK_RETURN_IF_ERROR(in.ReadByte(&type));
  return DecodeRdbValue(type, &in, c);
}

TEST(RdbValue, RoundTripsEveryType) {
  std::string binary("\0\x01\xff\r\n", 5);
  std::string big(100000, 'z');
  {
    Collect c;
    ASSERT_TRUE(Decode(Encode(ValueType::kString, {{binary, {}, 0}}), &c).ok());
    EXPECT_EQ(c.members, std::vector<std::string>{binary});
  }
  for (std::string s : {"0", "-1", "127", "-129", "40000", "-2147483648", "2147483648", "012",
                        "9223372036854775807"}) {
    Collect c;
    ASSERT_TRUE(Decode(Encode(ValueType::kString, {{s, {}, 0}}), &c).ok());
    EXPECT_EQ(c.members[0], s);
  }
  {
    Collect c;
    ASSERT_TRUE(
        Decode(Encode(ValueType::kList, {{"a", {}, 0}, {big, {}, 0}, {binary, {}, 0}}), &c).ok());
    EXPECT_EQ(c.type, ValueType::kList);
    EXPECT_EQ(c.members, (std::vector<std::string>{"a", big, binary}));
  }
  {
    Collect c;
    ASSERT_TRUE(Decode(Encode(ValueType::kHash, {{"f", binary, 0}, {"g", "1", 0}}), &c).ok());
    EXPECT_EQ(c.values, (std::vector<std::string>{binary, "1"}));
  }
  {
    Collect c;
    ASSERT_TRUE(
        Decode(Encode(ValueType::kZSet, {{"a", {}, -INFINITY}, {"b", {}, 0.1}, {"c", {}, 1e300}}),
               &c)
            .ok());
    EXPECT_EQ(c.scores, (std::vector<double>{-INFINITY, 0.1, 1e300}));
  }
}

TEST(RdbValue, DecodesRedisCompactTypes) {
  // A hash listpack as Redis 7.0 writes it: f1=v1 f2=7.
  std::string body;
  auto str = [&](std::string s) {
    body.push_back(static_cast<char>(0x80 | s.size()));
    body += s;
    body.push_back(static_cast<char>(1 + s.size()));
  };
  str("f1");
  str("v1");
  str("f2");
  body += "\x07\x01";
  std::string lp = LE(6 + body.size() + 1, 4) + LE(4, 2) + body + "\xff";
  std::string v;
  v.push_back(static_cast<char>(kRdbHashListpack));
  PutRdbLength(&v, lp.size());
  v += lp;
  Collect c;
  ASSERT_TRUE(Decode(v, &c).ok());
  EXPECT_EQ(c.type, ValueType::kHash);
  EXPECT_EQ(c.count, 2u);
  EXPECT_EQ(c.members, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_EQ(c.values, (std::vector<std::string>{"v1", "7"}));
  // The same listpack as a sorted set: "v1" is not a score.
  v[0] = static_cast<char>(kRdbZSetListpack);
  Collect z;
  EXPECT_FALSE(Decode(v, &z).ok());
  // A stream is refused with a clear message.
  Collect s;
  Status st = Decode(std::string(1, static_cast<char>(kRdbStreamListpacks2)), &s);
  EXPECT_NE(st.message().find("stream"), std::string::npos);
}

TEST(RdbValue, LzfStringsDecode) {
  std::string text(300, 'a');
  for (size_t i = 0; i < text.size(); i += 7)
    text[i] = 'b';
  std::string c;
  ASSERT_TRUE(LzfCompress(text, &c));
  std::string v(1, static_cast<char>(kRdbString));
  v.push_back(static_cast<char>(0xc3));
  PutRdbLength(&v, c.size());
  PutRdbLength(&v, text.size());
  v += c;
  Collect col;
  ASSERT_TRUE(Decode(v, &col).ok());
  EXPECT_EQ(col.members[0], text);
}

TEST(DumpPayload, FooterIsCheckedAndCorruptionNeverCrashes) {
  std::string p = Encode(ValueType::kHash, {{"field", "value", 0}, {"n", "12345", 0}});
  FinishDumpPayload(&p);
  EXPECT_TRUE(VerifyDumpPayload(p));
  std::string flipped = p;
  flipped[3] ^= 0x10;
  EXPECT_FALSE(VerifyDumpPayload(flipped));
  std::string newer = p;
  newer[newer.size() - 10] = 99;
  EXPECT_FALSE(VerifyDumpPayload(newer));
  EXPECT_FALSE(VerifyDumpPayload(p.substr(0, 9)));
  // Every truncation and every single-byte flip of the body: an error or a value, no crash.
  std::string body = p.substr(0, p.size() - 10);
  for (size_t cut = 0; cut < body.size(); cut++) {
    Collect c;
    EXPECT_FALSE(Decode(body.substr(0, cut), &c).ok()) << cut;
  }
  std::mt19937 rng(7);
  for (size_t i = 0; i < body.size(); i++) {
    for (int k = 0; k < 8; k++) {
      std::string b = body;
      b[i] = static_cast<char>(rng());
      Collect c;
      (void)Decode(b, &c);
    }
  }
}

}  // namespace
}  // namespace redrock::engine
