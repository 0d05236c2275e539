// Compaction filter on the meta column family: drops records whose TTL has passed. This is
// the second line of expiry (the active cycle is the first); it makes sure expired keys
// nobody touches stop costing disk. RocksDB turns a filtered record into a deletion marker,
// so an older value of the same key in a lower level cannot resurface.
#pragma once

#include <memory>

#include <rocksdb/compaction_filter.h>

namespace redrock::engine {

std::unique_ptr<rocksdb::CompactionFilterFactory> NewMetaTtlFilterFactory();

}  // namespace redrock::engine
