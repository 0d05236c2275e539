// The exclusive gate: every command holds it shared while it runs; the few commands that
// must run alone (DEBUG RELOAD, FLUSHALL) hold it exclusively. Writer-preferring, so a waiting
// exclusive command is not starved by a steady stream of ordinary ones.
//
// Ordinary commands take it hundreds of thousands of times a second from every io thread,
// and a single reader count (pthread_rwlock) would bounce one cache line between the cores on
// each of them. So each thread counts its shared holds in its own cache line: taking the gate
// shared is a store to that line and a load of the exclusive flag, and only an exclusive
// locker (rare) looks at every line. Both sides use sequentially consistent operations, so
// of a reader and an exclusive locker arriving together at least one sees the other.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <thread>

namespace redrock::server {

class ExclusiveGate {
 public:
  ExclusiveGate() = default;
  ExclusiveGate(const ExclusiveGate&) = delete;
  ExclusiveGate& operator=(const ExclusiveGate&) = delete;

  // Shared (ordinary command). Never taken recursively by one thread.
  void lock_shared() {
    Slot& slot = MySlot();
    for (;;) {
      slot.holds.fetch_add(1, std::memory_order_seq_cst);
      if (!exclusive_.load(std::memory_order_seq_cst)) return;
      // An exclusive holder or waiter: step back and wait for it to finish.
      slot.holds.fetch_sub(1, std::memory_order_seq_cst);
      Pause(&exclusive_);
    }
  }
  void unlock_shared() { MySlot().holds.fetch_sub(1, std::memory_order_release); }

  // Exclusive (kCmdExclusive command): waits for every shared holder to leave.
  void lock() {
    exclusive_mu_.lock();
    exclusive_.store(true, std::memory_order_seq_cst);
    for (Slot& slot : slots_) {
      while (slot.holds.load(std::memory_order_seq_cst) != 0)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  void unlock() {
    exclusive_.store(false, std::memory_order_seq_cst);
    exclusive_mu_.unlock();
  }

 private:
  static constexpr size_t kSlots = 64;
  struct alignas(64) Slot {
    std::atomic<int64_t> holds{0};
  };

  // Threads get slots in the order they first use the gate; past kSlots they share them
  // (the counts stay exact, only the cache line is shared again). A thread remembers the slot
  // of the last gate it used: the server has one gate, and a thread must not hold one gate
  // shared while it takes another, or its unlock would count on a different slot.
  Slot& MySlot() {
    thread_local Slot* slot = nullptr;
    thread_local const ExclusiveGate* owner = nullptr;
    if (owner != this) {
      slot = &slots_[next_slot_.fetch_add(1, std::memory_order_relaxed) % kSlots];
      owner = this;
    }
    return *slot;
  }

  static void Pause(const std::atomic<bool>* flag) {
    for (int i = 0; flag->load(std::memory_order_seq_cst); i++) {
      if (i < 64) {
        std::this_thread::yield();
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    }
  }

  Slot slots_[kSlots];
  std::atomic<size_t> next_slot_{0};
  std::atomic<bool> exclusive_{false};
  std::mutex exclusive_mu_;  // one exclusive holder at a time
};

}  // namespace redrock::server
