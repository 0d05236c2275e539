// Bounded, resumable reads of the keyspace at one snapshot.
#include "engine/snapshot_reader.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <memory>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/glob.h"
#include "engine/value_io.h"

namespace redrock::engine {

namespace {

constexpr int kMaxDb = 65535;  // meta keys carry the db in two bytes

// Bytes a piece header stands for in the byte budget, besides its key.
constexpr size_t kPieceOverhead = 32;

}  // namespace

SnapshotReader::SnapshotReader(Engine* engine, const rocksdb::Snapshot* snapshot,
                               SnapshotFilter filter, uint64_t now_ms)
    : engine_(engine),
      snapshot_(snapshot),
      filter_(std::move(filter)),
      literal_(GlobLiteralPrefix(filter_.match)),
      now_ms_(now_ms) {}

Status SnapshotReader::CountKeys(uint64_t* keys) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  *keys = 0;
  // The counters change in the same batches as the keys, so at a snapshot they are exact.
  const int first = filter_.db >= 0 ? filter_.db : 0;
  const int last = filter_.db >= 0 ? filter_.db : engine_->databases() - 1;
  for (int db = first; db <= last; db++) {
    std::string v;
    rocksdb::Status s = engine_->db()->Get(ro, engine_->internal_cf(), KeyCountKey(db), &v);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return Status::IOError(s.ToString());
    if (v.size() == 8) {
      *keys += static_cast<uint64_t>(
          std::max<int64_t>(0, static_cast<int64_t>(DecodeFixed64(v.data()))));
    }
  }
  return Status::OK();
}

std::string SnapshotReader::FirstKey(int db) const {
  return MetaKey(db, literal_);
}

Status SnapshotReader::Next(const SnapshotLimits& limits, SnapshotVisitor* visitor, bool* done) {
  pieces_ = 0;
  bytes_ = 0;
  *done = done_;
  if (done_) return Status::OK();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.fill_cache = false;  // a dump must not push the working set out of the block cache
  // Straight from RocksDB, not Engine::NewIterator: the hot tier holds the present, not the
  // snapshot, and no MULTI overlay applies. Fresh iterators per call keep nothing pinned
  // between calls but the snapshot itself.
  std::unique_ptr<rocksdb::Iterator> data(engine_->db()->NewIterator(ro, engine_->data_cf()));
  if (in_value_) {
    REDROCK_RETURN_IF_ERROR(EmitValue(data.get(), limits, visitor));
    if (in_value_) return Status::OK();
  }
  if (!started_) {
    next_meta_ = FirstKey(std::max(filter_.db, 0));
    started_ = true;
  }
  std::unique_ptr<rocksdb::Iterator> meta(engine_->db()->NewIterator(ro, engine_->meta_cf()));
  size_t visited = 0;
  meta->Seek(next_meta_);
  while (true) {
    if (!meta->Valid()) {
      if (!meta->status().ok()) return Status::IOError(meta->status().ToString());
      done_ = true;
      break;
    }
    std::string_view mk(meta->key().data(), meta->key().size());
    int db;
    std::string_view key;
    if (!ParseMetaKey(mk, &db, &key)) return Status::Corruption("malformed meta key");
    if (filter_.db >= 0 && db != filter_.db) {
      done_ = true;
      break;
    }
    if (!budget_left(limits) || visited >= limits.visited) {
      next_meta_.assign(mk);
      break;
    }
    visited++;
    if (!key.starts_with(literal_)) {
      // Keys are sorted: the matches of this db lie in the literal prefix's range.
      if (key < literal_) {
        meta->Seek(MetaKey(db, literal_));
      } else if (filter_.db < 0 && db < kMaxDb) {
        meta->Seek(FirstKey(db + 1));
      } else {
        done_ = true;
        break;
      }
      continue;
    }
    if (!filter_.match.empty() && !GlobMatch(filter_.match, key)) {
      meta->Next();
      continue;
    }
    MetaRecord m;
    Status s = DecodeMeta(std::string_view(meta->value().data(), meta->value().size()), &m);
    if (!s.ok()) return s;
    if (m.ExpiredAt(now_ms_)) {
      meta->Next();
      continue;
    }
    in_value_ = true;
    db_ = db;
    key_.assign(key);
    meta_ = std::move(m);
    sent_ = 0;
    next_data_ = DataPrefix(db_, key_, meta_.version);
    next_meta_.assign(mk);
    next_meta_.push_back('\0');  // the smallest key after this one
    REDROCK_RETURN_IF_ERROR(EmitValue(data.get(), limits, visitor));
    if (in_value_) break;
    meta->Next();
  }
  *done = done_;
  return Status::OK();
}

Status SnapshotReader::EmitValue(rocksdb::Iterator* data, const SnapshotLimits& limits,
                                 SnapshotVisitor* visitor) {
  const bool is_string = meta_.type == ValueType::kString;
  const std::string prefix = is_string ? std::string() : DataPrefix(db_, key_, meta_.version);
  while (in_value_ && budget_left(limits)) {
    SnapshotPiece piece{db_, key_, meta_.type, meta_.expire_ms, is_string ? 1 : meta_.size, sent_};
    visitor->StartPiece(piece);
    pieces_++;
    bytes_ += key_.size() + kPieceOverhead;
    if (is_string) {
      visitor->Element({meta_.value, {}, 0});
      bytes_ += meta_.value.size();
      visitor->EndPiece(false);
      in_value_ = false;
      break;
    }
    size_t n = 0, piece_bytes = 0;
    data->Seek(next_data_);
    while (sent_ < meta_.size && n < limits.piece_elements && piece_bytes < limits.piece_bytes) {
      if (!data->Valid() || !data->key().starts_with(prefix)) {
        if (!data->status().ok()) return Status::IOError(data->status().ToString());
        return Status::Corruption("collection has " + std::to_string(sent_) +
                                  " members, its record says " + std::to_string(meta_.size));
      }
      std::string_view sub(data->key().data() + prefix.size(), data->key().size() - prefix.size());
      std::string_view val(data->value().data(), data->value().size());
      ValueElement e;
      REDROCK_RETURN_IF_ERROR(DecodeStoredMember(meta_.type, sub, val, &e));
      visitor->Element(e);
      n++;
      sent_++;
      piece_bytes += e.member.size() + e.value.size() + 8;
      data->Next();
    }
    if (!data->status().ok()) return Status::IOError(data->status().ToString());
    const bool more = sent_ < meta_.size;
    if (more) {
      if (!data->Valid() || !data->key().starts_with(prefix)) {
        return Status::Corruption("collection has " + std::to_string(sent_) +
                                  " members, its record says " + std::to_string(meta_.size));
      }
      next_data_.assign(data->key().data(), data->key().size());
    } else if (data->Valid() && data->key().starts_with(prefix)) {
      return Status::Corruption("collection has more members than its record says (" +
                                std::to_string(meta_.size) + ")");
    }
    bytes_ += piece_bytes;
    visitor->EndPiece(more);
    if (!more) in_value_ = false;
  }
  if (!in_value_) meta_ = MetaRecord();
  return Status::OK();
}

}  // namespace redrock::engine
