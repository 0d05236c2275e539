// Scan cursor table: a ring of (cursor, scope, position) entries indexed by cursor.
#include "server/scan_cursor.h"

#include <chrono>

namespace redrock::server {

ScanCursorTable::ScanCursorTable(size_t capacity) : entries_(capacity) {
  // Start from a time-derived value so cursors of a restarted server rarely collide with the
  // ones its clients still hold (such a collision only restarts a scan: see the header).
  next_ = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count() &
                                0xffffffffffULL) *
          entries_.size();
}

uint64_t ScanCursorTable::Save(const std::string& scope, const std::string& position) {
  std::lock_guard<std::mutex> l(mu_);
  uint64_t cursor = ++next_;
  if (cursor == 0) cursor = ++next_;
  Entry& e = entries_[cursor % entries_.size()];
  e.cursor = cursor;
  e.scope = scope;
  e.position = position;
  return cursor;
}

std::optional<std::string> ScanCursorTable::Lookup(uint64_t cursor,
                                                   const std::string& scope) const {
  if (cursor == 0) return std::nullopt;
  std::lock_guard<std::mutex> l(mu_);
  const Entry& e = entries_[cursor % entries_.size()];
  if (e.cursor != cursor || e.scope != scope) return std::nullopt;
  return e.position;
}

ScanCursorTable& ScanCursorTable::Global() {
  static ScanCursorTable table;
  return table;
}

}  // namespace redrock::server
