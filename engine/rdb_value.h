// Redis RDB values: decoding every encoding Redis 2.6 to 7.2 writes for strings, lists, sets,
// hashes and sorted sets into a ValueSink, and encoding a value (type byte + body) from one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "engine/rdb_format.h"
#include "engine/value_sink.h"

namespace redrock::engine {

// Decodes the body of a value of RDB type `rdb_type` from `in` into `sink`. Corruption (with
// the byte offset) on malformed input, on empty collections (as Redis refuses them), and
// InvalidArgument for types redrock does not store (streams, modules).
Status DecodeRdbValue(uint8_t rdb_type, RdbInput* in, ValueSink* sink);

// Encodes a value into RDB bytes: the type byte, then the body. The encodings are those every
// Redis since 4.0 loads (string, list, set, hash, zset2), which Redis converts to its compact
// forms on load. Begin must announce the exact element count of collections.
class RdbValueWriter : public ValueSink {
 public:
  // Appends to *out; `flush` (optional) is called whenever *out holds at least flush_bytes,
  // so a file writer can drain it and keep memory constant.
  using FlushFn = std::function<Status(std::string* out)>;
  explicit RdbValueWriter(std::string* out, FlushFn flush = nullptr, size_t flush_bytes = 1 << 20)
      : out_(out), flush_(std::move(flush)), flush_bytes_(flush_bytes) {}

  // RDB files put the key between the type byte and the body: the next Begin writes it.
  void SetKey(std::string_view key) {
    key_.assign(key);
    has_key_ = true;
  }

  Status Begin(ValueType type, uint64_t count) override;
  Status Add(const ValueElement& e) override;
  Status End() override;

 private:
  std::string key_;
  bool has_key_ = false;
  std::string* out_;
  FlushFn flush_;
  size_t flush_bytes_;
  ValueType type_ = ValueType::kString;
  uint64_t expected_ = 0;
  uint64_t written_ = 0;
};

// The RDB type byte redrock writes for a value type.
uint8_t RdbTypeFor(ValueType type);

}  // namespace redrock::engine
