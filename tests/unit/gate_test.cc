// ExclusiveGate: an exclusive holder never overlaps a shared one, and a steady stream of
// shared holders does not starve it.
#include "server/gate.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace redrock::server {
namespace {

TEST(ExclusiveGateTest, ExclusiveNeverOverlapsShared) {
  ExclusiveGate gate;
  std::atomic<int> shared_inside{0};
  std::atomic<int> exclusive_inside{0};
  std::atomic<int> violations{0};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> shared_rounds{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; t++) {
    readers.emplace_back([&]() {
      while (!stop.load()) {
        gate.lock_shared();
        shared_inside.fetch_add(1);
        if (exclusive_inside.load() != 0) violations.fetch_add(1);
        shared_inside.fetch_sub(1);
        gate.unlock_shared();
        shared_rounds.fetch_add(1);
      }
    });
  }
  std::vector<std::thread> writers;
  std::atomic<int> exclusive_rounds{0};
  for (int t = 0; t < 2; t++) {
    writers.emplace_back([&]() {
      for (int i = 0; i < 200; i++) {
        gate.lock();
        if (exclusive_inside.fetch_add(1) != 0) violations.fetch_add(1);
        if (shared_inside.load() != 0) violations.fetch_add(1);
        std::this_thread::yield();
        if (shared_inside.load() != 0) violations.fetch_add(1);
        exclusive_inside.fetch_sub(1);
        gate.unlock();
        exclusive_rounds.fetch_add(1);
      }
    });
  }
  // The writers finish although four readers never stop asking (writer preference).
  for (auto& w : writers)
    w.join();
  stop.store(true);
  for (auto& r : readers)
    r.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_EQ(exclusive_rounds.load(), 400);
  EXPECT_GT(shared_rounds.load(), 0);
}

TEST(ExclusiveGateTest, SharedHoldersOfManyThreadsAreCountedExactly) {
  // More threads than the gate has slots: they share slots and must still be counted.
  ExclusiveGate gate;
  std::atomic<int> ready{0};
  std::atomic<bool> release{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 100; t++) {
    threads.emplace_back([&]() {
      gate.lock_shared();
      ready.fetch_add(1);
      while (!release.load())
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      gate.unlock_shared();
    });
  }
  while (ready.load() < 100)
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  std::atomic<bool> got_exclusive{false};
  std::thread writer([&]() {
    gate.lock();
    got_exclusive.store(true);
    gate.unlock();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(got_exclusive.load());  // 100 shared holders still inside
  release.store(true);
  for (auto& t : threads)
    t.join();
  writer.join();
  EXPECT_TRUE(got_exclusive.load());
}

}  // namespace
}  // namespace redrock::server
