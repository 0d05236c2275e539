// Compaction filter on the data and zscore column families: drops members of collection
// versions that are gone. A member survives only while the meta record of its key exists,
// is live, is a collection, and carries the member's version. This is what makes DEL,
// overwrite and expiry of a collection O(1): they touch the meta record only, and the
// members are reclaimed here, in the background.
#pragma once

#include <atomic>
#include <memory>

#include <rocksdb/compaction_filter.h>

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace redrock::engine {

// Where the filter reads meta records; set once the DB is open, cleared before it closes.
struct GcFilterTarget {
  std::atomic<rocksdb::DB*> db{nullptr};
  std::atomic<rocksdb::ColumnFamilyHandle*> meta_cf{nullptr};
};

std::unique_ptr<rocksdb::CompactionFilterFactory> NewMemberGcFilterFactory(
    std::shared_ptr<GcFilterTarget> target);

}  // namespace redrock::engine
