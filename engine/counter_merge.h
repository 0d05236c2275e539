// Merge operator for the per-db key counters: operands and values are signed 64-bit
// big-endian integers that add up. Each write batch that creates or removes keys carries a
// merge operand, so the counters are exact and crash-consistent without a read-modify-write.
#pragma once

#include <memory>

#include <rocksdb/merge_operator.h>

namespace redrock::engine {

std::shared_ptr<rocksdb::MergeOperator> NewCounterMergeOperator();

}  // namespace redrock::engine
