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

struct SourceFilter {
  int db = -1;        // -1: every database
  std::string match;  // glob over key names; empty: every key
};

class DbSource {
 public:
  DbSource() = default;
  ~DbSource();
  DbSource(const DbSource&) = delete;
  DbSource& operator=(const DbSource&) = delete;

  // Opens `dir` (a redrock --dir) read-only as a secondary instance.
  Status Open(const std::string& dir);
  // Key count the database's own counters report (for progress/ETA), over `filter.db`.
  uint64_t EstimatedKeys(const SourceFilter& filter) const;
  // Streams every live key passing `filter`, in (db, key) order. `on_key` gets each header
  // and must return the sink for its value; `after_key` runs once the value ended.
  Status Scan(const SourceFilter& filter,
              const std::function<Status(const KeyHeader&, engine::ValueSink**)>& on_key,
              const std::function<Status()>& after_key);

 private:
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  std::string secondary_dir_;
};

}  // namespace redrock::dump
