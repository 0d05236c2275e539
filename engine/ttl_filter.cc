// Meta TTL compaction filter.
#include "engine/ttl_filter.h"

#include "engine/key_format.h"

namespace redrock::engine {

namespace {

class MetaTtlFilter : public rocksdb::CompactionFilter {
 public:
  // One clock reading per compaction: cheap, and a record that expires mid-compaction is
  // simply left for the next one.
  explicit MetaTtlFilter(uint64_t now_ms) : now_ms_(now_ms) {}

  bool Filter(int /*level*/, const rocksdb::Slice& /*key*/, const rocksdb::Slice& value,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    uint64_t expire_ms = 0;
    if (!PeekMetaExpire(std::string_view(value.data(), value.size()), &expire_ms)) return false;
    return expire_ms != 0 && expire_ms <= now_ms_;
  }

  const char* Name() const override { return "redrock.MetaTtlFilter"; }

 private:
  uint64_t now_ms_;
};

class MetaTtlFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& /*context*/) override {
    return std::make_unique<MetaTtlFilter>(NowMs());
  }
  const char* Name() const override { return "redrock.MetaTtlFilterFactory"; }
};

}  // namespace

std::unique_ptr<rocksdb::CompactionFilterFactory> NewMetaTtlFilterFactory() {
  return std::make_unique<MetaTtlFilterFactory>();
}

}  // namespace redrock::engine
