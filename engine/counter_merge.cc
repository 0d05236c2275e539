// Counter merge operator: int64 addition.
#include "engine/counter_merge.h"

#include <string>

#include "engine/coding.h"

namespace redrock::engine {

namespace {

int64_t DecodeCounter(const rocksdb::Slice& s) {
  if (s.size() != 8) return 0;  // unreadable counters restart from zero rather than fail
  return static_cast<int64_t>(DecodeFixed64(s.data()));
}

class CounterMergeOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/, const rocksdb::Slice* existing,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    int64_t sum = (existing ? DecodeCounter(*existing) : 0) + DecodeCounter(value);
    new_value->clear();
    PutFixed64(new_value, static_cast<uint64_t>(sum));
    return true;
  }
  const char* Name() const override { return "redrock.CounterMerge"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator() {
  return std::make_shared<CounterMergeOperator>();
}

}  // namespace redrock::engine
