// Offline restore into a new data directory through SST files.
#include "tools/dump/dir_target.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>
#include <utility>

#include <rocksdb/db.h>
#include <rocksdb/table_properties.h>
#include <rocksdb/write_batch.h>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/key_format.h"
#include "engine/value_io.h"
#include "engine/write_batch.h"
#include "tools/dump/interrupt.h"
#include "tools/dump/record_sorter.h"

namespace redrock::dump {

namespace {

constexpr uint64_t kFileBytes = 64 << 20;  // size of the ingested SST files

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  return Status::IOError(what + ": " + s.ToString());
}

uint64_t NowMicros() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// The engine for building and for checking: little memory, no hot tier, no expiry cycle, no
// fsync per write (Commit flushes).
engine::EngineOptions BuildOptions(const std::string& dir, int databases) {
  engine::EngineOptions options;
  options.dir = dir;
  options.databases = databases;
  options.fsync = engine::FsyncMode::kNo;
  options.active_expire_hz = 0;
  options.block_cache_bytes = 8 << 20;
  options.write_buffer_bytes = 8 << 20;
  options.hot_tier_bytes = 0;
  return options;
}

std::string KeyForMessage(int db, std::string_view key) {
  return "key '" + PrintableKey(key) + "' (db " + std::to_string(db) + ")";
}

Status SyncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::IOError("open " + path + ": " + strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::IOError("fsync " + path + ": " + strerror(errno));
  return Status::OK();
}

}  // namespace

// Takes the records of an engine batch: meta records are held back (the key's last one wins),
// the others go to the sorter. The batch never carries anything else before its Commit,
// which is never called.
class DirTarget::Capture : public rocksdb::WriteBatch::Handler {
 public:
  explicit Capture(DirTarget* target) : t_(target) {}

  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    if (cf == t_->cf_ids_[kMeta]) {
      t_->meta_key_.assign(key.data(), key.size());
      t_->meta_value_.assign(value.data(), value.size());
      return rocksdb::Status::OK();
    }
    for (int stream = kData; stream < kStreams; stream++) {
      if (cf != t_->cf_ids_[stream]) continue;
      error_ = t_->sorter_->Add(stream, {key.data(), key.size()}, {value.data(), value.size()});
      return error_.ok() ? rocksdb::Status::OK() : rocksdb::Status::Aborted();
    }
    error_ = Status::Corruption("the engine wrote to an unexpected column family");
    return rocksdb::Status::Aborted();
  }

  // The first error a record met, taken once.
  Status TakeError() { return std::exchange(error_, Status::OK()); }

 private:
  DirTarget* t_;
  Status error_;
};

DirTarget::DirTarget(RestoreSettings settings) : TargetBase(std::move(settings)) {}

DirTarget::~DirTarget() {
  writer_.reset();
  batch_holder_.reset();
  sorter_.reset();
  if (engine_) engine_->Close();
  engine_.reset();
  std::error_code ec;
  if (!sort_dir_.empty()) std::filesystem::remove_all(sort_dir_, ec);
  if (!committed_ && !tmp_.empty()) std::filesystem::remove_all(tmp_, ec);
}

Status DirTarget::Open(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    return Status::InvalidArgument(dir +
                                   " exists and is not empty: an offline restore builds a new "
                                   "data directory (restore into a running server with --host)");
  }
  dir_ = dir;
  tmp_ = dir + ".restore-tmp-" + std::to_string(getpid());
  sort_dir_ = tmp_ + "-sort";
  std::filesystem::remove_all(tmp_, ec);
  std::filesystem::remove_all(sort_dir_, ec);
  REDROCK_RETURN_IF_ERROR(engine::Engine::Open(BuildOptions(tmp_, settings_.databases), &engine_));
  cf_ids_[kMeta] = engine_->meta_cf()->GetID();
  cf_ids_[kData] = engine_->data_cf()->GetID();
  cf_ids_[kZScore] = engine_->zscore_cf()->GetID();
  cf_ids_[kExpire] = engine_->expire_cf()->GetID();
  SorterOptions sorter_options;
  sorter_options.dir = sort_dir_;
  sorter_options.buffer_bytes = settings_.sort_buffer_bytes;
  sorter_options.streams = kStreams;
  sorter_options.cancelled = Interrupted;
  sorter_ = std::make_unique<RecordSorter>(
      sorter_options,
      [this](int stream, std::string_view key, const std::vector<std::string_view>& values,
             size_t* keep) { return Resolve(stream, key, values, keep); });
  REDROCK_RETURN_IF_ERROR(sorter_->Open());
  capture_ = std::make_unique<Capture>(this);
  batch_holder_ = std::make_unique<engine::Batch>(engine_.get());
  batch_ = batch_holder_.get();
  db_keys_.assign(settings_.databases, 0);
  db_expires_.assign(settings_.databases, 0);
  return Status::OK();
}

Status DirTarget::Drain() {
  rocksdb::WriteBatch* wb = batch_->raw()->GetWriteBatch();
  rocksdb::Status s = wb->Iterate(capture_.get());
  wb->Clear();
  REDROCK_RETURN_IF_ERROR(capture_->TakeError());
  return FromRocks(s, "reading an engine batch");
}

Status DirTarget::StartKey(const KeyHeader& header, engine::ValueSink** sink) {
  if (Interrupted()) return Status::IOError("interrupted");
  const int db = MapDb(header.db);
  if (db < 0 || db >= settings_.databases) {
    return Status::InvalidArgument("key '" + PrintableKey(header.key) + "' is in db " +
                                   std::to_string(db) + ", past --databases " +
                                   std::to_string(settings_.databases));
  }
  if (header.expire_ms != 0 && header.expire_ms <= engine::NowMs()) {
    counts_.expired++;
    *sink = &discard_;
    return Status::OK();
  }
  meta_key_.clear();
  // No old record: duplicates are settled when the sorted files are merged.
  writer_ = std::make_unique<engine::StoredValueWriter>(engine_.get(), batch_, db, header.key,
                                                        header.expire_ms, nullptr);
  writer_->SetFlush(
      &batch_, [this] { return Drain(); }, 4096, /*recount=*/false);
  *sink = writer_.get();
  return Status::OK();
}

Status DirTarget::FinishKey() {
  if (!writer_) return Status::OK();
  REDROCK_RETURN_IF_ERROR(Drain());
  counts_.elements += writer_->size();
  keys_in_++;
  writer_.reset();
  if (meta_key_.empty()) return Status::Corruption("a key without a record");
  return sorter_->Add(kMeta, meta_key_, meta_value_);
}

Status DirTarget::Resolve(int stream, std::string_view key,
                          const std::vector<std::string_view>& values, size_t* keep) {
  int db = 0;
  std::string_view user_key;
  if (stream == kMeta) {
    engine::ParseMetaKey(key, &db, &user_key);
    if (settings_.existing == ExistingPolicy::kFail) {
      return Status::InvalidArgument(KeyForMessage(db, user_key) +
                                     " appears twice; use --replace or --skip-existing");
    }
    duplicates_ += values.size() - 1;
    if (settings_.existing == ExistingPolicy::kSkip) {
      counts_.skipped += values.size() - 1;
      *keep = 0;
    } else {
      *keep = values.size() - 1;
    }
    return Status::OK();
  }
  if (stream == kExpire) {
    // Copies of one key with the same expire time: one index entry serves the survivor.
    *keep = 0;
    return Status::OK();
  }
  // Versions are unique per copy of a key, so equal member keys are one value's duplicates.
  uint64_t version;
  std::string_view member;
  engine::ParseDataKey(key, &db, &user_key, &version, &member);
  return Status::Corruption(KeyForMessage(db, user_key) + " has a duplicate member");
}

Status DirTarget::BuildAndIngest() {
  rocksdb::DB* db = engine_->db();
  rocksdb::ColumnFamilyHandle* cfs[kStreams] = {engine_->meta_cf(), engine_->data_cf(),
                                                engine_->zscore_cf(), engine_->expire_cf()};
  // The files are written with the column family's own options (table format, filters,
  // compression), using its last-level compression since that is where they land.
  auto file_options = [&](rocksdb::ColumnFamilyHandle* cf) {
    rocksdb::Options o(db->GetDBOptions(), db->GetOptions(cf));
    if (o.bottommost_compression != rocksdb::kDisableCompressionOption) {
      o.compression = o.bottommost_compression;
    }
    return o;
  };
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;  // same file system: hard links
  ingest.write_global_seqno = false;

  std::vector<std::string> meta_files;
  REDROCK_RETURN_IF_ERROR(sorter_->Finish(
      kMeta, file_options(cfs[kMeta]), kFileBytes,
      [this](std::string_view key, std::string_view value, bool* keep) {
        int db;
        std::string_view user_key;
        uint64_t expire_ms = 0;
        if (!engine::ParseMetaKey(key, &db, &user_key) ||
            !engine::PeekMetaExpire(value, &expire_ms)) {
          return Status::Corruption("malformed meta record");
        }
        counts_.keys++;
        db_keys_[db]++;
        if (expire_ms != 0) db_expires_[db]++;
        *keep = true;
        return Status::OK();
      },
      &meta_files));
  if (counts_.keys + duplicates_ != keys_in_) {
    return Status::Corruption("sorted " + std::to_string(counts_.keys) + " keys and dropped " +
                              std::to_string(duplicates_) + " copies, but read " +
                              std::to_string(keys_in_));
  }
  if (!meta_files.empty()) {
    REDROCK_RETURN_IF_ERROR(
        FromRocks(db->IngestExternalFile(cfs[kMeta], meta_files, ingest), "ingesting meta"));
  }

  // When copies of a key were dropped, their members and expiry entries are dropped too:
  // keep only what the surviving (ingested) meta record refers to. Members of one key are
  // adjacent, so one lookup serves them all.
  std::string cached_key;
  bool cached_present = false;
  engine::MetaRecord cached;
  auto lookup = [&](int key_db, std::string_view user_key) -> Status {
    std::string meta_key = engine::MetaKey(key_db, user_key);
    if (meta_key == cached_key) return Status::OK();
    cached_key = std::move(meta_key);
    std::string raw;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cfs[kMeta], cached_key, &raw);
    cached_present = s.ok();
    if (s.IsNotFound()) return Status::OK();
    REDROCK_RETURN_IF_ERROR(FromRocks(s, "reading meta"));
    return engine::DecodeMeta(raw, &cached);
  };
  VisitFn live_member = [&](std::string_view key, std::string_view, bool* keep) {
    int key_db;
    std::string_view user_key, member;
    uint64_t version;
    if (!engine::ParseDataKey(key, &key_db, &user_key, &version, &member)) {
      return Status::Corruption("malformed member key");
    }
    REDROCK_RETURN_IF_ERROR(lookup(key_db, user_key));
    *keep =
        cached_present && cached.type != engine::ValueType::kString && cached.version == version;
    return Status::OK();
  };
  VisitFn live_expire = [&](std::string_view key, std::string_view, bool* keep) {
    int key_db;
    uint64_t expire_ms;
    std::string_view user_key;
    if (!engine::ParseExpireKey(key, &key_db, &expire_ms, &user_key)) {
      return Status::Corruption("malformed expiry entry");
    }
    REDROCK_RETURN_IF_ERROR(lookup(key_db, user_key));
    *keep = cached_present && cached.expire_ms == expire_ms;
    return Status::OK();
  };

  std::vector<rocksdb::IngestExternalFileArg> args;
  for (int stream = kData; stream < kStreams; stream++) {
    VisitFn visit;
    if (duplicates_ > 0) visit = stream == kExpire ? live_expire : live_member;
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = cfs[stream];
    arg.options = ingest;
    REDROCK_RETURN_IF_ERROR(
        sorter_->Finish(stream, file_options(cfs[stream]), kFileBytes, visit, &arg.external_files));
    if (!arg.external_files.empty()) args.push_back(std::move(arg));
  }
  if (!args.empty()) {
    REDROCK_RETURN_IF_ERROR(FromRocks(db->IngestExternalFiles(args), "ingesting members"));
  }

  // Every record of the meta files must now be in the database.
  rocksdb::TablePropertiesCollection props;
  REDROCK_RETURN_IF_ERROR(
      FromRocks(db->GetPropertiesOfAllTables(cfs[kMeta], &props), "reading table properties"));
  uint64_t records = 0;
  for (const auto& [name, p] : props)
    records += p->num_entries;
  if (records != counts_.keys) {
    return Status::Corruption("ingested " + std::to_string(records) + " key records, expected " +
                              std::to_string(counts_.keys));
  }
  return Status::OK();
}

Status DirTarget::WriteCounters() {
  rocksdb::WriteBatch wb;
  for (int db = 0; db < settings_.databases; db++) {
    std::string n;
    if (db_keys_[db] != 0) {
      PutFixed64(&n, db_keys_[db]);
      wb.Put(engine_->internal_cf(), engine::KeyCountKey(db), n);
    }
    if (db_expires_[db] != 0) {
      n.clear();
      PutFixed64(&n, db_expires_[db]);
      wb.Put(engine_->internal_cf(), engine::ExpireCountKey(db), n);
    }
  }
  REDROCK_RETURN_IF_ERROR(
      FromRocks(engine_->db()->Write(rocksdb::WriteOptions(), &wb), "writing counters"));
  return engine_->FlushMemtables();
}

Status DirTarget::Verify() {
  std::unique_ptr<engine::Engine> check;
  REDROCK_RETURN_IF_ERROR(engine::Engine::Open(BuildOptions(tmp_, settings_.databases), &check));
  uint64_t keys = 0;
  for (int db = 0; db < settings_.databases; db++)
    keys += static_cast<uint64_t>(check->KeyCount(db));
  // Opening removes keys whose TTL passed meanwhile, as a server start does.
  const uint64_t expired = check->stats().expired_keys;
  REDROCK_RETURN_IF_ERROR(check->Close());
  if (keys + expired != counts_.keys) {
    return Status::Corruption("the restored directory counts " + std::to_string(keys + expired) +
                              " keys, expected " + std::to_string(counts_.keys));
  }
  counts_.expired += expired;
  counts_.keys -= expired;
  return Status::OK();
}

Status DirTarget::Commit() {
  if (Interrupted()) return Status::IOError("interrupted");
  batch_holder_.reset();
  batch_ = nullptr;
  Status built = BuildAndIngest();
  runs_ = sorter_->runs_written();
  REDROCK_RETURN_IF_ERROR(built);
  sorter_.reset();
  std::error_code ec;
  std::filesystem::remove_all(sort_dir_, ec);
  REDROCK_RETURN_IF_ERROR(WriteCounters());
  // Versions come from the clock (Engine::NewVersion), which a server reads again when it
  // opens the directory: wait until the clock has passed the last version handed out, so a
  // collection created after the restore can never reuse one.
  const uint64_t last_version = engine_->NewVersion();
  while (NowMicros() <= last_version)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REDROCK_RETURN_IF_ERROR(engine_->Close());
  engine_.reset();
  if (Interrupted()) return Status::IOError("interrupted");
  REDROCK_RETURN_IF_ERROR(Verify());
  if (std::filesystem::exists(dir_, ec)) std::filesystem::remove(dir_, ec);  // empty, checked
  std::filesystem::rename(tmp_, dir_, ec);
  if (ec) return Status::IOError("rename " + tmp_ + " to " + dir_ + ": " + ec.message());
  committed_ = true;
  // The directory is in place; a failed sync of the rename only means a crash right now
  // could still undo it.
  std::string parent = std::filesystem::path(dir_).parent_path().string();
  Status synced = SyncDirectory(parent.empty() ? "." : parent);
  if (!synced.ok()) fprintf(stderr, "redrock-restore: warning: %s\n", synced.ToString().c_str());
  return Status::OK();
}

}  // namespace redrock::dump
