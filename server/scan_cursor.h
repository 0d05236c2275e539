// Numeric SCAN cursors over an ordered keyspace. Clients (redis-py, redis-cli) expect the
// cursor to be an unsigned integer, but a RocksDB scan resumes from a key, so the server maps
// each cursor it hands out to the key it stopped at. The table is bounded (oldest entries
// are overwritten); a cursor that is no longer known restarts the scan from the beginning,
// which keeps SCAN's guarantee (every key present throughout is returned) at the cost of
// duplicates. Shared by SCAN and, later, HSCAN/SSCAN/ZSCAN.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace redrock::server {

class ScanCursorTable {
 public:
  explicit ScanCursorTable(size_t capacity = 65536);
  ScanCursorTable(const ScanCursorTable&) = delete;
  ScanCursorTable& operator=(const ScanCursorTable&) = delete;

  // Remembers where a scan of `scope` (e.g. db number, or db + collection key) stopped and
  // returns the cursor to give the client (never 0).
  uint64_t Save(const std::string& scope, const std::string& position);
  // The position saved for `cursor` in `scope`; nullopt (= start) when 0 or unknown. A
  // saved position may be the empty string (an empty key or member name is legal).
  std::optional<std::string> Lookup(uint64_t cursor, const std::string& scope) const;

  // The process-wide table.
  static ScanCursorTable& Global();

 private:
  struct Entry {
    uint64_t cursor = 0;
    std::string scope;
    std::string position;
  };
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  uint64_t next_ = 0;
};

}  // namespace redrock::server
