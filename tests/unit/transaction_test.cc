// Transaction: commands grouped on one thread commit as one batch, see their own pending
// writes, and are invisible to everyone else until the commit.
#include "engine/transaction.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "engine/engine.h"
#include "engine/key_format.h"
#include "engine/key_locks.h"
#include "engine/keyspace.h"
#include "engine/string_type.h"
#include "engine/write_batch.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

class TransactionTest : public testing::EngineTest {
 protected:
  // Reads on another thread: what other clients would see.
  std::optional<std::string> GetElsewhere(std::string_view key) {
    std::optional<std::string> result;
    std::thread t([&] {
      std::string v;
      if (StringType(engine_.get()).Get(0, key, &v).ok()) result = v;
    });
    t.join();
    return result;
  }

  void Set(std::string_view key, std::string_view value) {
    bool applied;
    std::optional<std::string> old;
    ASSERT_TRUE(StringType(engine_.get()).Set(0, key, value, SetOptions(), &applied, &old).ok());
  }
};

TEST_F(TransactionTest, SeesOwnWritesAndCommitsAtomically) {
  StringType strings(engine_.get());
  {
    Transaction txn(engine_.get(), {{0, "a"}, {0, "b"}});
    Set("a", "1");
    int64_t r;
    ASSERT_TRUE(strings.IncrBy(0, "a", 5, &r).ok());
    EXPECT_EQ(r, 6);  // the INCR saw the pending SET
    Set("b", "x");
    EXPECT_EQ(GetElsewhere("a"), std::nullopt);  // nobody else sees it yet
    int64_t count_elsewhere = -1;
    std::thread([&] { count_elsewhere = engine_->KeyCount(0); }).join();
    EXPECT_EQ(count_elsewhere, 0);
    EXPECT_EQ(engine_->KeyCount(0), 2);  // DBSIZE inside MULTI counts the pending keys
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(GetElsewhere("a"), "6");
  EXPECT_EQ(GetElsewhere("b"), "x");
  EXPECT_EQ(engine_->KeyCount(0), 2);
  ASSERT_TRUE(engine_->Reload().ok());
  EXPECT_EQ(engine_->KeyCount(0), 2);
}

TEST_F(TransactionTest, DroppedTransactionLeavesNothing) {
  {
    Transaction txn(engine_.get(), {{0, "a"}});
    Set("a", "1");
  }
  EXPECT_EQ(GetElsewhere("a"), std::nullopt);
  EXPECT_EQ(engine_->KeyCount(0), 0);
}

TEST_F(TransactionTest, FailedCommandRollsBackOnlyItsOwnPart) {
  StringType strings(engine_.get());
  Set("s", "text");
  {
    Transaction txn(engine_.get(), {{0, "s"}, {0, "n"}});
    Set("n", "1");
    {
      // A command that wrote then failed before committing its batch.
      Batch batch(engine_.get());
      MetaRecord m;
      m.value = "half";
      batch.PutMeta(0, "n", nullptr, m);
    }
    int64_t r;
    EXPECT_FALSE(strings.IncrBy(0, "s", 1, &r).ok());  // WRONG value: error, nothing written
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(GetElsewhere("n"), "1");
  EXPECT_EQ(GetElsewhere("s"), "text");
  EXPECT_EQ(engine_->KeyCount(0), 2);
}

TEST_F(TransactionTest, ScansSeePendingWrites) {
  Set("k1", "v");
  Transaction txn(engine_.get(), {{0, "k2"}, {0, "k1"}});
  Set("k2", "v");
  int64_t deleted;
  ASSERT_TRUE(Keyspace(engine_.get()).Delete(0, {"k1"}, &deleted).ok());
  EXPECT_EQ(deleted, 1);
  std::vector<std::string> keys;
  ASSERT_TRUE(Keyspace(engine_.get()).Keys(0, "*", &keys).ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"k2"}));
  ASSERT_TRUE(txn.Commit().ok());
}

TEST_F(TransactionTest, OtherWritersWaitForTheLocks) {
  std::atomic<bool> written{false};
  std::thread writer;
  {
    Transaction txn(engine_.get(), {{0, "k"}});
    Set("k", "from-txn");
    writer = std::thread([&] {
      Set("k", "from-other");  // blocks on the key lock until the transaction ends
      written = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(written.load());
    ASSERT_TRUE(txn.Commit().ok());
  }
  writer.join();
  EXPECT_EQ(GetElsewhere("k"), "from-other");
}

TEST_F(TransactionTest, ReadingAnExpiredKeyInsideDoesNotDeadlock) {
  bool applied;
  std::optional<std::string> old;
  SetOptions so;
  so.expire_ms = NowMs() + 30;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "gone", "v", so, &applied, &old).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  Transaction txn(engine_.get(), {{0, "gone"}, {0, "other"}});
  Set("other", "1");  // a nested no-op guard must not unbalance the held-locks count
  std::string v;
  // The read finds the record expired; the lazy reap must see that this thread holds locks.
  EXPECT_TRUE(StringType(engine_.get()).Get(0, "gone", &v).IsNotFound());
  ASSERT_TRUE(txn.Commit().ok());
}

TEST_F(TransactionTest, AllKeysTransactionCoversAnyKey) {
  std::atomic<bool> written{false};
  std::thread writer;
  {
    Transaction txn(engine_.get(), Transaction::AllKeys{});
    Set("x", "from-txn");
    writer = std::thread([&] {
      Set("y", "from-other");  // any key waits
      written = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(written.load());
    ASSERT_TRUE(txn.Commit().ok());
  }
  writer.join();
  EXPECT_EQ(GetElsewhere("x"), "from-txn");
  EXPECT_EQ(GetElsewhere("y"), "from-other");
}

// WATCH's change detection (engine/key_locks.h).
TEST_F(TransactionTest, WritesMoveTheVersionOfTheirKeysWhileWatched) {
  KeyLocks& locks = engine_->locks();
  Set("k", "1");
  const uint64_t unwatched = locks.Version(0, "k");
  Set("k", "2");
  EXPECT_EQ(locks.Version(0, "k"), unwatched);  // nobody watches: no bookkeeping

  locks.StartWatching();
  const uint64_t v = locks.Version(0, "k");
  const uint64_t epoch = locks.Epoch();
  EXPECT_EQ(locks.Version(0, "k"), v);
  Set("k", "3");
  EXPECT_NE(locks.Version(0, "k"), v);
  EXPECT_EQ(locks.Version(1, "k"), 0u);  // the same name in another db is another key

  // A transaction moves its keys' versions once it releases them.
  const uint64_t v2 = locks.Version(0, "k");
  {
    Transaction txn(engine_.get(), {{0, "k"}});
    Set("k", "4");
    EXPECT_EQ(locks.Version(0, "k"), v2);  // still held
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_NE(locks.Version(0, "k"), v2);

  // A flush moves the flush counter of its db only (WATCH aborts when a watched key that
  // existed was flushed, as in Redis); the global epoch stays for whole-keyspace writers.
  const uint64_t flushes3 = locks.FlushCount(3);
  const uint64_t flushes4 = locks.FlushCount(4);
  ASSERT_TRUE(engine_->FlushDb(3).ok());
  EXPECT_NE(locks.FlushCount(3), flushes3);
  EXPECT_EQ(locks.FlushCount(4), flushes4);
  EXPECT_EQ(locks.Epoch(), epoch);

  // Expiry by the active cycle moves the version too.
  bool applied;
  std::optional<std::string> old;
  SetOptions so;
  so.expire_ms = NowMs() + 10;
  ASSERT_TRUE(StringType(engine_.get()).Set(0, "t", "v", so, &applied, &old).ok());
  const uint64_t vt = locks.Version(0, "t");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(engine_->ExpireCycle(NowMs(), 100), 1);
  EXPECT_NE(locks.Version(0, "t"), vt);
  locks.StopWatching();
}

TEST_F(TransactionTest, ExpiredListenerHearsCycleAndLazyDeletions) {
  std::vector<std::string> heard;
  std::mutex mu;
  engine_->SetExpiredListener([&](int db, std::string_view key) {
    std::lock_guard<std::mutex> l(mu);
    heard.push_back(std::to_string(db) + ":" + std::string(key));
  });
  bool applied;
  std::optional<std::string> old;
  SetOptions so;
  so.expire_ms = NowMs() + 10;
  StringType strings(engine_.get());
  ASSERT_TRUE(strings.Set(0, "a", "v", so, &applied, &old).ok());
  ASSERT_TRUE(strings.Set(0, "b", "v", so, &applied, &old).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  std::string v;
  EXPECT_TRUE(strings.Get(0, "a", &v).IsNotFound());  // lazy
  EXPECT_EQ(engine_->ExpireCycle(NowMs(), 100), 1);   // b by the cycle
  engine_->SetExpiredListener(nullptr);
  std::sort(heard.begin(), heard.end());
  EXPECT_EQ(heard, (std::vector<std::string>{"0:a", "0:b"}));
}

}  // namespace
}  // namespace redrock::engine
