// Key encoding: round trips, and byte order = logical order.
#include "engine/key_format.h"

#include <gtest/gtest.h>

#include "engine/coding.h"

namespace redrock::engine {

TEST(Coding, FixedWidthRoundTripAndOrder) {
  std::string a, b;
  PutFixed64(&a, 255);
  PutFixed64(&b, 256);
  EXPECT_LT(a, b);  // big-endian: numeric order is byte order
  std::string_view in(a);
  uint64_t v;
  ASSERT_TRUE(GetFixed64(&in, &v));
  EXPECT_EQ(v, 255u);
  EXPECT_TRUE(in.empty());
  EXPECT_FALSE(GetFixed64(&in, &v));
  std::string c;
  PutFixed32(&c, 0xdeadbeef);
  PutFixed16(&c, 0xabcd);
  EXPECT_EQ(DecodeFixed32(c.data()), 0xdeadbeefu);
  EXPECT_EQ(DecodeFixed16(c.data() + 4), 0xabcd);
}

TEST(KeyFormat, MetaKeyRoundTripIsBinarySafe) {
  std::string key("a\0b\xff", 4);
  std::string encoded = MetaKey(3, key);
  int db;
  std::string_view parsed;
  ASSERT_TRUE(ParseMetaKey(encoded, &db, &parsed));
  EXPECT_EQ(db, 3);
  EXPECT_EQ(parsed, key);
}

TEST(KeyFormat, MetaKeysGroupByDbThenKey) {
  EXPECT_LT(MetaKey(0, "zzz"), MetaKey(1, ""));
  EXPECT_LT(MetaKey(1, "a"), MetaKey(1, "b"));
  EXPECT_LT(MetaKey(1, "a"), MetaKey(1, std::string("a\0", 2)));
  EXPECT_LT(MetaKey(15, "\xff\xff"), DbPrefix(16));
  EXPECT_GE(MetaKey(15, ""), DbPrefix(15));
}

TEST(KeyFormat, ExpireKeysOrderByTimeWithinDb) {
  EXPECT_LT(ExpireKey(0, 1000, "zzz"), ExpireKey(0, 1001, "a"));
  EXPECT_LT(ExpireKey(0, UINT64_MAX, "a"), ExpireKey(1, 0, "a"));
  int db;
  uint64_t ms;
  std::string_view key;
  ASSERT_TRUE(ParseExpireKey(ExpireKey(7, 123456789, "k"), &db, &ms, &key));
  EXPECT_EQ(db, 7);
  EXPECT_EQ(ms, 123456789u);
  EXPECT_EQ(key, "k");
}

TEST(KeyFormat, DataKeyPrefixSeparatesKeysThatArePrefixesOfEachOther) {
  // "ab" version 1 must not share a prefix with "a" + anything: the length field sees to it.
  std::string a = DataPrefix(0, "a", 1);
  std::string ab = DataPrefix(0, "ab", 1);
  EXPECT_NE(ab.compare(0, a.size(), a), 0);
  int db;
  std::string_view key, sub;
  uint64_t version;
  std::string full = ab + "field";
  ASSERT_TRUE(ParseDataKey(full, &db, &key, &version, &sub));
  EXPECT_EQ(key, "ab");
  EXPECT_EQ(version, 1u);
  EXPECT_EQ(sub, "field");
  EXPECT_FALSE(ParseDataKey(std::string("\0\0\0\0\0\x09xx", 8), &db, &key, &version, &sub));
}

TEST(KeyFormat, StringMetaRoundTrip) {
  MetaRecord m;
  m.type = ValueType::kString;
  m.expire_ms = 1700000000123;
  m.flags = kMetaRawString;
  m.value = std::string("v\0\r\n", 4);
  MetaRecord out;
  ASSERT_TRUE(DecodeMeta(EncodeMeta(m), &out).ok());
  EXPECT_EQ(out.type, ValueType::kString);
  EXPECT_EQ(out.expire_ms, m.expire_ms);
  EXPECT_EQ(out.flags, kMetaRawString);
  EXPECT_EQ(out.value, m.value);
  uint64_t expire;
  ASSERT_TRUE(PeekMetaExpire(EncodeMeta(m), &expire));
  EXPECT_EQ(expire, m.expire_ms);
}

TEST(KeyFormat, CollectionMetaRoundTrip) {
  MetaRecord m;
  m.type = ValueType::kHash;
  m.version = 42;
  m.size = 1000000;
  MetaRecord out;
  ASSERT_TRUE(DecodeMeta(EncodeMeta(m), &out).ok());
  EXPECT_EQ(out.type, ValueType::kHash);
  EXPECT_EQ(out.version, 42u);
  EXPECT_EQ(out.size, 1000000u);
  EXPECT_EQ(out.expire_ms, 0u);
}

TEST(KeyFormat, CorruptMetaIsRejected) {
  MetaRecord out;
  EXPECT_EQ(DecodeMeta("abc", &out).code(), Status::Code::kCorruption);
  std::string bad = EncodeMeta(MetaRecord());
  bad[0] = 99;
  EXPECT_EQ(DecodeMeta(bad, &out).code(), Status::Code::kCorruption);
  MetaRecord hash;
  hash.type = ValueType::kSet;
  std::string truncated = EncodeMeta(hash).substr(0, kMetaHeaderSize + 3);
  EXPECT_EQ(DecodeMeta(truncated, &out).code(), Status::Code::kCorruption);
}

}  // namespace redrock::engine
