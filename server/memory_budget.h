// The process memory budget: `maxmemory` split between the hot tier, the RocksDB block
// cache and the memtables, with the rest left as headroom for connections, allocator
// overhead and RocksDB's own bookkeeping. Unlike Redis, reaching the budget never refuses
// writes or drops data: it only decides how much of the dataset stays in RAM.
#pragma once

#include <cstdint>
#include <optional>

namespace redrock::engine {
class Engine;
struct EngineOptions;
}  // namespace redrock::engine

namespace redrock::server {

class Config;

struct MemoryBudget {
  uint64_t total = 0;
  uint64_t hot_tier = 0;
  uint64_t block_cache = 0;
  uint64_t memtables = 0;
};

// Shares of the total given to the parts the operator did not size explicitly.
inline constexpr double kHotTierShare = 0.25;
inline constexpr double kBlockCacheShare = 0.25;
inline constexpr double kMemtableShare = 0.15;

// Physical memory available to this process: RAM, or the cgroup limit when lower.
uint64_t AvailableMemory();
// maxmemory when the operator gives none (or 0): a quarter of AvailableMemory(), at least
// 256 MB.
uint64_t DefaultMaxmemory();

// Splits `total`; a part given explicitly keeps its size, the others get their share.
MemoryBudget SplitMemoryBudget(uint64_t total, std::optional<uint64_t> hot_tier,
                               std::optional<uint64_t> block_cache,
                               std::optional<uint64_t> memtables);

// The budget the configuration asks for (maxmemory 0 = DefaultMaxmemory()).
MemoryBudget BudgetFromConfig(const Config& config);

// At start-up: resolves maxmemory and the parts the operator left unset into the
// configuration (so CONFIG GET shows the sizes in effect) and into `options`.
void ResolveMemoryBudget(Config* config, engine::EngineOptions* options);

// Registers the CONFIG SET hooks that resize the block cache and memtable budget at run
// time when maxmemory, block-cache-size or write-buffer-size change.
void RegisterMemoryBudgetHooks(Config* config, engine::Engine* engine);

}  // namespace redrock::server
