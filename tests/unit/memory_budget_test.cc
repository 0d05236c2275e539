// Specification of the memory budget split: maxmemory's default, shares for the parts the
// operator did not size, explicit sizes kept, derived values visible through CONFIG GET and
// left out of CONFIG REWRITE.
#include "server/memory_budget.h"

#include <string>

#include <gtest/gtest.h>

#include "engine/engine.h"
#include "server/config.h"

namespace redrock::server {
namespace {

constexpr uint64_t kMb = 1ULL << 20;

TEST(MemoryBudgetTest, SharesOfTheTotal) {
  MemoryBudget b = SplitMemoryBudget(1000 * kMb, std::nullopt, std::nullopt, std::nullopt);
  EXPECT_EQ(b.total, 1000 * kMb);
  EXPECT_EQ(b.hot_tier, 250 * kMb);
  EXPECT_EQ(b.block_cache, 250 * kMb);
  EXPECT_EQ(b.memtables, 150 * kMb);
  // Parts plus headroom: the parts alone stay well inside the total.
  EXPECT_LE(b.hot_tier + b.block_cache + b.memtables, b.total * 70 / 100);
}

TEST(MemoryBudgetTest, ExplicitPartsKeepTheirSize) {
  MemoryBudget b = SplitMemoryBudget(1000 * kMb, 0, 50 * kMb, std::nullopt);
  EXPECT_EQ(b.hot_tier, 0u);  // 0 = tier disabled, not "default"
  EXPECT_EQ(b.block_cache, 50 * kMb);
  EXPECT_EQ(b.memtables, 150 * kMb);
}

TEST(MemoryBudgetTest, TinyBudgetsKeepWorkingMinimums) {
  MemoryBudget b = SplitMemoryBudget(16 * kMb, std::nullopt, std::nullopt, std::nullopt);
  EXPECT_GE(b.block_cache, 8 * kMb);
  EXPECT_GE(b.memtables, 8 * kMb);
}

TEST(MemoryBudgetTest, DefaultIsAQuarterOfMemoryAtLeast256Mb) {
  EXPECT_GE(DefaultMaxmemory(), 256 * kMb);
  EXPECT_GE(DefaultMaxmemory(), AvailableMemory() / 4);
  EXPECT_LE(DefaultMaxmemory(), std::max<uint64_t>(256 * kMb, AvailableMemory() / 4));
}

TEST(MemoryBudgetTest, ResolveFillsUnsetPartsFromMaxmemory) {
  Config c;
  std::string error;
  ASSERT_TRUE(c.LoadFromArgs({"--maxmemory", "1000mb", "--block-cache-size", "100mb"}, &error))
      << error;
  engine::EngineOptions options;
  ResolveMemoryBudget(&c, &options);
  EXPECT_EQ(c.GetMemory("maxmemory"), 1000 * kMb);
  EXPECT_EQ(c.GetMemory("block-cache-size"), 100 * kMb);  // explicit
  EXPECT_EQ(c.GetMemory("hot-tier-size"), 250 * kMb);     // derived
  EXPECT_EQ(c.GetMemory("write-buffer-size"), 150 * kMb);
  EXPECT_EQ(options.block_cache_bytes, 100 * kMb);
  EXPECT_EQ(options.write_buffer_bytes, 150 * kMb);
  EXPECT_TRUE(c.IsExplicit("block-cache-size"));
  EXPECT_FALSE(c.IsExplicit("hot-tier-size"));
}

TEST(MemoryBudgetTest, ZeroMaxmemoryMeansTheDefault) {
  Config c;
  std::string error;
  ASSERT_TRUE(c.LoadFromArgs({"--maxmemory", "0"}, &error)) << error;
  engine::EngineOptions options;
  ResolveMemoryBudget(&c, &options);
  EXPECT_EQ(c.GetMemory("maxmemory"), DefaultMaxmemory());
  EXPECT_EQ(c.GetMemory("block-cache-size"),
            static_cast<uint64_t>(static_cast<double>(DefaultMaxmemory()) * kBlockCacheShare));
}

}  // namespace
}  // namespace redrock::server
