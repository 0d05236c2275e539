// The hot tier: its frequency sketch, budget and admission on their own, then through a real
// Engine on a temporary RocksDB: every kind of write keeps it in step with RocksDB, a read
// that races with a write can never insert a stale value, expired keys still expire, and
// small collections are served whole from memory.
#include "engine/hot_tier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "engine/engine.h"
#include "engine/frequency_sketch.h"
#include "engine/hash_type.h"
#include "engine/key_format.h"
#include "engine/keyspace.h"
#include "engine/list_type.h"
#include "engine/string_type.h"
#include "engine/transaction.h"
#include "engine/zset_type.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

std::string StringMeta(std::string_view value, uint64_t expire_ms = 0) {
  MetaRecord m;
  m.value.assign(value);
  m.expire_ms = expire_ms;
  return EncodeMeta(m);
}

// ---- the sketch and the cache on their own ----

TEST(FrequencySketchTest, EstimatesNeverUnderCountAndFadeWithHalving) {
  FrequencySketch sketch(1024);
  for (int i = 0; i < 5; i++)
    sketch.Add(42);
  EXPECT_GE(sketch.Estimate(42), 5);
  EXPECT_EQ(sketch.Estimate(7), 0);
  // Enough other additions to trigger halvings: key 42's count fades.
  for (uint64_t i = 0; i < 40000; i++)
    sketch.Add(i * 0x9e3779b97f4a7c15ULL);
  EXPECT_LT(sketch.Estimate(42), 5);
}

TEST(HotTierCacheTest, BudgetIsNeverExceededAndEvictionHappens) {
  const uint64_t budget = 256 << 10;
  HotTier tier(budget);
  std::string value(100, 'v');
  for (int i = 0; i < 20000; i++) {
    std::string key = MetaKey(0, "key:" + std::to_string(i));
    std::string got;
    HotTier::Ticket t;
    ASSERT_EQ(tier.GetMeta(key, 0, &got, &t), HotTier::Result::kMiss);
    tier.FillMeta(key, StringMeta(value), t, 0, 1);
    if (i % 1000 == 0) {
      ASSERT_LE(tier.stats().used_bytes, budget);
    }
  }
  HotTierStats s = tier.stats();
  EXPECT_LE(s.used_bytes, budget);
  EXPECT_GT(s.entries, 100u);
  EXPECT_GT(s.evictions + s.admissions_rejected, 0u);
  EXPECT_LT(s.entries, 20000u);
}

TEST(HotTierCacheTest, FrequentKeysSurviveAScanOfOneHitWonders) {
  // About 8 entries per shard; the hot key is read once per 1000 scanned keys, i.e. after
  // some 15 newcomers to its shard: LRU would have evicted it every time.
  HotTier tier(128 << 10);
  std::string hot = MetaKey(0, "hot");
  auto read = [&](const std::string& key, std::string_view value) {
    std::string got;
    HotTier::Ticket t;
    HotTier::Result r = tier.GetMeta(key, 0, &got, &t);
    if (r == HotTier::Result::kMiss) tier.FillMeta(key, StringMeta(value), t, 0, 1);
    return r == HotTier::Result::kHit;
  };
  for (int i = 0; i < 10; i++)
    read(hot, "x");
  int hot_hits = 0;
  for (int i = 0; i < 50000; i++) {
    read(MetaKey(0, "scan:" + std::to_string(i)), "y");
    if (i % 1000 == 999) hot_hits += read(hot, "x") ? 1 : 0;
  }
  EXPECT_GE(hot_hits, 45);
  EXPECT_GT(tier.stats().admissions_rejected, 0u);
}

TEST(HotTierCacheTest, ZeroBudgetDisables) {
  HotTier tier(0);
  std::string key = MetaKey(0, "k"), got;
  HotTier::Ticket t;
  EXPECT_EQ(tier.GetMeta(key, 0, &got, &t), HotTier::Result::kMiss);
  tier.FillMeta(key, StringMeta("v"), t, 0, 1);
  EXPECT_EQ(tier.GetMeta(key, 0, &got, &t), HotTier::Result::kMiss);
  EXPECT_EQ(tier.stats().entries, 0u);
  EXPECT_EQ(tier.stats().used_bytes, 0u);
}

// ---- through an Engine ----

class HotTierEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions opts;
    opts.dir = dir_.path() + "/db";
    opts.active_expire_hz = 0;
    opts.hot_tier_bytes = 8 << 20;
    ASSERT_TRUE(Engine::Open(opts, &engine_).ok());
  }

  void Set(std::string_view key, std::string_view value, uint64_t expire_ms = 0) {
    bool applied = false;
    std::optional<std::string> old;
    SetOptions o;
    o.expire_ms = expire_ms;
    ASSERT_TRUE(StringType(engine_.get()).Set(0, key, value, o, &applied, &old).ok());
  }
  std::optional<std::string> Get(std::string_view key) {
    std::string v;
    Status s = StringType(engine_.get()).Get(0, key, &v);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    if (!s.ok()) return std::nullopt;
    return v;
  }
  // The meta record straight from RocksDB, bypassing the tier.
  std::optional<std::string> RocksMeta(std::string_view key) {
    std::string raw;
    rocksdb::Status s =
        engine_->db()->Get(rocksdb::ReadOptions(), engine_->meta_cf(), MetaKey(0, key), &raw);
    if (!s.ok()) return std::nullopt;
    return raw;
  }
  // The tier's copy of a meta record: nullopt when not cached, "" + absent flag otherwise.
  std::optional<std::string> TierMeta(std::string_view key, bool* absent) {
    std::string v;
    HotTier::Ticket t;
    HotTier::Result r = engine_->hot_tier().GetMeta(MetaKey(0, key), 0, &v, &t);
    *absent = r == HotTier::Result::kAbsent;
    if (r == HotTier::Result::kMiss) return std::nullopt;
    return v;
  }
  // Checks that whatever the tier holds for `key` is exactly what RocksDB holds.
  void ExpectTierMatchesRocks(std::string_view key) {
    bool absent = false;
    std::optional<std::string> tier = TierMeta(key, &absent);
    if (!tier) return;  // not cached: nothing to contradict
    if (absent) {
      EXPECT_FALSE(RocksMeta(key).has_value()) << key;
    } else {
      EXPECT_EQ(RocksMeta(key), tier) << key;
    }
  }
  std::map<std::string, std::string> HGetAll(std::string_view key) {
    std::map<std::string, std::string> out;
    uint64_t announced = 0;
    Status s = HashType(engine_.get())
                   .GetAll(
                       0, key, true, [&](uint64_t n) { announced = n; },
                       [&](std::string_view f, std::string_view v) { out[std::string(f)] = v; });
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    EXPECT_EQ(announced, out.size());
    return out;
  }
  void HSet(std::string_view key, const HashType::FieldValues& fvs) {
    int64_t added = 0;
    ASSERT_TRUE(HashType(engine_.get()).Set(0, key, fvs, &added).ok());
  }
  uint64_t Hits() { return engine_->hot_tier_stats().hits; }

  testing::TempDir dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(HotTierEngineTest, HotStringIsServedFromTheTier) {
  Set("k", "v1");
  EXPECT_EQ(Get("k"), "v1");
  uint64_t hits = Hits();
  EXPECT_EQ(Get("k"), "v1");
  EXPECT_EQ(Hits(), hits + 1);
  ExpectTierMatchesRocks("k");
}

TEST_F(HotTierEngineTest, MissingKeysBecomeNegativeEntriesThatWritesReplace) {
  EXPECT_EQ(Get("nope"), std::nullopt);
  uint64_t hits = Hits();
  EXPECT_EQ(Get("nope"), std::nullopt);
  EXPECT_EQ(Hits(), hits + 1);
  EXPECT_EQ(engine_->hot_tier_stats().negative_entries, 1u);
  Set("nope", "now");
  EXPECT_EQ(Get("nope"), "now");
  ExpectTierMatchesRocks("nope");
}

TEST_F(HotTierEngineTest, EveryKindOfWriteGoesThrough) {
  Set("a", "1");
  Set("b", "2");
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("b"), "2");
  // SET overwrite.
  Set("a", "11");
  EXPECT_EQ(Get("a"), "11");
  ExpectTierMatchesRocks("a");
  // DEL.
  int64_t deleted = 0;
  ASSERT_TRUE(Keyspace(engine_.get()).Delete(0, {"a"}, &deleted).ok());
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(Get("a"), std::nullopt);
  ExpectTierMatchesRocks("a");
  // EXPIRE and PERSIST change the cached record's TTL.
  bool applied = false;
  ASSERT_TRUE(Keyspace(engine_.get()).Expire(0, "b", NowMs() + 100000, {}, &applied).ok());
  int64_t ttl = 0;
  ASSERT_TRUE(Keyspace(engine_.get()).Ttl(0, "b", &ttl).ok());
  EXPECT_GT(ttl, 90000);
  ExpectTierMatchesRocks("b");
  ASSERT_TRUE(Keyspace(engine_.get()).Persist(0, "b", &applied).ok());
  ASSERT_TRUE(Keyspace(engine_.get()).Ttl(0, "b", &ttl).ok());
  EXPECT_EQ(ttl, -1);
  ExpectTierMatchesRocks("b");
  // INCR.
  Set("n", "5");
  EXPECT_EQ(Get("n"), "5");
  int64_t r = 0;
  ASSERT_TRUE(StringType(engine_.get()).IncrBy(0, "n", 3, &r).ok());
  EXPECT_EQ(Get("n"), "8");
  ExpectTierMatchesRocks("n");
  // FLUSHDB drops everything it removed.
  ASSERT_TRUE(engine_->FlushDb(0).ok());
  EXPECT_EQ(Get("b"), std::nullopt);
  EXPECT_EQ(Get("n"), std::nullopt);
  ExpectTierMatchesRocks("b");
  // FLUSHALL as well.
  Set("c", "3");
  EXPECT_EQ(Get("c"), "3");
  ASSERT_TRUE(engine_->FlushAll().ok());
  EXPECT_EQ(Get("c"), std::nullopt);
}

TEST_F(HotTierEngineTest, TransactionsSeePendingWritesAndCommitThrough) {
  Set("x", "old");
  EXPECT_EQ(Get("x"), "old");
  {
    Transaction txn(engine_.get(), {{0, "x"}, {0, "y"}});
    Set("x", "new");
    Set("y", "fresh");
    // Inside the transaction, reads see its pending writes, not the tier's copy.
    EXPECT_EQ(Get("x"), "new");
    EXPECT_EQ(Get("y"), "fresh");
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(Get("x"), "new");
  EXPECT_EQ(Get("y"), "fresh");
  ExpectTierMatchesRocks("x");
  ExpectTierMatchesRocks("y");
  {
    // A discarded transaction changes nothing, in the tier either.
    Transaction txn(engine_.get(), {{0, "x"}});
    Set("x", "discarded");
  }
  EXPECT_EQ(Get("x"), "new");
}

TEST_F(HotTierEngineTest, ExpiredKeysServedFromTheTierStillExpire) {
  Set("ttl", "v", NowMs() + 150);
  EXPECT_EQ(Get("ttl"), "v");
  uint64_t hits = Hits();
  EXPECT_EQ(Get("ttl"), "v");
  EXPECT_EQ(Hits(), hits + 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(Get("ttl"), std::nullopt);
  int64_t n = 1;
  ASSERT_TRUE(Keyspace(engine_.get()).Exists(0, {"ttl"}, &n).ok());
  EXPECT_EQ(n, 0);
}

TEST_F(HotTierEngineTest, AFillThatRacedWithAWriteIsRefused) {
  Set("k", "v1");
  engine_->hot_tier().Clear();
  HotTier& tier = engine_->hot_tier();
  const std::string key = MetaKey(0, "k");

  // Reader: misses, reads RocksDB (v1)...
  std::string got;
  HotTier::Ticket ticket;
  ASSERT_EQ(tier.GetMeta(key, 0, &got, &ticket), HotTier::Result::kMiss);
  std::optional<std::string> stale = RocksMeta("k");
  ASSERT_TRUE(stale);
  // ...a writer commits v2 meanwhile...
  Set("k", "v2");
  // ...and the reader's late fill with v1 must be refused.
  uint64_t refused = engine_->hot_tier_stats().stale_fills_refused;
  tier.FillMeta(key, *stale, ticket, 0, engine_->db()->GetLatestSequenceNumber());
  EXPECT_EQ(engine_->hot_tier_stats().stale_fills_refused, refused + 1);
  EXPECT_EQ(Get("k"), "v2");
  EXPECT_EQ(Get("k"), "v2");

  // The same with the fill landing while the write is in flight (between BeginWrite and
  // FinishWrite, i.e. around the RocksDB write).
  engine_->hot_tier().Clear();
  ASSERT_EQ(tier.GetMeta(key, 0, &got, &ticket), HotTier::Result::kMiss);
  stale = RocksMeta("k");
  rocksdb::WriteBatch batch;
  batch.Put(engine_->meta_cf(), key, StringMeta("v3"));
  auto token = tier.BeginWrite(batch);
  tier.FillMeta(key, *stale, ticket, 0, engine_->db()->GetLatestSequenceNumber());
  ASSERT_TRUE(engine_->db()->Write(rocksdb::WriteOptions(), &batch).ok());
  tier.FinishWrite(batch, std::move(token), true, engine_->db()->GetLatestSequenceNumber());
  EXPECT_EQ(Get("k"), "v3");
  ExpectTierMatchesRocks("k");

  // A read at an old snapshot may not fill in a value a newer write replaced.
  engine_->hot_tier().Clear();
  const rocksdb::Snapshot* snap = engine_->db()->GetSnapshot();
  Set("k", "v4");
  ASSERT_EQ(tier.GetMeta(key, snap->GetSequenceNumber(), &got, &ticket), HotTier::Result::kMiss);
  rocksdb::ReadOptions ro;
  ro.snapshot = snap;
  std::string old;
  ASSERT_TRUE(engine_->db()->Get(ro, engine_->meta_cf(), key, &old).ok());
  tier.FillMeta(key, old, ticket, snap->GetSequenceNumber(), 0);
  engine_->db()->ReleaseSnapshot(snap);
  EXPECT_EQ(Get("k"), "v4");
  ExpectTierMatchesRocks("k");
}

TEST_F(HotTierEngineTest, ConcurrentReadersNeverSeeAValueGoBackwards) {
  Set("counter", "0");
  std::atomic<bool> stop{false};
  std::atomic<int> regressions{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; t++) {
    readers.emplace_back([&, t] {
      int64_t last = 0;
      std::mt19937 rng(t);
      while (!stop.load()) {
        // Now and then drop the tier so reads keep refilling it while the writer runs.
        if (rng() % 64 == 0) engine_->hot_tier().Clear();
        std::string v;
        if (!StringType(engine_.get()).Get(0, "counter", &v).ok()) continue;
        int64_t n = std::stoll(v);
        if (n < last) regressions++;
        last = n;
      }
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(800);
  int64_t final_value = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(StringType(engine_.get()).IncrBy(0, "counter", 1, &final_value).ok());
  }
  stop = true;
  for (auto& r : readers)
    r.join();
  EXPECT_EQ(regressions.load(), 0);
  EXPECT_EQ(Get("counter"), std::to_string(final_value));
  ExpectTierMatchesRocks("counter");
}

TEST_F(HotTierEngineTest, SmallHashIsCachedWholeAndUpdatedInPlace) {
  HSet("h", {{"f1", "v1"}, {"f2", "v2"}});
  for (int i = 0; i < 3; i++)
    EXPECT_EQ(HGetAll("h").size(), 2u);
  EXPECT_EQ(engine_->hot_tier_stats().collections, 1u);
  uint64_t hits = Hits();
  std::map<std::string, std::string> want = {{"f1", "v1"}, {"f2", "v2"}};
  EXPECT_EQ(HGetAll("h"), want);
  EXPECT_GE(Hits(), hits + 2);  // meta and members
  // HSET on the cached hash updates the cached members.
  HSet("h", {{"f3", "v3"}, {"f1", "one"}});
  want = {{"f1", "one"}, {"f2", "v2"}, {"f3", "v3"}};
  EXPECT_EQ(HGetAll("h"), want);
  EXPECT_EQ(engine_->hot_tier_stats().collections, 1u);
  std::optional<std::string> v;
  ASSERT_TRUE(HashType(engine_.get()).Get(0, "h", "f3", &v).ok());
  EXPECT_EQ(v, "v3");
  ASSERT_TRUE(HashType(engine_.get()).Get(0, "h", "zz", &v).ok());
  EXPECT_EQ(v, std::nullopt);
  int64_t removed = 0;
  ASSERT_TRUE(HashType(engine_.get()).Delete(0, "h", {"f2"}, &removed).ok());
  want.erase("f2");
  EXPECT_EQ(HGetAll("h"), want);
  // DEL then re-create: a new version, the old members must not show.
  int64_t deleted = 0;
  ASSERT_TRUE(Keyspace(engine_.get()).Delete(0, {"h"}, &deleted).ok());
  HSet("h", {{"g", "1"}});
  EXPECT_EQ(HGetAll("h"), (std::map<std::string, std::string>{{"g", "1"}}));
  ExpectTierMatchesRocks("h");
  // Inside a transaction the hash is read with its pending writes.
  {
    Transaction txn(engine_.get(), {{0, "h"}});
    HSet("h", {{"t", "x"}});
    EXPECT_EQ(HGetAll("h").size(), 2u);
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(HGetAll("h"), (std::map<std::string, std::string>{{"g", "1"}, {"t", "x"}}));
}

TEST_F(HotTierEngineTest, BigHashIsNotCachedWhole) {
  HashType::FieldValues fvs;
  std::vector<std::string> storage;
  for (int i = 0; i < 300; i++)
    storage.push_back("field" + std::to_string(i));
  for (const auto& f : storage)
    fvs.emplace_back(f, "value");
  HSet("big", fvs);
  for (int i = 0; i < 4; i++)
    EXPECT_EQ(HGetAll("big").size(), 300u);
  EXPECT_EQ(engine_->hot_tier_stats().collections, 0u);
}

TEST_F(HotTierEngineTest, SortedSetsAndListsServedWholeStayExact) {
  ZSetType zsets(engine_.get());
  ZAddResult res;
  ASSERT_TRUE(zsets.Add(0, "z", {{1, "a"}, {2, "b"}, {3, "c"}}, {}, &res).ok());
  ZRangeSpec all;
  std::vector<ScoredMember> out;
  for (int i = 0; i < 3; i++) {
    out.clear();
    ASSERT_TRUE(zsets.Range(0, "z", all, &out).ok());
  }
  EXPECT_EQ(engine_->hot_tier_stats().collections, 1u);
  ASSERT_TRUE(zsets.Add(0, "z", {{0, "c"}, {5, "d"}}, {}, &res).ok());
  out.clear();
  ASSERT_TRUE(zsets.Range(0, "z", all, &out).ok());
  std::vector<ScoredMember> want = {{"c", 0}, {"a", 1}, {"b", 2}, {"d", 5}};
  EXPECT_EQ(out, want);
  ZRangeSpec by_score;
  by_score.by = ZRangeSpec::By::kScore;
  by_score.reverse = true;
  by_score.score.min = 1;
  by_score.score.max = 2;
  out.clear();
  ASSERT_TRUE(zsets.Range(0, "z", by_score, &out).ok());
  want = {{"b", 2}, {"a", 1}};
  EXPECT_EQ(out, want);
  std::optional<double> score;
  ASSERT_TRUE(zsets.Score(0, "z", "d", &score).ok());
  EXPECT_EQ(score, 5);

  ListType lists(engine_.get());
  int64_t len = 0;
  ASSERT_TRUE(lists.Push(0, "l", ListEnd::kRight, {"1", "2", "3", "4", "5"}, false, &len).ok());
  auto range = [&] {
    std::vector<std::string> els;
    EXPECT_TRUE(
        lists
            .Range(
                0, "l", 0, -1, [](uint64_t) {}, [&](std::string_view e) { els.emplace_back(e); })
            .ok());
    return els;
  };
  for (int i = 0; i < 3; i++)
    EXPECT_EQ(range().size(), 5u);
  EXPECT_EQ(engine_->hot_tier_stats().collections, 2u);
  ASSERT_TRUE(lists.Trim(0, "l", 1, 2).ok());
  EXPECT_EQ(range(), (std::vector<std::string>{"2", "3"}));
  std::vector<std::string> popped;
  ASSERT_TRUE(lists.Pop(0, "l", ListEnd::kLeft, 1, &popped).ok());
  EXPECT_EQ(range(), (std::vector<std::string>{"3"}));
  ASSERT_TRUE(lists.Push(0, "l", ListEnd::kLeft, {"0"}, false, &len).ok());
  EXPECT_EQ(range(), (std::vector<std::string>{"0", "3"}));
}

TEST_F(HotTierEngineTest, ReloadAndZeroBudgetEmptyTheTier) {
  Set("k", "v");
  EXPECT_EQ(Get("k"), "v");
  EXPECT_GT(engine_->hot_tier_stats().entries, 0u);
  ASSERT_TRUE(engine_->Reload().ok());
  EXPECT_EQ(engine_->hot_tier_stats().entries, 0u);
  EXPECT_EQ(Get("k"), "v");
  engine_->SetHotTierBudget(0);
  EXPECT_EQ(engine_->hot_tier_stats().entries, 0u);
  Set("k", "w");
  EXPECT_EQ(Get("k"), "w");
  EXPECT_EQ(engine_->hot_tier_stats().entries, 0u);
  // Enabled again, it fills from RocksDB: nothing written while disabled is lost.
  engine_->SetHotTierBudget(1 << 20);
  EXPECT_EQ(Get("k"), "w");
  EXPECT_EQ(Get("k"), "w");
  ExpectTierMatchesRocks("k");
}

}  // namespace
}  // namespace redrock::engine
