// Memory budget split and its run-time hooks.
#include "server/memory_budget.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include <spdlog/spdlog.h>

#include "engine/engine.h"
#include "server/config.h"

namespace redrock::server {

namespace {

constexpr uint64_t kMinDefaultMaxmemory = 256ULL << 20;
constexpr uint64_t kMinBlockCache = 8ULL << 20;
constexpr uint64_t kMinMemtables = 8ULL << 20;

uint64_t CgroupLimit() {
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max") continue;
    try {
      return std::stoull(text);
    } catch (...) {
      continue;
    }
  }
  return 0;
}

std::optional<uint64_t> Explicit(const Config& config, const char* name) {
  if (!config.IsExplicit(name)) return std::nullopt;
  return config.GetMemory(name);
}

uint64_t Share(uint64_t total, double share) {
  return static_cast<uint64_t>(static_cast<double>(total) * share);
}

}  // namespace

uint64_t AvailableMemory() {
  const uint64_t ram =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t cgroup = CgroupLimit();
  return cgroup != 0 && cgroup < ram ? cgroup : ram;
}

uint64_t DefaultMaxmemory() {
  return std::max(kMinDefaultMaxmemory, AvailableMemory() / 4);
}

MemoryBudget SplitMemoryBudget(uint64_t total, std::optional<uint64_t> hot_tier,
                               std::optional<uint64_t> block_cache,
                               std::optional<uint64_t> memtables) {
  MemoryBudget b;
  b.total = total;
  b.hot_tier = hot_tier.value_or(Share(total, kHotTierShare));
  b.block_cache = std::max(kMinBlockCache, block_cache.value_or(Share(total, kBlockCacheShare)));
  b.memtables = std::max(kMinMemtables, memtables.value_or(Share(total, kMemtableShare)));
  return b;
}

MemoryBudget BudgetFromConfig(const Config& config) {
  uint64_t total = config.GetMemory("maxmemory");
  if (total == 0) total = DefaultMaxmemory();
  return SplitMemoryBudget(total, Explicit(config, "hot-tier-size"),
                           Explicit(config, "block-cache-size"),
                           Explicit(config, "write-buffer-size"));
}

void ResolveMemoryBudget(Config* config, engine::EngineOptions* options) {
  if (config->GetMemory("maxmemory") == 0) {
    const std::string bytes = std::to_string(DefaultMaxmemory());
    if (config->IsExplicit("maxmemory")) {
      // "maxmemory 0" means "no limit" to Redis; redrock never refuses writes either way,
      // so it takes the default budget for its caches.
      std::string error;
      config->Set({{"maxmemory", bytes}}, &error);
    } else {
      config->SetDerivedDefault("maxmemory", bytes);
    }
  }
  const MemoryBudget b = BudgetFromConfig(*config);
  config->SetDerivedDefault("hot-tier-size", std::to_string(b.hot_tier));
  config->SetDerivedDefault("block-cache-size", std::to_string(b.block_cache));
  config->SetDerivedDefault("write-buffer-size", std::to_string(b.memtables));
  options->block_cache_bytes = b.block_cache;
  options->write_buffer_bytes = b.memtables;
  const uint64_t parts = b.hot_tier + b.block_cache + b.memtables;
  if (parts > b.total) {
    spdlog::warn(
        "memory budget: hot-tier-size + block-cache-size + write-buffer-size ({} bytes) "
        "exceed maxmemory ({} bytes); the process will grow past maxmemory",
        parts, b.total);
  }
}

void RegisterMemoryBudgetHooks(Config* config, engine::Engine* engine) {
  // Runs after the new value is stored, so BudgetFromConfig sees it.
  auto resize = [config, engine](const std::string&) -> std::string {
    const MemoryBudget b = BudgetFromConfig(*config);
    // Parts the operator never sized follow the new total (no-ops for explicit ones).
    config->SetDerivedDefault("hot-tier-size", std::to_string(b.hot_tier));
    config->SetDerivedDefault("block-cache-size", std::to_string(b.block_cache));
    config->SetDerivedDefault("write-buffer-size", std::to_string(b.memtables));
    engine->SetRocksMemory(b.block_cache, b.memtables);
    engine->SetHotTierBudget(b.hot_tier);
    return "";
  };
  config->OnApply("maxmemory", resize);
  config->OnApply("block-cache-size", resize);
  config->OnApply("write-buffer-size", resize);
}

}  // namespace redrock::server
