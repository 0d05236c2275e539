// Engine, keyspace and string operations on a real RocksDB in a temporary directory.
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include <rocksdb/db.h>
#include <rocksdb/metadata.h>

#include "engine/key_format.h"
#include "engine/keyspace.h"
#include "engine/string_type.h"
#include "engine/write_batch.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions opts;
    opts.dir = dir_.path() + "/db";
    opts.active_expire_hz = 0;  // tests drive the expiry cycle themselves
    ASSERT_TRUE(Engine::Open(opts, &engine_).ok());
  }

  void Set(int db, std::string_view key, std::string_view value, uint64_t expire_ms = 0) {
    SetOptions o;
    o.expire_ms = expire_ms;
    bool applied;
    std::optional<std::string> old;
    ASSERT_TRUE(strings().Set(db, key, value, o, &applied, &old).ok());
    ASSERT_TRUE(applied);
  }

  std::optional<std::string> Get(int db, std::string_view key) {
    std::string v;
    Status s = strings().Get(db, key, &v);
    if (s.IsNotFound()) return std::nullopt;
    EXPECT_TRUE(s.ok()) << s.ToString();
    return v;
  }

  StringType strings() { return StringType(engine_.get()); }
  Keyspace keyspace() { return Keyspace(engine_.get()); }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(EngineTest, SetGetAndOverwrite) {
  EXPECT_EQ(Get(0, "k"), std::nullopt);
  Set(0, "k", "v1");
  Set(0, "k", "v2");
  EXPECT_EQ(Get(0, "k"), "v2");
  EXPECT_EQ(Get(1, "k"), std::nullopt);  // databases are separate
  EXPECT_EQ(engine_->KeyCount(0), 1);
}

TEST_F(EngineTest, SetConditionsAndGetOption) {
  SetOptions nx;
  nx.condition = SetOptions::Condition::kNX;
  nx.get = true;
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(strings().Set(0, "k", "a", nx, &applied, &old).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(old, std::nullopt);
  ASSERT_TRUE(strings().Set(0, "k", "b", nx, &applied, &old).ok());
  EXPECT_FALSE(applied);
  EXPECT_EQ(old, "a");
  SetOptions xx;
  xx.condition = SetOptions::Condition::kXX;
  ASSERT_TRUE(strings().Set(0, "missing", "b", xx, &applied, &old).ok());
  EXPECT_FALSE(applied);
  EXPECT_EQ(Get(0, "missing"), std::nullopt);
}

TEST_F(EngineTest, KeepTtlAndPastExpireDeletes) {
  uint64_t later = NowMs() + 100000;
  Set(0, "k", "v", later);
  SetOptions keep;
  keep.keep_ttl = true;
  bool applied;
  std::optional<std::string> old;
  ASSERT_TRUE(strings().Set(0, "k", "v2", keep, &applied, &old).ok());
  int64_t when;
  ASSERT_TRUE(keyspace().ExpireTime(0, "k", &when).ok());
  EXPECT_EQ(when, static_cast<int64_t>(later));
  SetOptions past;
  past.expire_ms = NowMs() - 1000;
  ASSERT_TRUE(strings().Set(0, "k", "v3", past, &applied, &old).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(Get(0, "k"), std::nullopt);
  EXPECT_EQ(engine_->KeyCount(0), 0);
  EXPECT_EQ(engine_->ExpireCount(0), 0);
}

TEST_F(EngineTest, ExpiredKeysAreInvisibleAtOnce) {
  Set(0, "k", "v", NowMs() + 30);
  EXPECT_EQ(Get(0, "k"), "v");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(Get(0, "k"), std::nullopt);
  int64_t ttl;
  ASSERT_TRUE(keyspace().Ttl(0, "k", &ttl).ok());
  EXPECT_EQ(ttl, -2);
  int64_t n;
  ASSERT_TRUE(keyspace().Exists(0, {"k"}, &n).ok());
  EXPECT_EQ(n, 0);
  // The read that found it expired also removed it, as Redis does on access.
  EXPECT_EQ(engine_->KeyCount(0), 0);
  EXPECT_EQ(engine_->ExpireCount(0), 0);
}

TEST_F(EngineTest, KeysThatExpiredWhileClosedAreGoneAfterReopen) {
  Set(0, "brief", "v", NowMs() + 20);
  Set(0, "lasting", "v", NowMs() + 100000);
  ASSERT_TRUE(engine_->Close().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EngineOptions opts = engine_->options();
  engine_.reset();
  ASSERT_TRUE(Engine::Open(opts, &engine_).ok());
  EXPECT_EQ(engine_->KeyCount(0), 1);
  EXPECT_EQ(engine_->ExpireCount(0), 1);
}

TEST_F(EngineTest, CountersAreExactAndSurviveReload) {
  for (int i = 0; i < 100; i++)
    Set(0, "k" + std::to_string(i), "v");
  for (int i = 0; i < 10; i++)
    Set(0, "t" + std::to_string(i), "v", NowMs() + 100000);
  for (int i = 0; i < 5; i++)
    Set(2, "x" + std::to_string(i), "v");
  int64_t deleted;
  ASSERT_TRUE(keyspace().Delete(0, {"k1", "k2", "k2", "nope", "t0"}, &deleted).ok());
  EXPECT_EQ(deleted, 3);
  bool applied;
  ASSERT_TRUE(keyspace().Persist(0, "t1", &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(engine_->KeyCount(0), 107);
  EXPECT_EQ(engine_->ExpireCount(0), 8);
  EXPECT_EQ(engine_->KeyCount(2), 5);
  ASSERT_TRUE(engine_->Reload().ok());
  EXPECT_EQ(engine_->KeyCount(0), 107);
  EXPECT_EQ(engine_->ExpireCount(0), 8);
  EXPECT_EQ(engine_->KeyCount(2), 5);
  EXPECT_EQ(Get(0, "k50"), "v");
}

TEST_F(EngineTest, ActiveExpiryRemovesKeysWithoutAccess) {
  uint64_t soon = NowMs() + 20;
  for (int i = 0; i < 50; i++)
    Set(0, "e" + std::to_string(i), "v", soon);
  Set(0, "stay", "v");
  EXPECT_EQ(engine_->KeyCount(0), 51);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_EQ(engine_->ExpireCycle(NowMs(), 1000), 50);
  EXPECT_EQ(engine_->KeyCount(0), 1);
  EXPECT_EQ(engine_->ExpireCount(0), 0);
  EXPECT_EQ(engine_->stats().expired_keys, 50u);
  bool present;
  MetaRecord meta;
  ASSERT_TRUE(keyspace().ReadMeta(0, "e7", &meta, &present).ok());
  EXPECT_FALSE(present);
}

TEST_F(EngineTest, ExpireCycleIgnoresEntriesOfChangedKeys) {
  uint64_t soon = NowMs() + 20;
  Set(0, "a", "v", soon);
  Set(0, "a", "v2", NowMs() + 100000);  // re-set with a later TTL before expiry
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_EQ(engine_->ExpireCycle(NowMs(), 1000), 0);
  EXPECT_EQ(Get(0, "a"), "v2");
  EXPECT_EQ(engine_->KeyCount(0), 1);
  EXPECT_EQ(engine_->ExpireCount(0), 1);
}

TEST_F(EngineTest, TtlFilterDropsExpiredRecordsAndCountersRecover) {
  Set(0, "gone", "v", NowMs() + 20);
  Set(0, "kept", "v");
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  ASSERT_TRUE(engine_->CompactAll().ok());
  MetaRecord meta;
  bool present;
  ASSERT_TRUE(keyspace().ReadMeta(0, "gone", &meta, &present).ok());
  EXPECT_FALSE(present) << "the compaction filter should have dropped the record";
  // Until the cycle sees the stale index entry, the key still counts (as in Redis, an expired
  // key counts until it is reclaimed).
  EXPECT_EQ(engine_->KeyCount(0), 2);
  // A writer re-creating the key in between must not confuse the counters.
  Set(0, "gone", "new");
  EXPECT_EQ(engine_->ExpireCycle(NowMs(), 1000), 0);
  EXPECT_EQ(engine_->stats().expired_stale_entries, 1u);
  EXPECT_EQ(engine_->KeyCount(0), 2);
  EXPECT_EQ(engine_->ExpireCount(0), 0);
  EXPECT_EQ(Get(0, "gone"), "new");
}

// An expired record removed by the filter in an upper level must not let an older value of
// the same key, sitting in a lower level, come back.
TEST_F(EngineTest, FilteredRecordDoesNotResurrectOlderValue) {
  rocksdb::DB* db = engine_->db();
  Set(0, "k", "old-value-without-ttl");
  ASSERT_TRUE(engine_->CompactAll().ok());  // old value now at the bottom level
  Set(0, "k", "new", NowMs() + 20);
  rocksdb::FlushOptions fo;
  ASSERT_TRUE(db->Flush(fo, engine_->meta_cf()).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(40));

  rocksdb::ColumnFamilyMetaData cf_meta;
  db->GetColumnFamilyMetaData(engine_->meta_cf(), &cf_meta);
  std::vector<std::string> l0_files;
  int bottom = -1;
  for (const auto& level : cf_meta.levels) {
    if (level.level == 0) {
      for (const auto& f : level.files)
        l0_files.push_back(f.name);
    } else if (!level.files.empty()) {
      bottom = level.level;
    }
  }
  ASSERT_EQ(l0_files.size(), 1u);
  ASSERT_GT(bottom, 1);
  // Partial compaction: only the new file, into a level above the old value.
  ASSERT_TRUE(
      db->CompactFiles(rocksdb::CompactionOptions(), engine_->meta_cf(), l0_files, bottom - 1)
          .ok());
  MetaRecord meta;
  bool present;
  ASSERT_TRUE(keyspace().ReadMeta(0, "k", &meta, &present).ok());
  EXPECT_FALSE(present) << "older value resurfaced: " << meta.value;
  ASSERT_TRUE(engine_->Reload().ok());
  EXPECT_EQ(Get(0, "k"), std::nullopt);
}

TEST_F(EngineTest, FlushDbIsPerDatabaseAndDurable) {
  for (int i = 0; i < 1000; i++)
    Set(0, "k" + std::to_string(i), "v", i % 2 ? NowMs() + 100000 : 0);
  for (int i = 0; i < 10; i++)
    Set(1, "k" + std::to_string(i), "v");
  ASSERT_TRUE(engine_->FlushDb(0).ok());
  EXPECT_EQ(engine_->KeyCount(0), 0);
  EXPECT_EQ(engine_->ExpireCount(0), 0);
  EXPECT_EQ(Get(0, "k1"), std::nullopt);
  EXPECT_EQ(Get(1, "k1"), "v");
  Set(0, "after", "v");
  ASSERT_TRUE(engine_->Reload().ok());
  EXPECT_EQ(engine_->KeyCount(0), 1);
  EXPECT_EQ(engine_->KeyCount(1), 10);
  ASSERT_TRUE(engine_->FlushAll().ok());
  EXPECT_EQ(engine_->KeyCount(1), 0);
  EXPECT_EQ(Get(0, "after"), std::nullopt);
}

TEST_F(EngineTest, ScanSeesEveryKeyPresentThroughoutDespiteChanges) {
  std::set<std::string> stable;
  for (int i = 0; i < 200; i++) {
    Set(0, "s" + std::to_string(i), "v");
    stable.insert("s" + std::to_string(i));
  }
  std::set<std::string> seen;
  std::optional<std::string> cursor;
  int step = 0;
  do {
    std::vector<std::string> keys;
    std::optional<std::string> next;
    ASSERT_TRUE(keyspace().Scan(0, cursor, 7, "", std::nullopt, &keys, &next).ok());
    seen.insert(keys.begin(), keys.end());
    // Churn between steps: add and remove other keys.
    Set(0, "a" + std::to_string(step), "v");
    int64_t d;
    ASSERT_TRUE(keyspace().Delete(0, {"a" + std::to_string(step - 1)}, &d).ok());
    step++;
    cursor = next;
  } while (cursor && step < 1000);
  for (const auto& k : stable)
    EXPECT_TRUE(seen.count(k)) << k;
}

TEST_F(EngineTest, ScanPagesEndingAtTheEmptyKeyGoOn) {
  // The empty key name is legal and sorts first: a step ending on it resumes after it.
  Set(0, "", "v");
  for (int i = 0; i < 20; i++)
    Set(0, "k" + std::to_string(i), "v");
  for (size_t count : {1, 2, 3, 21, 22}) {
    std::multiset<std::string> seen;
    std::optional<std::string> cursor;
    int steps = 0;
    do {
      std::vector<std::string> keys;
      std::optional<std::string> next;
      ASSERT_TRUE(keyspace().Scan(0, cursor, count, "", std::nullopt, &keys, &next).ok());
      seen.insert(keys.begin(), keys.end());
      cursor = next;
      ASSERT_LE(++steps, 25) << "count " << count;
    } while (cursor);
    EXPECT_EQ(seen.size(), 21u) << "count " << count;
    EXPECT_EQ(seen.count(""), 1u) << "count " << count;
  }
}

TEST_F(EngineTest, ScanFiltersByMatchAndType) {
  Set(0, "user:1", "v");
  Set(0, "user:2", "v");
  Set(0, "other", "v");
  std::vector<std::string> keys;
  std::optional<std::string> next;
  ASSERT_TRUE(keyspace().Scan(0, std::nullopt, 100, "user:*", std::nullopt, &keys, &next).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"user:1", "user:2"}));
  EXPECT_FALSE(next.has_value());
  keys.clear();
  ASSERT_TRUE(keyspace().Scan(0, std::nullopt, 100, "", ValueType::kHash, &keys, &next).ok());
  EXPECT_TRUE(keys.empty());
}

TEST_F(EngineTest, KeysAndRandomKey) {
  Set(0, "user:1", "v");
  Set(0, "user:2", "v");
  Set(0, "usex", "v");
  std::vector<std::string> keys;
  ASSERT_TRUE(keyspace().Keys(0, "user:*", &keys).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"user:1", "user:2"}));
  std::string k;
  for (int i = 0; i < 20; i++) {
    ASSERT_TRUE(keyspace().RandomKey(0, &k).ok());
    EXPECT_TRUE(k == "user:1" || k == "user:2" || k == "usex");
  }
  EXPECT_TRUE(keyspace().RandomKey(1, &k).IsNotFound());
}

TEST_F(EngineTest, RenameCopyMoveKeepValueAndTtl) {
  uint64_t later = NowMs() + 100000;
  Set(0, "a", "va", later);
  bool applied;
  ASSERT_TRUE(keyspace().Rename(0, "a", "b", false, &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(Get(0, "a"), std::nullopt);
  EXPECT_EQ(Get(0, "b"), "va");
  int64_t when;
  ASSERT_TRUE(keyspace().ExpireTime(0, "b", &when).ok());
  EXPECT_EQ(when, static_cast<int64_t>(later));
  EXPECT_TRUE(keyspace().Rename(0, "a", "c", false, &applied).IsNotFound());
  Set(0, "c", "vc");
  ASSERT_TRUE(keyspace().Rename(0, "b", "c", true, &applied).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(keyspace().Copy(0, "b", 3, "c", false, &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(Get(3, "c"), "va");
  ASSERT_TRUE(keyspace().Copy(0, "b", 0, "c", false, &applied).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(keyspace().Copy(0, "b", 0, "c", true, &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(Get(0, "c"), "va");
  ASSERT_TRUE(keyspace().Move(0, "c", 3, &applied).ok());
  EXPECT_FALSE(applied);  // exists in the target db
  ASSERT_TRUE(keyspace().Move(0, "c", 4, &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(Get(4, "c"), "va");
  EXPECT_EQ(engine_->KeyCount(0), 1);
  EXPECT_EQ(engine_->KeyCount(3), 1);
  EXPECT_EQ(engine_->KeyCount(4), 1);
  EXPECT_EQ(engine_->ExpireCount(0) + engine_->ExpireCount(3) + engine_->ExpireCount(4), 3);
}

TEST_F(EngineTest, CopyOfCollectionGetsFreshVersionWithMembers) {
  // Build a two-member collection by hand, as the hash type will.
  MetaRecord meta;
  meta.type = ValueType::kHash;
  meta.version = engine_->NewVersion();
  meta.size = 2;
  Batch batch(engine_.get());
  batch.raw()->Put(engine_->data_cf(), DataPrefix(0, "h", meta.version) + "f1", "v1");
  batch.raw()->Put(engine_->data_cf(), DataPrefix(0, "h", meta.version) + "f2", "v2");
  batch.PutMeta(0, "h", nullptr, meta);
  ASSERT_TRUE(batch.Commit().ok());
  bool applied;
  ASSERT_TRUE(keyspace().Copy(0, "h", 1, "h2", false, &applied).ok());
  MetaRecord copy;
  ASSERT_TRUE(keyspace().GetLive(1, "h2", &copy).ok());
  EXPECT_EQ(copy.type, ValueType::kHash);
  EXPECT_NE(copy.version, meta.version);
  EXPECT_EQ(copy.size, 2u);
  std::string v;
  ASSERT_TRUE(engine_->db()
                  ->Get(rocksdb::ReadOptions(), engine_->data_cf(),
                        DataPrefix(1, "h2", copy.version) + "f2", &v)
                  .ok());
  EXPECT_EQ(v, "v2");
  std::string s;
  EXPECT_TRUE(strings().Get(1, "h2", &s).IsWrongType());
}

ExpireCondition CondNX() {
  return {.nx = true};
}
ExpireCondition CondXX() {
  return {.xx = true};
}
ExpireCondition CondGT() {
  return {.gt = true};
}
ExpireCondition CondLT() {
  return {.lt = true};
}

TEST_F(EngineTest, ExpireConditions) {
  Set(0, "k", "v");
  bool applied;
  uint64_t t1 = NowMs() + 100000, t2 = NowMs() + 200000;
  ASSERT_TRUE(keyspace().Expire(0, "k", t1, CondXX(), &applied).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(keyspace().Expire(0, "k", t1, CondGT(), &applied).ok());
  EXPECT_FALSE(applied);  // no TTL counts as infinite
  ASSERT_TRUE(keyspace().Expire(0, "k", t2, CondLT(), &applied).ok());
  EXPECT_TRUE(applied);
  ASSERT_TRUE(keyspace().Expire(0, "k", t1, CondNX(), &applied).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(keyspace().Expire(0, "k", t1, CondGT(), &applied).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(keyspace().Expire(0, "k", t1, CondLT(), &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(engine_->ExpireCount(0), 1);
  ExpireCondition xx_gt{.xx = true, .gt = true};
  ASSERT_TRUE(keyspace().Expire(0, "k", t1 - 1, xx_gt, &applied).ok());
  EXPECT_FALSE(applied);
  ASSERT_TRUE(keyspace().Expire(0, "k", NowMs() - 1, ExpireCondition(), &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(Get(0, "k"), std::nullopt);
  EXPECT_EQ(engine_->KeyCount(0), 0);
  EXPECT_EQ(engine_->ExpireCount(0), 0);
}

TEST_F(EngineTest, Counters) {
  int64_t r;
  ASSERT_TRUE(strings().IncrBy(0, "n", 5, &r).ok());
  EXPECT_EQ(r, 5);
  ASSERT_TRUE(strings().IncrBy(0, "n", -7, &r).ok());
  EXPECT_EQ(r, -2);
  Set(0, "big", "9223372036854775807");
  EXPECT_EQ(strings().IncrBy(0, "big", 1, &r).message(),
            "ERR increment or decrement would overflow");
  Set(0, "s", "abc");
  EXPECT_EQ(strings().IncrBy(0, "s", 1, &r).message(),
            "ERR value is not an integer or out of range");
  std::string f;
  ASSERT_TRUE(strings().IncrByFloat(0, "f", 10.5L, &f).ok());
  ASSERT_TRUE(strings().IncrByFloat(0, "f", 0.1L, &f).ok());
  EXPECT_EQ(f, "10.6");
  EXPECT_EQ(Get(0, "f"), "10.6");
}

TEST_F(EngineTest, AppendSetRangeGetRange) {
  int64_t len;
  ASSERT_TRUE(strings().Append(0, "k", "Hello", &len).ok());
  EXPECT_EQ(len, 5);
  ASSERT_TRUE(strings().Append(0, "k", " World", &len).ok());
  EXPECT_EQ(len, 11);
  ASSERT_TRUE(strings().SetRange(0, "k", 6, "Redis", &len).ok());
  EXPECT_EQ(Get(0, "k"), "Hello Redis");
  ASSERT_TRUE(strings().SetRange(0, "pad", 3, "x", &len).ok());
  EXPECT_EQ(Get(0, "pad"), std::string("\0\0\0x", 4));
  ASSERT_TRUE(strings().SetRange(0, "empty", 3, "", &len).ok());
  EXPECT_EQ(len, 0);
  EXPECT_EQ(Get(0, "empty"), std::nullopt);
  std::string out;
  ASSERT_TRUE(strings().GetRange(0, "k", 0, 4, &out).ok());
  EXPECT_EQ(out, "Hello");
  ASSERT_TRUE(strings().GetRange(0, "k", -5, -1, &out).ok());
  EXPECT_EQ(out, "Redis");
  ASSERT_TRUE(strings().GetRange(0, "k", -1, -5, &out).ok());
  EXPECT_EQ(out, "");
  ASSERT_TRUE(strings().GetRange(0, "k", 5, 1000, &out).ok());
  EXPECT_EQ(out, " Redis");
  MetaRecord meta;
  ASSERT_TRUE(keyspace().GetLive(0, "k", &meta).ok());
  EXPECT_STREQ(StringType::Encoding(meta), "raw");
}

TEST_F(EngineTest, MSetNxIsAllOrNothing) {
  bool applied;
  ASSERT_TRUE(strings().MSet(0, {{"a", "1"}, {"b", "2"}, {"a", "3"}}, false, &applied).ok());
  EXPECT_TRUE(applied);
  EXPECT_EQ(Get(0, "a"), "3");
  EXPECT_EQ(engine_->KeyCount(0), 2);
  ASSERT_TRUE(strings().MSet(0, {{"c", "1"}, {"b", "2"}}, true, &applied).ok());
  EXPECT_FALSE(applied);
  EXPECT_EQ(Get(0, "c"), std::nullopt);
}

TEST_F(EngineTest, ConcurrentIncrementsAreNotLost) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([this] {
      for (int i = 0; i < 500; i++) {
        int64_t r;
        ASSERT_TRUE(strings().IncrBy(0, "ctr", 1, &r).ok());
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(Get(0, "ctr"), "2000");
}

}  // namespace
}  // namespace redrock::engine
