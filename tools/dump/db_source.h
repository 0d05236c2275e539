// Reading keys out of a redrock data directory without stopping its server: the directory
// is opened as a RocksDB secondary instance, which replays the primary's files and WAL up
// to one point in time and never writes to them. Every key is read at that single point,
// so the dump is a consistent snapshot, not a racing scan.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/status.h"
#include "tools/dump/key_stream.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace redrock::dump {

class DbSource : public KeySource {
 public:
  DbSource() = default;
  ~DbSource() override;
  DbSource(const DbSource&) = delete;
  DbSource& operator=(const DbSource&) = delete;

  // Opens `dir` (a redrock --dir) read-only as a secondary instance.
  Status Open(const std::string& dir);
  // The point in time is the one Open caught up to; the estimate is the key count the
  // database's own counters report over `filter.db`.
  Status Start(const SourceFilter& filter, uint64_t* estimated_keys) override;
  Status Scan(const KeyStart& on_key, const KeyEnd& after_key) override;

 private:
  SourceFilter filter_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  std::string secondary_dir_;
};

}  // namespace redrock::dump
