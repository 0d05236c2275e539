// Engine: owns the RocksDB instance (column families meta, data, zscore, expire), the
// durability policy, per-db key counters, the key lock table and the active expiry cycle.
// Data-type operations (strings, keyspace...) live in their own files and use this class.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>

#include "engine/hot_tier.h"
#include "engine/status.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
class Cache;
class Statistics;
class WriteBufferManager;
}  // namespace rocksdb

namespace redrock::engine {

class KeyLocks;
class AccessClock;
struct GcFilterTarget;

// Redis's appendfsync policies mapped onto the RocksDB WAL.
enum class FsyncMode { kAlways, kEverySec, kNo };

// Parses "always" / "everysec" / "no"; returns false otherwise.
bool ParseFsyncMode(std::string_view text, FsyncMode* mode);
const char* FsyncModeName(FsyncMode mode);

struct EngineOptions {
  std::string dir = "./data";  // RocksDB directory
  int databases = 16;          // SELECT range
  FsyncMode fsync = FsyncMode::kEverySec;
  // Memory budget parts (see docs/memory.md). The block cache holds data, index and filter
  // blocks; the memtables of all column families together are bounded by
  // write_buffer_bytes through a write buffer manager charged to the same cache, so cache
  // plus memtables never exceed block_cache_bytes + write_buffer_bytes.
  uint64_t block_cache_bytes = 128ULL << 20;
  uint64_t write_buffer_bytes = 64ULL << 20;  // all memtables together
  uint64_t hot_tier_bytes = 64ULL << 20;      // hot tier budget; 0 disables it
  int background_jobs = 2;                    // flushes + compactions running at once
  int active_expire_hz = 10;                  // active expiry cycles per second; 0 disables
  // Compaction rewrites files older than this so the TTL filters see cold data too.
  uint64_t periodic_compaction_seconds = 24 * 3600;
};

// Counters reported by INFO.
struct EngineStats {
  uint64_t expired_keys = 0;           // keys removed because their TTL passed
  uint64_t expired_stale_entries = 0;  // expiry-index entries found stale by the cycle
  uint64_t active_expire_cycles = 0;
  uint64_t wal_syncs = 0;
  uint64_t wal_writes = 0;
  uint64_t last_save_unix = 0;  // last SAVE/BGSAVE (or start) time, seconds
};

class Engine {
 public:
  // Opens (creating if missing) the database in options.dir.
  static Status Open(const EngineOptions& options, std::unique_ptr<Engine>* engine);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  // Closes cleanly (see Close).
  ~Engine();

  // Stops background work, syncs the WAL and closes RocksDB. Idempotent.
  Status Close();
  // Closes and reopens the same directory in-process (DEBUG RELOAD). The caller must make
  // sure no other operation runs meanwhile.
  Status Reload();

  const EngineOptions& options() const { return options_; }
  int databases() const { return options_.databases; }

  // Durability policy, changeable at run time (CONFIG SET appendfsync).
  void SetFsyncMode(FsyncMode mode);
  FsyncMode fsync_mode() const { return fsync_.load(std::memory_order_relaxed); }
  // fsyncs the WAL now (writing out what is still buffered first).
  Status SyncWal();
  // The WAL is written with manual flushes: a commit appends to RocksDB's in-process WAL
  // buffer, and this writes that buffer to the file (one write() for everything committed
  // since the last call, from any thread). The server calls it before it sends replies, so
  // every write a reply depends on is in the OS before the client sees the reply, and a
  // kill -9 of the process loses nothing acknowledged. Cheap when nothing is pending.
  Status WriteOutWal();

  // SAVE: flushes every memtable to SST files (the WAL stays the journal either way).
  Status FlushMemtables();
  // BGSAVE: flushes and creates a RocksDB checkpoint (hard-linked SSTs) in `dir`, which must
  // not exist.
  Status CreateCheckpoint(const std::string& dir);
  // Compacts every column family fully (DEBUG / tests): runs the TTL and GC filters.
  Status CompactAll();

  // Exact number of keys in `db` (expired keys count until removed, as in Redis).
  int64_t KeyCount(int db) const;
  // Number of keys with a TTL in `db`.
  int64_t ExpireCount(int db) const;

  // Removes every key of `db` / of all dbs with range deletions: cost independent of size.
  // Takes every key lock, so it is atomic with respect to other writers.
  Status FlushDb(int db);
  Status FlushAll();

  // Runs one active expiry pass now over keys expired at `now_ms`; returns keys removed.
  // The background cycle calls this; tests may too.
  int64_t ExpireCycle(uint64_t now_ms, int64_t max_keys);

  EngineStats stats() const;
  // A RocksDB property summed over column families (e.g. "rocksdb.estimate-live-data-size").
  uint64_t IntProperty(const std::string& name) const;
  // Bytes of SST + WAL files on disk.
  uint64_t DiskUsage() const;

  // RocksDB's share of the memory budget, as INFO memory reports it.
  struct MemoryUsage {
    uint64_t block_cache_capacity = 0;  // block cache + memtable budget (one cache)
    uint64_t block_cache_usage = 0;     // bytes charged to the cache, memtables included
    uint64_t block_cache_pinned = 0;    // of which pinned (in use, not evictable)
    uint64_t memtables = 0;             // all memtables, active and immutable
    uint64_t memtable_budget = 0;       // write buffer manager limit
    uint64_t table_readers = 0;         // table reader memory outside the cache
  };
  MemoryUsage memory_usage() const;
  // Changes the block cache and memtable budgets at run time (CONFIG SET maxmemory).
  void SetRocksMemory(uint64_t block_cache_bytes, uint64_t write_buffer_bytes);

  // Hot tier counters (INFO hottier), and its budget, changeable at run time (0 disables).
  HotTierStats hot_tier_stats() const;
  void SetHotTierBudget(uint64_t bytes);
  HotTier& hot_tier() { return *hot_tier_; }

  // --- used by the data-type files ---
  // Point read. Inside a Transaction (MULTI/EXEC) it sees the transaction's pending writes
  // on top of the database; data-type code must read through this, never db() directly.
  rocksdb::Status Get(const rocksdb::ReadOptions& ro, rocksdb::ColumnFamilyHandle* cf,
                      const rocksdb::Slice& key, rocksdb::PinnableSlice* value) const;
  // Iterator with the same visibility as Get. An iterator bounded to one collection (lower
  // bound inside [db][key len][key][version], upper bound inside or just past it) on the
  // data or zscore family is served from the hot tier when the collection is cached whole.
  std::unique_ptr<rocksdb::Iterator> NewIterator(const rocksdb::ReadOptions& ro,
                                                 rocksdb::ColumnFamilyHandle* cf) const;

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* meta_cf() const { return cfs_[kMeta]; }
  rocksdb::ColumnFamilyHandle* data_cf() const { return cfs_[kData]; }
  rocksdb::ColumnFamilyHandle* zscore_cf() const { return cfs_[kZScore]; }
  rocksdb::ColumnFamilyHandle* expire_cf() const { return cfs_[kExpire]; }
  rocksdb::ColumnFamilyHandle* internal_cf() const { return cfs_[kDefault]; }
  KeyLocks& locks() { return *locks_; }
  // Last-access times for OBJECT IDLETIME (memory only).
  AccessClock& access_clock() { return *access_clock_; }

  // Applies `batch` atomically with the configured durability, then adds the per-db deltas of
  // key and expire counts (which the batch must already carry as merge operands).
  Status Commit(rocksdb::WriteBatch* batch, const std::vector<std::pair<int, int64_t>>& key_deltas,
                const std::vector<std::pair<int, int64_t>>& expire_deltas);

  // Deletes (db, key) if its record still carries `expire_ms` and that time has passed: the
  // lazy half of expiry, called by reads that find an expired record. Does nothing when the
  // calling thread holds key locks (the active cycle will get the key instead).
  void ReapExpired(int db, std::string_view key, uint64_t expire_ms);

  // A fresh version number for a collection (strictly increasing, also across restarts).
  uint64_t NewVersion();

  // Called on the deleting thread after a key was removed because its TTL passed (active
  // cycle or lazy reap), for keyspace notifications. An empty function removes it; once that
  // call returns, the old listener is not running and will not be called again.
  using ExpiredListener = std::function<void(int db, std::string_view key)>;
  void SetExpiredListener(ExpiredListener listener);
  // Pauses or resumes the active expiry cycle (DEBUG SET-ACTIVE-EXPIRE); reads still reap.
  void SetActiveExpire(bool on) { active_expire_on_.store(on, std::memory_order_relaxed); }
  // Active expiry cycles per second (CONFIG SET hz), clamped to 1-500 as Redis does; takes
  // effect at the next cycle. No effect when the engine was opened with active expiry off.
  void SetActiveExpireHz(int hz);

 private:
  enum CfIndex { kDefault = 0, kMeta, kData, kZScore, kExpire, kNumCf };

  explicit Engine(const EngineOptions& options);
  Status OpenDb();
  void CloseDb();
  Status LoadCounters();
  void StartBackground();
  void StopBackground();
  void BackgroundLoop();
  void NotifyExpired(int db, std::string_view key);
  // Writes `batch` to RocksDB and then through to the hot tier (engine_hot.cc).
  rocksdb::Status WriteThrough(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch* batch);
  // Reads the collection of `prefix` whole at a snapshot and offers it to the hot tier when
  // the tier wants it; returns what the tier then holds (null: read RocksDB as usual).
  std::shared_ptr<const HotTier::Members> HotMembers(std::string_view prefix,
                                                     const rocksdb::ReadOptions& ro) const;
  // Tells the hot tier the column family ids and empties it (after OpenDb).
  void ResetHotTier();

  EngineOptions options_;
  std::atomic<FsyncMode> fsync_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  std::shared_ptr<rocksdb::Cache> block_cache_;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffer_manager_;
  std::unique_ptr<KeyLocks> locks_;
  std::unique_ptr<AccessClock> access_clock_;
  std::unique_ptr<HotTier> hot_tier_;
  std::shared_ptr<GcFilterTarget> gc_target_;

  std::unique_ptr<std::atomic<int64_t>[]> key_counts_;
  std::unique_ptr<std::atomic<int64_t>[]> expire_counts_;
  std::atomic<uint64_t> last_version_{0};

  std::atomic<uint64_t> expired_keys_{0};
  std::atomic<uint64_t> expired_stale_{0};
  std::atomic<uint64_t> expire_cycles_{0};
  std::atomic<uint64_t> wal_syncs_{0};
  std::atomic<uint64_t> wal_writes_{0};
  // Every sequence number up to this one is in the WAL file (not only in RocksDB's buffer).
  std::atomic<uint64_t> wal_written_seq_{0};
  std::mutex wal_write_mu_;
  std::atomic<uint64_t> last_save_unix_{0};
  std::vector<uint64_t> expire_cursor_ms_;  // per db: where the last cycle stopped

  std::shared_mutex listener_mu_;  // held shared while the listener runs
  ExpiredListener expired_listener_;
  std::atomic<bool> active_expire_on_{true};
  std::atomic<int> active_expire_hz_{10};  // 0: opened with active expiry off
  std::atomic<bool> has_listener_{false};

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  bool bg_stop_ = false;
  std::thread bg_thread_;
};

}  // namespace redrock::engine
