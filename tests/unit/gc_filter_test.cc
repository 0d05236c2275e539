// The member GC filter: deleting, overwriting or expiring a collection touches only its
// meta record; compaction then reclaims the members of dead versions, and only those.
#include "engine/gc_filter.h"

#include <gtest/gtest.h>

#include <thread>

#include <rocksdb/db.h>

#include "engine/collection.h"
#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/write_batch.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

class GcFilterTest : public testing::EngineTest {
 protected:
  // Creates (or re-creates) `key` as a hash-typed collection with n members.
  void MakeCollection(std::string_view key, int n, uint64_t expire_ms = 0) {
    CollectionWrite w;
    ASSERT_TRUE(LoadCollectionForWrite(engine_.get(), 0, key, ValueType::kHash, &w).ok());
    // Always a fresh version, as a re-creation after DEL would get.
    w.meta.version = engine_->NewVersion();
    w.meta.size = 0;
    w.meta.expire_ms = expire_ms;
    Batch batch(engine_.get());
    for (int i = 0; i < n; i++) {
      batch.raw()->Put(engine_->data_cf(),
                       MemberKey(0, key, w.meta.version, "field:" + std::to_string(i)),
                       std::string(100, 'v'));
      w.meta.size++;
    }
    w.live = w.live && w.meta.size > 0;
    FinishCollectionWrite(&batch, 0, key, w);
    ASSERT_TRUE(batch.Commit().ok());
  }

  // Members physically present in the data column family for `key`, any version.
  size_t StoredMembers(std::string_view key) {
    std::string prefix = DataPrefix(0, key, 0).substr(0, 2 + 4 + key.size());
    std::unique_ptr<rocksdb::Iterator> it(
        engine_->db()->NewIterator(rocksdb::ReadOptions(), engine_->data_cf()));
    size_t n = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
      n++;
    return n;
  }
};

TEST_F(GcFilterTest, DeletedCollectionIsReclaimedByCompaction) {
  MakeCollection("big", 50000);
  MakeCollection("kept", 100);
  ASSERT_TRUE(engine_->CompactAll().ok());
  EXPECT_EQ(StoredMembers("big"), 50000u);
  uint64_t before = engine_->IntProperty("rocksdb.total-sst-files-size");

  int64_t deleted;
  ASSERT_TRUE(Keyspace(engine_.get()).Delete(0, {"big"}, &deleted).ok());
  EXPECT_EQ(deleted, 1);
  ASSERT_TRUE(engine_->CompactAll().ok());
  EXPECT_EQ(StoredMembers("big"), 0u);
  EXPECT_EQ(StoredMembers("kept"), 100u);  // live members are untouched
  uint64_t after = engine_->IntProperty("rocksdb.total-sst-files-size");
  EXPECT_LT(after * 10, before) << "disk space did not come back: " << before << " -> " << after;
}

TEST_F(GcFilterTest, OldVersionMembersGoAfterRecreation) {
  MakeCollection("h", 1000);
  MakeCollection("h", 10);  // a new version replaces the old one
  ASSERT_TRUE(engine_->CompactAll().ok());
  EXPECT_EQ(StoredMembers("h"), 10u);
}

TEST_F(GcFilterTest, ExpiredCollectionIsReclaimed) {
  MakeCollection("temp", 1000, NowMs() + 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  ASSERT_TRUE(engine_->CompactAll().ok());
  EXPECT_EQ(StoredMembers("temp"), 0u);
}

TEST_F(GcFilterTest, OverwriteByStringReclaimsMembers) {
  MakeCollection("k", 1000);
  MetaRecord old;
  bool present;
  ASSERT_TRUE(Keyspace(engine_.get()).ReadMeta(0, "k", &old, &present).ok());
  Batch batch(engine_.get());
  MetaRecord s;
  s.value = "now a string";
  batch.PutMeta(0, "k", &old, s);
  ASSERT_TRUE(batch.Commit().ok());
  ASSERT_TRUE(engine_->CompactAll().ok());
  EXPECT_EQ(StoredMembers("k"), 0u);
}

}  // namespace
}  // namespace redrock::engine
