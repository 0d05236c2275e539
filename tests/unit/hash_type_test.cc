// HashType on a real RocksDB in a temporary directory: field semantics, counters, encodings,
// ordering, WRONGTYPE, removal of empty hashes, scans and big hashes.
#include "engine/hash_type.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "engine/engine.h"
#include "engine/key_format.h"
#include "engine/keyspace.h"
#include "engine/string_type.h"
#include "engine/transaction.h"
#include "tests/unit/member_scan_util.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

class HashTypeTest : public testing::EngineTest {
 protected:
  HashType hashes() { return HashType(engine_.get()); }

  int64_t HSet(std::string_view key, const HashType::FieldValues& fvs) {
    int64_t added = -1;
    Status s = hashes().Set(0, key, fvs, &added);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return added;
  }

  std::optional<std::string> HGet(std::string_view key, std::string_view field) {
    std::optional<std::string> v;
    Status s = hashes().Get(0, key, field, &v);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    return v;
  }

  uint64_t HLen(std::string_view key) {
    uint64_t n = 0;
    Status s = hashes().Len(0, key, &n);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    return n;
  }

  std::map<std::string, std::string> HGetAll(std::string_view key) {
    std::map<std::string, std::string> out;
    uint64_t announced = 0;
    std::vector<std::string> order;
    Status s = hashes().GetAll(
        0, key, true, [&](uint64_t n) { announced = n; },
        [&](std::string_view f, std::string_view v) {
          order.emplace_back(f);
          out.emplace(std::string(f), std::string(v));
        });
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    EXPECT_EQ(announced, out.size());
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));  // field byte order
    return out;
  }

  std::string Encoding(std::string_view key) {
    MetaRecord meta;
    EXPECT_TRUE(Keyspace(engine_.get()).GetLive(0, key, &meta).ok());
    return HashType::Encoding(meta);
  }
};

TEST_F(HashTypeTest, SetCountsNewFieldsAndLastDuplicateWins) {
  EXPECT_EQ(HSet("h", {{"a", "1"}, {"b", "2"}, {"a", "3"}}), 2);
  EXPECT_EQ(HGet("h", "a"), "3");
  EXPECT_EQ(HLen("h"), 2u);
  EXPECT_EQ(HSet("h", {{"a", "4"}, {"c", "5"}}), 1);
  EXPECT_EQ(HLen("h"), 3u);
  EXPECT_EQ(HGet("h", "missing"), std::nullopt);
  EXPECT_EQ(HGet("nokey", "a"), std::nullopt);
  std::optional<std::string> v;
  EXPECT_TRUE(hashes().Get(0, "nokey", "a", &v).IsNotFound());
  EXPECT_EQ(engine_->KeyCount(0), 1);
}

TEST_F(HashTypeTest, BinaryFieldsKeepByteOrder) {
  std::string zero("\0a", 2), high("\xff", 1);
  HSet("h", {{high, "hi"}, {zero, "z"}, {"", "empty"}, {"a", std::string("\0\r\n", 3)}});
  auto all = HGetAll("h");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[""], "empty");
  EXPECT_EQ(all[zero], "z");
  EXPECT_EQ(all[high], "hi");
  EXPECT_EQ(all["a"], std::string("\0\r\n", 3));
  // A key that is a prefix of another keeps its own fields (the key length is in the prefix).
  HSet("h2", {{"x", "1"}});
  HSet("h", {{"y", "2"}});
  EXPECT_EQ(HGetAll("h2").size(), 1u);
}

TEST_F(HashTypeTest, SetNxMGetExistsStrLen) {
  bool applied = false;
  ASSERT_TRUE(hashes().SetNx(0, "h", "f", "v", &applied).ok());
  EXPECT_TRUE(applied);
  ASSERT_TRUE(hashes().SetNx(0, "h", "f", "w", &applied).ok());
  EXPECT_FALSE(applied);
  EXPECT_EQ(HGet("h", "f"), "v");
  std::vector<std::optional<std::string>> values;
  ASSERT_TRUE(hashes().MGet(0, "h", {"f", "x", "f"}, &values).ok());
  EXPECT_EQ(values, (std::vector<std::optional<std::string>>{"v", std::nullopt, "v"}));
  EXPECT_TRUE(hashes().MGet(0, "nokey", {"f"}, &values).IsNotFound());
  bool exists = false;
  ASSERT_TRUE(hashes().Exists(0, "h", "f", &exists).ok());
  EXPECT_TRUE(exists);
  ASSERT_TRUE(hashes().Exists(0, "h", "g", &exists).ok());
  EXPECT_FALSE(exists);
  int64_t len = -1;
  ASSERT_TRUE(hashes().StrLen(0, "h", "f", &len).ok());
  EXPECT_EQ(len, 1);
  ASSERT_TRUE(hashes().StrLen(0, "h", "g", &len).ok());
  EXPECT_EQ(len, 0);
}

TEST_F(HashTypeTest, DeleteRemovesTheKeyWithItsLastField) {
  HSet("h", {{"a", "1"}, {"b", "2"}});
  int64_t removed = -1;
  ASSERT_TRUE(hashes().Delete(0, "h", {"a", "a", "zz"}, &removed).ok());
  EXPECT_EQ(removed, 1);
  EXPECT_EQ(HLen("h"), 1u);
  ASSERT_TRUE(hashes().Delete(0, "h", {"zz"}, &removed).ok());
  EXPECT_EQ(removed, 0);
  ASSERT_TRUE(hashes().Delete(0, "h", {"b"}, &removed).ok());
  EXPECT_EQ(removed, 1);
  ValueType type;
  EXPECT_TRUE(Keyspace(engine_.get()).Type(0, "h", &type).IsNotFound());
  EXPECT_EQ(engine_->KeyCount(0), 0);
  EXPECT_TRUE(hashes().Delete(0, "h", {"b"}, &removed).IsNotFound());
  // Re-created: a fresh version, none of the old fields.
  HSet("h", {{"c", "3"}});
  EXPECT_EQ(HGetAll("h"), (std::map<std::string, std::string>{{"c", "3"}}));
}

TEST_F(HashTypeTest, WrongType) {
  SetOptions o;
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "s", "v", o, &applied, &old).ok());
  int64_t n;
  bool b;
  uint64_t u;
  std::optional<std::string> v;
  std::string str;
  EXPECT_TRUE(hashes().Set(0, "s", {{"a", "1"}}, &n).IsWrongType());
  EXPECT_TRUE(hashes().SetNx(0, "s", "a", "1", &b).IsWrongType());
  EXPECT_TRUE(hashes().Get(0, "s", "a", &v).IsWrongType());
  EXPECT_TRUE(hashes().Len(0, "s", &u).IsWrongType());
  EXPECT_TRUE(hashes().Delete(0, "s", {"a"}, &n).IsWrongType());
  EXPECT_TRUE(hashes().IncrBy(0, "s", "a", 1, &n).IsWrongType());
  EXPECT_TRUE(hashes().IncrByFloat(0, "s", "a", 1, &str).IsWrongType());
  std::vector<SampledMember> sample;
  EXPECT_TRUE(hashes().RandomFields(0, "s", 1, false, &sample).IsWrongType());
  EXPECT_TRUE(hashes()
                  .GetAll(
                      0, "s", true, [](uint64_t) {}, [](std::string_view, std::string_view) {})
                  .IsWrongType());
  std::string value;
  ASSERT_TRUE(StringType(engine_.get()).Get(0, "s", &value).ok());
  EXPECT_EQ(value, "v");  // untouched
}

TEST_F(HashTypeTest, IncrByAndIncrByFloat) {
  int64_t r;
  ASSERT_TRUE(hashes().IncrBy(0, "h", "n", 5, &r).ok());
  EXPECT_EQ(r, 5);
  ASSERT_TRUE(hashes().IncrBy(0, "h", "n", -7, &r).ok());
  EXPECT_EQ(r, -2);
  EXPECT_EQ(HLen("h"), 1u);
  HSet("h", {{"max", "9223372036854775807"}, {"txt", "abc"}, {"sp", " 1"}});
  Status s = hashes().IncrBy(0, "h", "max", 1, &r);
  EXPECT_EQ(s.message(), "ERR increment or decrement would overflow");
  s = hashes().IncrBy(0, "h", "txt", 1, &r);
  EXPECT_EQ(s.message(), "ERR hash value is not an integer");
  s = hashes().IncrBy(0, "h", "sp", 1, &r);
  EXPECT_EQ(s.message(), "ERR hash value is not an integer");

  std::string f;
  ASSERT_TRUE(hashes().IncrByFloat(0, "h", "fl", 10.5L, &f).ok());
  EXPECT_EQ(f, "10.5");
  ASSERT_TRUE(hashes().IncrByFloat(0, "h", "fl", 0.1L, &f).ok());
  EXPECT_EQ(f, "10.6");
  EXPECT_EQ(HGet("h", "fl"), "10.6");
  ASSERT_TRUE(hashes().IncrByFloat(0, "h", "n", 2.0L, &f).ok());  // integer text is a float
  EXPECT_EQ(f, "0");
  s = hashes().IncrByFloat(0, "h", "txt", 1, &f);
  EXPECT_EQ(s.message(), "ERR hash value is not a float");
  HSet("h", {{"big", "1e4932"}});
  s = hashes().IncrByFloat(0, "h", "big", 1e4932L, &f);
  EXPECT_EQ(s.message(), "ERR increment would produce NaN or Infinity");
}

TEST_F(HashTypeTest, EncodingFollowsRedisThresholdsAndIsSticky) {
  EXPECT_EQ(HashEncodingLimits().max_listpack_entries, 512u);  // Redis 7.0's built-in default
  EXPECT_EQ(HashEncodingLimits().max_listpack_value, 64u);
  HashEncodingLimits limits;
  limits.max_listpack_entries = 128;  // redis.conf's value
  int64_t added;
  HSet("h", {{"a", std::string(64, 'x')}});
  EXPECT_EQ(Encoding("h"), "listpack");
  HSet("h", {{"b", std::string(65, 'x')}});
  EXPECT_EQ(Encoding("h"), "hashtable");
  int64_t removed;
  ASSERT_TRUE(hashes().Delete(0, "h", {"b"}, &removed).ok());
  EXPECT_EQ(Encoding("h"), "hashtable");  // never back

  HashType::FieldValues fvs;
  std::vector<std::string> names;
  for (int i = 0; i < 129; i++)
    names.push_back("f" + std::to_string(i));
  for (int i = 0; i < 128; i++)
    fvs.emplace_back(names[i], "v");
  ASSERT_TRUE(HashType(engine_.get(), limits).Set(0, "many", fvs, &added).ok());
  EXPECT_EQ(Encoding("many"), "listpack");
  ASSERT_TRUE(HashType(engine_.get(), limits).Set(0, "many", {{names[128], "v"}}, &added).ok());
  EXPECT_EQ(Encoding("many"), "hashtable");
  HSet("many512", fvs);
  HSet("many512", {{names[128], "v"}});
  EXPECT_EQ(Encoding("many512"), "listpack");

  // A long field name, a long HINCRBYFLOAT result; HSETNX on an existing field converts
  // nothing.
  std::string r;
  ASSERT_TRUE(hashes().IncrByFloat(0, "f", "x", 1e100L, &r).ok());
  EXPECT_EQ(Encoding("f"), "hashtable");
  bool applied;
  HSet("nx", {{"a", "1"}});
  ASSERT_TRUE(hashes().SetNx(0, "nx", "a", std::string(100, 'y'), &applied).ok());
  EXPECT_EQ(Encoding("nx"), "listpack");
  ASSERT_TRUE(hashes().SetNx(0, "nx", "b", std::string(100, 'y'), &applied).ok());
  EXPECT_EQ(Encoding("nx"), "hashtable");
}

TEST_F(HashTypeTest, ExpiredHashIsGoneAndRecreatedEmpty) {
  HSet("h", {{"a", "1"}, {"b", "2"}});
  bool applied;
  ASSERT_TRUE(Keyspace(engine_.get()).Expire(0, "h", NowMs() + 30, {}, &applied).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(HGet("h", "a"), std::nullopt);
  EXPECT_EQ(HLen("h"), 0u);
  EXPECT_EQ(HSet("h", {{"c", "3"}}), 1);
  EXPECT_EQ(HGetAll("h"), (std::map<std::string, std::string>{{"c", "3"}}));
  int64_t ttl;
  ASSERT_TRUE(Keyspace(engine_.get()).Ttl(0, "h", &ttl).ok());
  EXPECT_EQ(ttl, -1);
}

TEST_F(HashTypeTest, CopyAndRenameCarryTheFields) {
  HSet("h", {{"a", "1"}, {"b", std::string(100, 'z')}});
  bool applied;
  ASSERT_TRUE(Keyspace(engine_.get()).Copy(0, "h", 1, "c", false, &applied).ok());
  ASSERT_TRUE(Keyspace(engine_.get()).Rename(0, "h", "r", false, &applied).ok());
  EXPECT_EQ(HGetAll("r").size(), 2u);
  EXPECT_EQ(Encoding("r"), "hashtable");
  std::optional<std::string> v;
  ASSERT_TRUE(hashes().Get(1, "c", "a", &v).ok());
  EXPECT_EQ(v, "1");
  EXPECT_EQ(HLen("h"), 0u);
}

TEST_F(HashTypeTest, TransactionSeesItsOwnPendingFields) {
  {
    // Other keys' pending members sort before and after h's: reads must stay within h.
    Transaction txn(engine_.get(), {{0, "h"}, {0, "a"}, {0, "z"}});
    HSet("a", {{"x", "1"}, {"y", "2"}});
    HSet("z", {{"x", "1"}});
    EXPECT_EQ(HSet("h", {{"a", "1"}}), 1);
    EXPECT_EQ(HSet("h", {{"a", "2"}, {"b", "3"}}), 1);  // sees "a" pending
    EXPECT_EQ(HGet("h", "a"), "2");
    EXPECT_EQ(HGetAll("h"), (std::map<std::string, std::string>{{"a", "2"}, {"b", "3"}}));
    std::vector<SampledMember> sample;
    ASSERT_TRUE(hashes().RandomFields(0, "h", 5, true, &sample).ok());
    EXPECT_EQ(sample.size(), 2u);
    MemberPage page;
    uint64_t version;
    ASSERT_TRUE(
        hashes()
            .Scan(
                0, "h", [](uint64_t) { return std::nullopt; }, 10, std::nullopt, &page, &version)
            .ok());
    EXPECT_EQ(page.items.size(), 2u);
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(HLen("h"), 2u);
  EXPECT_EQ(HGetAll("h").size(), 2u);
}

TEST_F(HashTypeTest, ScanPagesVisitEveryFieldOnce) {
  // Compact hashes come back whole, whatever the position and count.
  HSet("small", {{"a", "1"}, {"b", "2"}, {"c", "3"}});
  MemberPage page;
  uint64_t version = 0;
  auto from = [](std::optional<std::string> pos) { return [pos](uint64_t) { return pos; }; };
  ASSERT_TRUE(hashes().Scan(0, "small", from("b"), 1, std::nullopt, &page, &version).ok());
  EXPECT_EQ(page.items.size(), 3u);
  EXPECT_FALSE(page.next.has_value());
  EXPECT_NE(version, 0u);

  HashType::FieldValues fvs;
  std::vector<std::string> names, values;
  for (int i = 0; i < 600; i++) {
    names.push_back("field:" + std::to_string(i));
    values.push_back(names.back() + "!");
  }
  for (int i = 0; i < 600; i++)
    fvs.emplace_back(names[i], values[i]);
  HSet("big", fvs);
  std::multiset<std::string> seen;
  std::optional<std::string> pos;
  int calls = 0;
  do {
    ASSERT_TRUE(hashes().Scan(0, "big", from(pos), 37, std::nullopt, &page, &version).ok());
    EXPECT_LE(page.items.size(), 37u);
    for (auto& [f, v] : page.items) {
      EXPECT_EQ(v, f + "!");
      seen.insert(f);
    }
    pos = page.next;
    calls++;
  } while (pos && calls < 100);
  EXPECT_EQ(seen.size(), 600u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 600u);
  EXPECT_EQ(calls, 17);  // ceil(600 / 37): the last page ends the scan, no empty page after

  ASSERT_TRUE(
      hashes()
          .Scan(0, "big", from(std::nullopt), 1000, std::string_view("field:1?"), &page, &version)
          .ok());
  EXPECT_EQ(page.items.size(), 10u);
  EXPECT_FALSE(page.next.has_value());
  EXPECT_EQ(Encoding("big"), "hashtable");
}

TEST_F(HashTypeTest, ScanPagesEndingAtTheEmptyFieldGoOn) {
  // "" is a legal field and the first in byte order: a page that ends on it must hand out a
  // cursor that resumes after it, not one that reads as "scan over" or "start again".
  std::vector<std::string> names = {""};
  for (int i = 0; i < 600; i++)  // past the default 512 listpack entries: paged by count
    names.push_back("f" + std::to_string(i));
  HashType::FieldValues fvs;  // views into `names`
  for (const std::string& n : names)
    fvs.emplace_back(n, "v");
  HSet("h", fvs);
  ASSERT_EQ(Encoding("h"), "hashtable");
  std::sort(names.begin(), names.end());
  for (size_t count : {1, 2, 3, 7, 600, 601, 602, 1000}) {
    size_t calls;
    std::vector<std::string> seen =
        testing::DrainMemberScan([&](const auto&... a) { return hashes().Scan(0, "h", a...); },
                                 count, names.size() + 1, &calls);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, names) << "count " << count;  // each field once
    EXPECT_EQ(calls, (names.size() + count - 1) / count) << "count " << count;
  }
}

TEST_F(HashTypeTest, BigHashStaysFastAndBounded) {
  auto start = std::chrono::steady_clock::now();
  const int kFields = 100000;
  std::vector<std::string> names;
  names.reserve(1000);
  for (int batch = 0; batch < kFields / 1000; batch++) {
    names.clear();
    HashType::FieldValues fvs;
    for (int i = 0; i < 1000; i++)
      names.push_back("f" + std::to_string(batch * 1000 + i));
    for (const auto& n : names)
      fvs.emplace_back(n, "v");
    ASSERT_EQ(HSet("big", fvs), 1000);
  }
  EXPECT_EQ(HLen("big"), static_cast<uint64_t>(kFields));
  uint64_t streamed = 0;
  ASSERT_TRUE(hashes()
                  .GetAll(
                      0, "big", false, [](uint64_t) {},
                      [&](std::string_view, std::string_view) { streamed++; })
                  .ok());
  EXPECT_EQ(streamed, static_cast<uint64_t>(kFields));
  std::vector<SampledMember> sample;
  ASSERT_TRUE(hashes().RandomFields(0, "big", 10, true, &sample).ok());
  EXPECT_EQ(sample.size(), 10u);
  for (const auto& m : sample)
    EXPECT_EQ(m.value, "v");
  uint64_t draws = 0;
  ASSERT_TRUE(hashes()
                  .RandomFieldsWithRepeats(
                      0, "big", 1000, false, [](uint64_t) {},
                      [&](std::string_view, std::string_view) { draws++; })
                  .ok());
  EXPECT_EQ(draws, 1000u);
  // DEL is O(1): only the meta record goes.
  int64_t deleted;
  ASSERT_TRUE(Keyspace(engine_.get()).Delete(0, {"big"}, &deleted).ok());
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(HLen("big"), 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

}  // namespace
}  // namespace redrock::engine
