// ValueSink: the streaming shape every value takes between a source (the database, an RDB
// value, a dump record) and a destination (the database, an RDB writer, a dump writer), so
// no collection has to fit in memory on its way through.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/key_format.h"
#include "engine/status.h"

namespace redrock::engine {

// One element of a value. Strings: `member` is the value. Lists: `member` is the element.
// Sets: `member`. Hashes: `member` is the field, `value` its value. Sorted sets: `member`
// and `score`.
struct ValueElement {
  std::string_view member;
  std::string_view value;
  double score = 0;
};

class ValueSink {
 public:
  virtual ~ValueSink() = default;
  // Starts a value of `type`. `count` is the number of elements that will follow when the
  // source knows it (0 when it does not, e.g. a quicklist whose nodes are still unread).
  virtual Status Begin(ValueType type, uint64_t count) = 0;
  // One element (a string value is exactly one element).
  virtual Status Add(const ValueElement& e) = 0;
  // The value is complete.
  virtual Status End() = 0;
};

}  // namespace redrock::engine
