// Engine: RocksDB lifecycle, durability, counters and the background expiry/sync thread.
#include "engine/engine.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/utilities/table_properties_collectors.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_buffer_manager.h>
#include <spdlog/spdlog.h>

#include "engine/access_clock.h"
#include "engine/coding.h"
#include "engine/counter_merge.h"
#include "engine/gc_filter.h"
#include "engine/key_format.h"
#include "engine/key_locks.h"
#include "engine/transaction.h"
#include "engine/ttl_filter.h"
#include "engine/write_batch.h"

namespace redrock::engine {

namespace {

// "default" is RocksDB's kDefaultColumnFamilyName, spelled out: a static array must not depend
// on another library's static initialisation order.
const char* const kCfNames[] = {"default", "meta", "data", "zscore", "expire"};

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound();
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::IOError(s.ToString());
}

uint64_t NowMicros() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

bool ParseFsyncMode(std::string_view text, FsyncMode* mode) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "always") {
    *mode = FsyncMode::kAlways;
  } else if (lower == "everysec") {
    *mode = FsyncMode::kEverySec;
  } else if (lower == "no") {
    *mode = FsyncMode::kNo;
  } else {
    return false;
  }
  return true;
}

const char* FsyncModeName(FsyncMode mode) {
  switch (mode) {
    case FsyncMode::kAlways:
      return "always";
    case FsyncMode::kEverySec:
      return "everysec";
    case FsyncMode::kNo:
      return "no";
  }
  return "everysec";
}

Engine::Engine(const EngineOptions& options)
    : options_(options),
      fsync_(options.fsync),
      locks_(std::make_unique<KeyLocks>()),
      access_clock_(std::make_unique<AccessClock>()),
      hot_tier_(std::make_unique<HotTier>(options.hot_tier_bytes)),
      gc_target_(std::make_shared<GcFilterTarget>()),
      key_counts_(new std::atomic<int64_t>[options.databases]),
      expire_counts_(new std::atomic<int64_t>[options.databases]),
      expire_cursor_ms_(options.databases, 0) {
  active_expire_hz_ =
      options.active_expire_hz <= 0 ? 0 : std::clamp(options.active_expire_hz, 1, 500);
  for (int i = 0; i < options.databases; i++) {
    key_counts_[i] = 0;
    expire_counts_[i] = 0;
  }
}

Status Engine::Open(const EngineOptions& options, std::unique_ptr<Engine>* engine) {
  if (options.databases < 1 || options.databases > 65535) {
    return Status::InvalidArgument("databases must be between 1 and 65535");
  }
  std::unique_ptr<Engine> e(new Engine(options));
  REDROCK_RETURN_IF_ERROR(e->OpenDb());
  e->ResetHotTier();
  e->StartBackground();
  *engine = std::move(e);
  return Status::OK();
}

Engine::~Engine() {
  Close();
}

Status Engine::OpenDb() {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) return Status::IOError("cannot create " + options_.dir + ": " + ec.message());

  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.max_background_jobs = std::max(2, options_.background_jobs);
  db_opts.max_subcompactions = 1;
  // Opening every table reader at start costs time proportional to the number of files;
  // statistics are not needed to serve reads, so skip reading them at open.
  db_opts.skip_stats_update_on_db_open = true;
  db_opts.bytes_per_sync = 1 << 20;
  db_opts.wal_bytes_per_sync = 0;
  // Commits only append to the WAL buffer; WriteOutWal() writes it out once per batch of
  // replies instead of one write() per command (see engine.h).
  db_opts.manual_wal_flush = true;
  db_opts.keep_log_file_num = 5;
  db_opts.max_log_file_size = 16 << 20;
  // Bound the WAL so a restart replays only a short tail, whatever the dataset size: past
  // this, the column families holding the oldest WAL data are flushed.
  db_opts.max_total_wal_size =
      std::clamp<uint64_t>(2 * options_.write_buffer_bytes, 32ULL << 20, 256ULL << 20);
  db_opts.avoid_flush_during_shutdown = false;

  // One cache for the whole process: data, index and filter blocks, and (through the write
  // buffer manager) the memtables, so the two together stay within their budget. Writers
  // stall rather than let memtables grow past it.
  rocksdb::LRUCacheOptions cache_opts;
  cache_opts.capacity = options_.block_cache_bytes + options_.write_buffer_bytes;
  cache_opts.num_shard_bits = 6;
  cache_opts.high_pri_pool_ratio = 0.1;  // index and filter blocks
  block_cache_ = rocksdb::NewLRUCache(cache_opts);
  write_buffer_manager_ = std::make_shared<rocksdb::WriteBufferManager>(
      options_.write_buffer_bytes, block_cache_, /*allow_stall=*/true);
  db_opts.write_buffer_manager = write_buffer_manager_;
  // Each column family's memtable flushes at a quarter of the budget but at most 16 MB: an
  // insert walks a skiplist whose cost grows with its entry count and cache misses, and
  // redis-benchmark SET -P16 ran 25-35% faster with 16 MB memtables than with 64 MB. The
  // manager flushes the biggest memtable when all of them together reach the budget.
  const uint64_t cf_buffer =
      std::clamp<uint64_t>(options_.write_buffer_bytes / 4, 2ULL << 20, 16ULL << 20);

  auto table_options = [&](bool whole_key_bloom) {
    rocksdb::BlockBasedTableOptions t;
    t.block_cache = block_cache_;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10, false));
    t.whole_key_filtering = whole_key_bloom;
    // Index and filter blocks live in the cache (charged to the budget), partitioned so a
    // dataset far larger than RAM does not need its whole index resident; the small top
    // level stays pinned.
    t.cache_index_and_filter_blocks = true;
    t.cache_index_and_filter_blocks_with_high_priority = true;
    t.pin_top_level_index_and_filter = true;
    t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    t.partition_filters = true;
    t.metadata_block_size = 4096;
    t.format_version = 5;
    return std::shared_ptr<rocksdb::TableFactory>(rocksdb::NewBlockBasedTableFactory(t));
  };
  auto base_cf = [&]() {
    rocksdb::ColumnFamilyOptions cf;
    cf.write_buffer_size = cf_buffer;
    cf.max_write_buffer_number = 4;
    cf.level_compaction_dynamic_level_bytes = true;
    cf.compression = rocksdb::kLZ4Compression;
    cf.bottommost_compression = rocksdb::kZSTD;
    cf.periodic_compaction_seconds = options_.periodic_compaction_seconds;
    return cf;
  };

  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (int i = 0; i < kNumCf; i++) {
    rocksdb::ColumnFamilyOptions cf = base_cf();
    switch (i) {
      case kDefault:
        cf.merge_operator = NewCounterMergeOperator();
        cf.write_buffer_size = std::min<uint64_t>(cf_buffer, 4 << 20);
        break;
      case kMeta:
        cf.table_factory = table_options(true);
        // Most commands start with a point lookup here; a memtable bloom filter makes the
        // lookup of a key that is not in the memtable cheap.
        cf.memtable_whole_key_filtering = true;
        cf.memtable_prefix_bloom_size_ratio = 0.05;
        cf.compaction_filter_factory = NewMetaTtlFilterFactory();
        break;
      case kData:
        cf.table_factory = table_options(true);
        // Member lookups (HSET's and SADD's existence checks, HGET, SISMEMBER, ZSCORE) are
        // point lookups too: skip the memtable search for members it does not hold.
        cf.memtable_whole_key_filtering = true;
        cf.memtable_prefix_bloom_size_ratio = 0.05;
        cf.compaction_filter_factory = NewMemberGcFilterFactory(gc_target_);
        break;
      case kZScore:
        cf.table_factory = table_options(true);
        cf.compaction_filter_factory = NewMemberGcFilterFactory(gc_target_);
        break;
      case kExpire:
        cf.write_buffer_size = std::min<uint64_t>(cf_buffer, 16 << 20);
        // The expiry index is a queue: entries are deleted soon after insertion. Compact
        // files dense with tombstones so the cycle does not wade through them.
        cf.table_properties_collector_factories.emplace_back(
            rocksdb::NewCompactOnDeletionCollectorFactory(1024, 512));
        break;
    }
    descs.emplace_back(kCfNames[i], cf);
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_opts, options_.dir, descs, &handles, &db);
  if (!s.ok()) return FromRocks(s);
  db_ = db;
  cfs_ = handles;
  gc_target_->meta_cf.store(cfs_[kMeta]);
  gc_target_->db.store(db_);
  REDROCK_RETURN_IF_ERROR(LoadCounters());
  // Keys that expired while the server was down leave before the first client arrives, so
  // DBSIZE right after a restart matches what Redis reports after loading its data. Bounded:
  // any rest goes to the background cycle.
  ExpireCycle(NowMs(), 100000);
  last_version_.store(std::max(last_version_.load(), NowMicros()));
  last_save_unix_.store(NowMs() / 1000);
  return Status::OK();
}

Status Engine::LoadCounters() {
  for (int db = 0; db < options_.databases; db++) {
    for (int which = 0; which < 2; which++) {
      std::string value;
      std::string key = which == 0 ? KeyCountKey(db) : ExpireCountKey(db);
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cfs_[kDefault], key, &value);
      int64_t n = 0;
      if (s.ok() && value.size() == 8) {
        n = static_cast<int64_t>(DecodeFixed64(value.data()));
      } else if (!s.ok() && !s.IsNotFound()) {
        return FromRocks(s);
      }
      (which == 0 ? key_counts_ : expire_counts_)[db].store(n);
    }
  }
  return Status::OK();
}

void Engine::CloseDb() {
  if (db_ == nullptr) return;
  db_->FlushWAL(true);
  // Stop background compactions first: their GC filters read through gc_target_.
  rocksdb::CancelAllBackgroundWork(db_, /*wait=*/true);
  gc_target_->db.store(nullptr);
  gc_target_->meta_cf.store(nullptr);
  for (auto* h : cfs_)
    db_->DestroyColumnFamilyHandle(h);
  cfs_.clear();
  rocksdb::Status s = db_->Close();
  if (!s.ok()) spdlog::warn("closing RocksDB: {}", s.ToString());
  delete db_;
  db_ = nullptr;
}

Status Engine::Close() {
  StopBackground();
  CloseDb();
  return Status::OK();
}

Status Engine::Reload() {
  StopBackground();
  CloseDb();
  hot_tier_->Clear();
  REDROCK_RETURN_IF_ERROR(OpenDb());
  ResetHotTier();
  std::fill(expire_cursor_ms_.begin(), expire_cursor_ms_.end(), 0);
  StartBackground();
  return Status::OK();
}

void Engine::SetFsyncMode(FsyncMode mode) {
  fsync_.store(mode, std::memory_order_relaxed);
}

Status Engine::SyncWal() {
  if (db_ == nullptr) return Status::OK();
  wal_syncs_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> l(wal_write_mu_);
  const uint64_t seq = db_->GetLatestSequenceNumber();
  REDROCK_RETURN_IF_ERROR(FromRocks(db_->FlushWAL(/*sync=*/true)));
  wal_written_seq_.store(seq, std::memory_order_release);
  return Status::OK();
}

Status Engine::WriteOutWal() {
  // A sequence number is published only after its batch is in the WAL buffer, so anything
  // a client could have seen or written is at or below the latest sequence read here.
  if (db_ == nullptr) return Status::OK();
  const uint64_t latest = db_->GetLatestSequenceNumber();
  if (latest <= wal_written_seq_.load(std::memory_order_acquire)) return Status::OK();
  std::lock_guard<std::mutex> l(wal_write_mu_);
  if (latest <= wal_written_seq_.load(std::memory_order_relaxed)) return Status::OK();
  const uint64_t seq = db_->GetLatestSequenceNumber();
  REDROCK_RETURN_IF_ERROR(FromRocks(db_->FlushWAL(/*sync=*/false)));
  wal_writes_.fetch_add(1, std::memory_order_relaxed);
  wal_written_seq_.store(seq, std::memory_order_release);
  return Status::OK();
}

Status Engine::FlushMemtables() {
  rocksdb::FlushOptions fo;
  fo.wait = true;
  REDROCK_RETURN_IF_ERROR(FromRocks(db_->Flush(fo, cfs_)));
  last_save_unix_.store(NowMs() / 1000);
  return Status::OK();
}

Status Engine::CreateCheckpoint(const std::string& dir) {
  rocksdb::Checkpoint* cp = nullptr;
  REDROCK_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_, &cp)));
  std::unique_ptr<rocksdb::Checkpoint> holder(cp);
  // log_size_for_flush = 0: always flush first, so the checkpoint is SST files only.
  REDROCK_RETURN_IF_ERROR(FromRocks(cp->CreateCheckpoint(dir, 0)));
  last_save_unix_.store(NowMs() / 1000);
  return Status::OK();
}

Status Engine::CompactAll() {
  rocksdb::CompactRangeOptions opts;
  opts.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* cf : cfs_) {
    REDROCK_RETURN_IF_ERROR(FromRocks(db_->CompactRange(opts, cf, nullptr, nullptr)));
  }
  return Status::OK();
}

int64_t Engine::KeyCount(int db) const {
  if (db < 0 || db >= options_.databases) return 0;
  const Transaction* txn = Transaction::Current();
  return key_counts_[db].load(std::memory_order_relaxed) + (txn ? txn->PendingKeyDelta(db) : 0);
}

int64_t Engine::ExpireCount(int db) const {
  if (db < 0 || db >= options_.databases) return 0;
  const Transaction* txn = Transaction::Current();
  return expire_counts_[db].load(std::memory_order_relaxed) +
         (txn ? txn->PendingExpireDelta(db) : 0);
}

Status Engine::Commit(rocksdb::WriteBatch* batch,
                      const std::vector<std::pair<int, int64_t>>& key_deltas,
                      const std::vector<std::pair<int, int64_t>>& expire_deltas) {
  rocksdb::WriteOptions wo;
  wo.sync = fsync_mode() == FsyncMode::kAlways;
  REDROCK_RETURN_IF_ERROR(FromRocks(WriteThrough(wo, batch)));
  for (const auto& [db, d] : key_deltas)
    key_counts_[db].fetch_add(d, std::memory_order_relaxed);
  for (const auto& [db, d] : expire_deltas) {
    expire_counts_[db].fetch_add(d, std::memory_order_relaxed);
  }
  return Status::OK();
}

uint64_t Engine::NewVersion() {
  uint64_t now = NowMicros();
  uint64_t prev = last_version_.load(std::memory_order_relaxed);
  uint64_t next;
  do {
    next = std::max(prev + 1, now);
  } while (!last_version_.compare_exchange_weak(prev, next, std::memory_order_relaxed));
  return next;
}

Status Engine::FlushDb(int db) {
  AllKeysLockGuard all(*locks_, db);
  rocksdb::WriteBatch batch;
  std::string begin = DbPrefix(db), end = DbPrefix(db + 1);
  for (int i = kMeta; i < kNumCf; i++)
    batch.DeleteRange(cfs_[i], begin, end);
  std::string zero;
  PutFixed64(&zero, 0);
  batch.Put(cfs_[kDefault], KeyCountKey(db), zero);
  batch.Put(cfs_[kDefault], ExpireCountKey(db), zero);
  rocksdb::WriteOptions wo;
  wo.sync = fsync_mode() == FsyncMode::kAlways;
  REDROCK_RETURN_IF_ERROR(FromRocks(WriteThrough(wo, &batch)));
  key_counts_[db].store(0);
  expire_counts_[db].store(0);
  return Status::OK();
}

Status Engine::FlushAll() {
  AllKeysLockGuard all(*locks_, AllKeysLockGuard::kAllDbs);
  rocksdb::WriteBatch batch;
  std::string begin = DbPrefix(0), end = DbPrefix(options_.databases);
  for (int i = kMeta; i < kNumCf; i++)
    batch.DeleteRange(cfs_[i], begin, end);
  std::string zero;
  PutFixed64(&zero, 0);
  for (int db = 0; db < options_.databases; db++) {
    batch.Put(cfs_[kDefault], KeyCountKey(db), zero);
    batch.Put(cfs_[kDefault], ExpireCountKey(db), zero);
  }
  rocksdb::WriteOptions wo;
  wo.sync = fsync_mode() == FsyncMode::kAlways;
  REDROCK_RETURN_IF_ERROR(FromRocks(WriteThrough(wo, &batch)));
  for (int db = 0; db < options_.databases; db++) {
    key_counts_[db].store(0);
    expire_counts_[db].store(0);
  }
  access_clock_->Clear(NowMs());
  return Status::OK();
}

int64_t Engine::ExpireCycle(uint64_t now_ms, int64_t max_keys) {
  int64_t removed = 0;
  expire_cycles_.fetch_add(1, std::memory_order_relaxed);
  for (int db = 0; db < options_.databases && removed < max_keys; db++) {
    if (expire_counts_[db].load(std::memory_order_relaxed) <= 0) continue;
    // Start a little before where the last pass stopped: a writer that read the clock just
    // before that pass may have inserted an entry slightly behind it.
    uint64_t from = expire_cursor_ms_[db] > 5000 ? expire_cursor_ms_[db] - 5000 : 0;
    std::string lower = ExpireKey(db, from, "");
    std::string upper = ExpireKey(db, now_ms + 1, "");
    rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cfs_[kExpire]));
    uint64_t last_ts = from;
    for (it->Seek(lower); it->Valid() && removed < max_keys; it->Next()) {
      int entry_db;
      uint64_t ts;
      std::string_view key;
      rocksdb::Slice k = it->key();
      if (!ParseExpireKey(std::string_view(k.data(), k.size()), &entry_db, &ts, &key)) continue;
      std::string user_key(key);
      last_ts = ts;
      KeyLockGuard guard(*locks_, db, user_key);
      std::string raw;
      rocksdb::Status s =
          db_->Get(rocksdb::ReadOptions(), cfs_[kMeta], MetaKey(db, user_key), &raw);
      Batch batch(this);
      MetaRecord meta;
      if (s.ok() && DecodeMeta(raw, &meta).ok() && meta.expire_ms == ts) {
        batch.DeleteMeta(db, user_key, meta);
        if (batch.Commit().ok()) {
          expired_keys_.fetch_add(1, std::memory_order_relaxed);
          removed++;
          NotifyExpired(db, user_key);
        }
      } else if (s.ok() || s.IsNotFound()) {
        // A re-read under the lock may find the entry itself already gone (a writer removed
        // it between our iterator's view and the lock); only a live entry is stale.
        std::string tmp;
        if (db_->Get(rocksdb::ReadOptions(), cfs_[kExpire], it->key(), &tmp).ok()) {
          batch.DeleteStaleExpireEntry(db, ts, user_key);
          if (batch.Commit().ok()) expired_stale_.fetch_add(1, std::memory_order_relaxed);
        }
      }
    }
    expire_cursor_ms_[db] = std::max(expire_cursor_ms_[db], last_ts);
  }
  return removed;
}

void Engine::ReapExpired(int db, std::string_view key, uint64_t expire_ms) {
  if (KeyLockGuard::HeldByThisThread() || db_ == nullptr) return;
  KeyLockGuard guard(*locks_, db, key);
  std::string raw;
  if (!db_->Get(rocksdb::ReadOptions(), cfs_[kMeta], MetaKey(db, key), &raw).ok()) return;
  MetaRecord meta;
  if (!DecodeMeta(raw, &meta).ok() || meta.expire_ms != expire_ms || !meta.ExpiredAt(NowMs())) {
    return;
  }
  Batch batch(this);
  batch.DeleteMeta(db, key, meta);
  if (batch.Commit().ok()) {
    expired_keys_.fetch_add(1, std::memory_order_relaxed);
    NotifyExpired(db, key);
  }
}

void Engine::SetExpiredListener(ExpiredListener listener) {
  std::unique_lock<std::shared_mutex> lock(listener_mu_);
  has_listener_.store(static_cast<bool>(listener), std::memory_order_relaxed);
  expired_listener_ = std::move(listener);
}

void Engine::NotifyExpired(int db, std::string_view key) {
  if (!has_listener_.load(std::memory_order_relaxed)) return;
  std::shared_lock<std::shared_mutex> lock(listener_mu_);
  if (expired_listener_) expired_listener_(db, key);
}

void Engine::SetActiveExpireHz(int hz) {
  if (active_expire_hz_.load() == 0) return;
  active_expire_hz_.store(std::clamp(hz, 1, 500));
  bg_cv_.notify_all();  // a long wait at the old rate ends now
}

void Engine::StartBackground() {
  std::lock_guard<std::mutex> l(bg_mu_);
  bg_stop_ = false;
  bg_thread_ = std::thread([this] { BackgroundLoop(); });
}

void Engine::StopBackground() {
  {
    std::lock_guard<std::mutex> l(bg_mu_);
    bg_stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_thread_.joinable()) bg_thread_.join();
}

void Engine::BackgroundLoop() {
  auto last_sync = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> l(bg_mu_);
  while (!bg_stop_) {
    const int configured = active_expire_hz_.load(std::memory_order_relaxed);
    const int hz = std::clamp(configured, 1, 500);
    bg_cv_.wait_for(l, std::chrono::milliseconds(1000 / hz));
    if (bg_stop_) break;
    l.unlock();
    if (configured > 0 && active_expire_on_.load(std::memory_order_relaxed)) {
      // Keep going while a pass hits its budget, like Redis's adaptive cycle, but yield
      // between passes.
      for (int i = 0; i < 10 && ExpireCycle(NowMs(), 1000) >= 1000; i++) {
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (fsync_mode() == FsyncMode::kEverySec && now - last_sync >= std::chrono::seconds(1)) {
      Status s = SyncWal();
      if (!s.ok()) spdlog::error("WAL sync failed: {}", s.ToString());
      last_sync = now;
    } else {
      // Writes no reply waits for (active expiry, a client that went away) reach the file
      // within one tick.
      Status s = WriteOutWal();
      if (!s.ok()) spdlog::error("WAL write failed: {}", s.ToString());
    }
    l.lock();
  }
}

EngineStats Engine::stats() const {
  EngineStats s;
  s.expired_keys = expired_keys_.load();
  s.expired_stale_entries = expired_stale_.load();
  s.active_expire_cycles = expire_cycles_.load();
  s.wal_syncs = wal_syncs_.load();
  s.wal_writes = wal_writes_.load();
  s.last_save_unix = last_save_unix_.load();
  return s;
}

uint64_t Engine::IntProperty(const std::string& name) const {
  if (db_ == nullptr) return 0;
  uint64_t total = 0;
  for (auto* cf : cfs_) {
    uint64_t v = 0;
    if (db_->GetIntProperty(cf, name, &v)) total += v;
  }
  return total;
}

uint64_t Engine::DiskUsage() const {
  uint64_t total = 0;
  std::error_code ec;
  // Top level only: checkpoints below `dir` share the SST files through hard links.
  for (const auto& entry : std::filesystem::directory_iterator(options_.dir, ec)) {
    if (entry.is_regular_file(ec)) total += entry.file_size(ec);
  }
  return total;
}

Engine::MemoryUsage Engine::memory_usage() const {
  MemoryUsage m;
  if (block_cache_) {
    m.block_cache_capacity = block_cache_->GetCapacity();
    m.block_cache_usage = block_cache_->GetUsage();
    m.block_cache_pinned = block_cache_->GetPinnedUsage();
  }
  if (write_buffer_manager_) m.memtable_budget = write_buffer_manager_->buffer_size();
  m.memtables = IntProperty("rocksdb.cur-size-all-mem-tables");
  m.table_readers = IntProperty("rocksdb.estimate-table-readers-mem");
  return m;
}

void Engine::SetRocksMemory(uint64_t block_cache_bytes, uint64_t write_buffer_bytes) {
  options_.block_cache_bytes = block_cache_bytes;
  options_.write_buffer_bytes = write_buffer_bytes;
  if (write_buffer_manager_) write_buffer_manager_->SetBufferSize(write_buffer_bytes);
  if (block_cache_) block_cache_->SetCapacity(block_cache_bytes + write_buffer_bytes);
}

}  // namespace redrock::engine
