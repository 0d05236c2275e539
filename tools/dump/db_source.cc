// Secondary-instance reader of a redrock data directory.
#include "tools/dump/db_source.h"

#include <rocksdb/db.h>
#include <stdlib.h>

#include <filesystem>

#include "engine/coding.h"
#include "engine/counter_merge.h"
#include "engine/glob.h"
#include "engine/key_format.h"
#include "engine/value_io.h"

namespace redrock::dump {

namespace {
// Column family order of engine/engine.cc.
const char* const kCfNames[] = {"default", "meta", "data", "zscore", "expire"};
enum { kDefault = 0, kMeta = 1, kData = 2 };
}  // namespace

DbSource::~DbSource() {
  for (auto* h : cfs_)
    db_->DestroyColumnFamilyHandle(h);
  delete db_;
  if (!secondary_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(secondary_dir_, ec);
  }
}

Status DbSource::Open(const std::string& dir) {
  if (!std::filesystem::exists(dir + "/CURRENT")) {
    return Status::IOError(dir + " is not a redrock data directory (no CURRENT file)");
  }
  std::string tmpl = (std::filesystem::temp_directory_path() / "redrock-dump-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return Status::IOError("cannot create a temporary directory");
  secondary_dir_ = tmpl;
  rocksdb::Options opts;
  opts.max_open_files = -1;  // required by secondary instances
  opts.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const char* name : kCfNames) {
    rocksdb::ColumnFamilyOptions cf;
    if (std::string_view(name) == "default") cf.merge_operator = engine::NewCounterMergeOperator();
    descs.emplace_back(name, cf);
  }
  rocksdb::Status s = rocksdb::DB::OpenAsSecondary(opts, dir, secondary_dir_, descs, &cfs_, &db_);
  if (!s.ok()) return Status::IOError("cannot open " + dir + ": " + s.ToString());
  s = db_->TryCatchUpWithPrimary();
  if (!s.ok()) return Status::IOError("cannot catch up with " + dir + ": " + s.ToString());
  return Status::OK();
}

Status DbSource::Start(const SourceFilter& filter, uint64_t* estimated_keys) {
  filter_ = filter;
  uint64_t total = 0;
  for (int db = 0; db < 65536; db++) {
    if (filter.db >= 0 && db != filter.db) continue;
    std::string v;
    if (!db_->Get(rocksdb::ReadOptions(), cfs_[kDefault], engine::KeyCountKey(db), &v).ok()) {
      if (db >= 16 && filter.db < 0) break;  // past the configured databases
      continue;
    }
    if (v.size() == 8)
      total += static_cast<uint64_t>(
          std::max<int64_t>(0, static_cast<int64_t>(DecodeFixed64(v.data()))));
  }
  *estimated_keys = total;
  return Status::OK();
}

Status DbSource::Scan(const KeyStart& on_key, const KeyEnd& after_key) {
  const SourceFilter& filter = filter_;
  // Secondary instances have no snapshots, and need none: the instance only moves when
  // TryCatchUpWithPrimary is called, which happens once, in Open. Both iterators pin that
  // same state, so every key is read at one point in time.
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> meta(db_->NewIterator(ro, cfs_[kMeta]));
  std::unique_ptr<rocksdb::Iterator> data(db_->NewIterator(ro, cfs_[kData]));
  const uint64_t now = engine::NowMs();
  std::string literal(GlobLiteralPrefix(filter.match));
  Status result;
  if (filter.db >= 0) {
    meta->Seek(engine::MetaKey(filter.db, literal));
  } else {
    meta->SeekToFirst();
  }
  for (; meta->Valid(); meta->Next()) {
    int db;
    std::string_view key;
    if (!engine::ParseMetaKey(std::string_view(meta->key().data(), meta->key().size()), &db,
                              &key)) {
      result = Status::Corruption("malformed meta key");
      break;
    }
    if (filter.db >= 0 && db != filter.db) break;
    if (!filter.match.empty() && !GlobMatch(filter.match, key)) {
      // Keys are sorted: once past the pattern's literal prefix, nothing else matches in
      // this db.
      if (filter.db >= 0 && !key.starts_with(literal)) break;
      continue;
    }
    engine::MetaRecord m;
    result = engine::DecodeMeta(std::string_view(meta->value().data(), meta->value().size()), &m);
    if (!result.ok()) break;
    if (m.ExpiredAt(now)) continue;
    KeyHeader header{db, std::string(key), m.expire_ms};
    engine::ValueSink* sink = nullptr;
    result = on_key(header, &sink);
    if (result.ok()) result = engine::StreamStoredValue(data.get(), db, key, m, sink);
    if (result.ok()) result = after_key();
    if (!result.ok()) {
      result = Status(result.code() == Status::Code::kCorruption
                          ? Status::Corruption("key '" + PrintableKey(header.key) + "' (db " +
                                               std::to_string(db) + "): " + result.message())
                          : result);
      break;
    }
  }
  if (result.ok() && !meta->status().ok()) result = Status::IOError(meta->status().ToString());
  return result;
}

}  // namespace redrock::dump
