// The exclusive gate: every command holds it shared while it runs; the few commands that
// must run alone (DEBUG RELOAD, FLUSHALL) hold it exclusively. Writer-preferring, so a waiting
// exclusive command is not starved by a steady stream of ordinary ones.
#pragma once

#include <pthread.h>

namespace redrock::server {

class ExclusiveGate {
 public:
  ExclusiveGate() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~ExclusiveGate() { pthread_rwlock_destroy(&lock_); }

  ExclusiveGate(const ExclusiveGate&) = delete;
  ExclusiveGate& operator=(const ExclusiveGate&) = delete;

  // Shared (ordinary command). Never taken recursively by one thread.
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }
  // Exclusive (kCmdExclusive command).
  void lock() { pthread_rwlock_wrlock(&lock_); }
  void unlock() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

}  // namespace redrock::server
