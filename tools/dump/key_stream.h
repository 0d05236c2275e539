// The shape every dump reader produces and every restore target consumes: a sequence of
// keys, each a header followed by its value as a ValueSink stream.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "engine/status.h"
#include "engine/value_sink.h"

namespace redrock::dump {

struct KeyHeader {
  int db = 0;
  std::string key;
  uint64_t expire_ms = 0;  // absolute unix ms; 0 = none
};

// A key for a message: printable ASCII as is, other bytes as \xNN (keys are binary).
inline std::string PrintableKey(std::string_view key) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

class KeyConsumer {
 public:
  virtual ~KeyConsumer() = default;
  // A key starts: *sink receives its value (Begin, Add..., End). The consumer may hand out a
  // sink that only checks and drops the value (a skipped key).
  virtual Status StartKey(const KeyHeader& header, engine::ValueSink** sink) = 0;
  // The key's value ended (after sink->End()).
  virtual Status FinishKey() = 0;
};

// Which keys a dump reads.
struct SourceFilter {
  int db = -1;        // -1: every database
  std::string match;  // glob over key names; empty: every key
};

// Where redrock-dump reads keys from: a data directory (DbSource) or a running server over
// the network (NetSource). Both deliver every live key once, in (db, key) order, all read
// at one point in time.
class KeySource {
 public:
  using KeyStart = std::function<Status(const KeyHeader&, engine::ValueSink**)>;
  using KeyEnd = std::function<Status()>;

  virtual ~KeySource() = default;
  // Fixes the point in time and the filter; *estimated_keys gets the number of keys the
  // filter's databases hold (for progress; the filter's pattern is not applied to it).
  virtual Status Start(const SourceFilter& filter, uint64_t* estimated_keys) = 0;
  // Streams every live key passing the filter. `on_key` gets each header and must return
  // the sink for its value; `after_key` runs once the value ended.
  virtual Status Scan(const KeyStart& on_key, const KeyEnd& after_key) = 0;
};

// A sink that accepts and drops everything, counting elements (verify-only reads, skips).
class DiscardSink : public engine::ValueSink {
 public:
  Status Begin(engine::ValueType, uint64_t) override { return Status::OK(); }
  Status Add(const engine::ValueElement&) override {
    elements_++;
    return Status::OK();
  }
  Status End() override { return Status::OK(); }
  uint64_t elements() const { return elements_; }

 private:
  uint64_t elements_ = 0;
};

}  // namespace redrock::dump
