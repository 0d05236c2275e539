// SnapshotReader on a real RocksDB: keys as they were at the snapshot whatever changed after,
// (db, key) order, collections in pieces that resume across calls, filters, bounded calls.
#include "engine/snapshot_reader.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/list_type.h"
#include "engine/string_type.h"
#include "tests/unit/test_util.h"

namespace redrock::engine {
namespace {

struct Piece {
  int db;
  std::string key;
  ValueType type;
  uint64_t size, offset;
  bool more = false;
  std::vector<std::string> elements;
};

class Collect : public SnapshotVisitor {
 public:
  std::vector<Piece> pieces;
  void StartPiece(const SnapshotPiece& p) override {
    pieces.push_back({p.db, std::string(p.key), p.type, p.size, p.offset, false, {}});
  }
  void Element(const ValueElement& e) override { pieces.back().elements.emplace_back(e.member); }
  void EndPiece(bool more) override { pieces.back().more = more; }
};

class SnapshotReaderTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) return;
    Set(0, "b", "2");
    Set(0, "a", "1");
    Set(3, "c", "3");
    std::vector<std::string> elements;
    for (int i = 0; i < 50; i++)
      elements.push_back("e" + std::to_string(i));
    Push("l", elements);
    snap_ = engine_->db()->GetSnapshot();
    // Changes after the snapshot must not show.
    int64_t deleted;
    ASSERT_TRUE(Keyspace(engine_.get()).Delete(0, {"a"}, &deleted).ok());
    Set(0, "z", "new");
    Push("l", {"late"});
  }
  void TearDown() override { engine_->db()->ReleaseSnapshot(snap_); }

  void Set(int db, std::string_view key, std::string_view value) {
    bool applied;
    std::optional<std::string> old;
    ASSERT_TRUE(StringType(engine_.get()).Set(db, key, value, {}, &applied, &old).ok());
  }
  void Push(std::string_view key, const std::vector<std::string>& elements) {
    std::vector<std::string_view> v(elements.begin(), elements.end());
    int64_t len;
    ASSERT_TRUE(ListType(engine_.get()).Push(0, key, ListEnd::kRight, v, false, &len).ok());
  }
  // Reads everything; *calls gets the number of Next calls.
  std::vector<Piece> ReadAll(SnapshotFilter filter, const SnapshotLimits& limits, int* calls) {
    SnapshotReader reader(engine_.get(), snap_, std::move(filter), NowMs());
    Collect out;
    bool done = false;
    *calls = 0;
    while (!done && *calls < 1000) {
      EXPECT_TRUE(reader.Next(limits, &out, &done).ok());
      ++*calls;
    }
    EXPECT_TRUE(done);
    return out.pieces;
  }

  const rocksdb::Snapshot* snap_ = nullptr;
};

TEST_F(SnapshotReaderTest, EverythingAtTheSnapshotInKeyOrder) {
  int calls;
  std::vector<Piece> pieces = ReadAll({}, SnapshotLimits(), &calls);
  EXPECT_EQ(calls, 1);
  ASSERT_EQ(pieces.size(), 4u);
  std::vector<std::pair<int, std::string>> keys;
  for (const Piece& p : pieces)
    keys.emplace_back(p.db, p.key);
  EXPECT_EQ(keys,
            (std::vector<std::pair<int, std::string>>{{0, "a"}, {0, "b"}, {0, "l"}, {3, "c"}}));
  EXPECT_EQ(pieces[0].elements, std::vector<std::string>{"1"});
  EXPECT_EQ(pieces[2].type, ValueType::kList);
  EXPECT_EQ(pieces[2].size, 50u);
  EXPECT_EQ(pieces[2].elements.size(), 50u);
  EXPECT_EQ(pieces[2].elements.back(), "e49");

  SnapshotReader reader(engine_.get(), snap_, {}, NowMs());
  uint64_t keys_at_snapshot;
  ASSERT_TRUE(reader.CountKeys(&keys_at_snapshot).ok());
  EXPECT_EQ(keys_at_snapshot, 4u);
}

TEST_F(SnapshotReaderTest, CollectionsComeInPiecesAcrossCalls) {
  SnapshotLimits limits;
  limits.pieces = 2;
  limits.piece_elements = 7;
  int calls;
  std::vector<Piece> pieces = ReadAll({}, limits, &calls);
  std::vector<std::string> list;
  uint64_t expect_offset = 0;
  for (const Piece& p : pieces) {
    if (p.key != "l") continue;
    EXPECT_EQ(p.offset, expect_offset);
    EXPECT_LE(p.elements.size(), 7u);
    list.insert(list.end(), p.elements.begin(), p.elements.end());
    expect_offset += p.elements.size();
    EXPECT_EQ(p.more, expect_offset < 50);
  }
  ASSERT_EQ(list.size(), 50u);
  for (int i = 0; i < 50; i++)
    EXPECT_EQ(list[i], "e" + std::to_string(i));
  EXPECT_EQ(pieces.size(), 3u + 8u);  // a, b, c + ceil(50 / 7) pieces
  EXPECT_EQ(calls, 6);                // two pieces per call
}

TEST_F(SnapshotReaderTest, FiltersAndBoundedSteps) {
  int calls;
  std::vector<Piece> pieces = ReadAll({3, ""}, SnapshotLimits(), &calls);
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0].key, "c");
  pieces = ReadAll({-1, "l*"}, SnapshotLimits(), &calls);
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0].key, "l");
  // One meta record per call: calls that deliver nothing are not the end.
  SnapshotLimits limits;
  limits.visited = 1;
  pieces = ReadAll({-1, "*c"}, limits, &calls);
  ASSERT_EQ(pieces.size(), 1u);
  EXPECT_EQ(pieces[0].db, 3);
  EXPECT_GE(calls, 4);
}

}  // namespace
}  // namespace redrock::engine
