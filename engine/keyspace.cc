// Keyspace operations: generic key commands on top of the meta column family.
#include "engine/keyspace.h"

#include <random>

#include <rocksdb/db.h>

#include "engine/engine.h"
#include "engine/glob.h"
#include "engine/key_locks.h"
#include "engine/write_batch.h"

namespace redrock::engine {

namespace {

Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound();
  return Status::IOError(s.ToString());
}

std::string_view View(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace

Status Keyspace::ReadMeta(int db, std::string_view key, MetaRecord* meta, bool* present) const {
  rocksdb::PinnableSlice raw;
  rocksdb::Status s =
      engine_->Get(rocksdb::ReadOptions(), engine_->meta_cf(), MetaKey(db, key), &raw);
  if (s.IsNotFound()) {
    *present = false;
    return Status::OK();
  }
  if (!s.ok()) return FromRocks(s);
  *present = true;
  return DecodeMeta(View(raw), meta);
}

Status Keyspace::GetLive(int db, std::string_view key, MetaRecord* meta) const {
  bool present = false;
  REDROCK_RETURN_IF_ERROR(ReadMeta(db, key, meta, &present));
  if (!present) return Status::NotFound();
  if (meta->ExpiredAt(NowMs())) {
    engine_->ReapExpired(db, key, meta->expire_ms);
    return Status::NotFound();
  }
  return Status::OK();
}

Status Keyspace::Exists(int db, const std::vector<std::string_view>& keys, int64_t* count) const {
  *count = 0;
  MetaRecord meta;
  for (auto key : keys) {
    Status s = GetLive(db, key, &meta);
    if (s.ok()) {
      (*count)++;
    } else if (!s.IsNotFound()) {
      return s;
    }
  }
  return Status::OK();
}

Status Keyspace::Type(int db, std::string_view key, ValueType* type) const {
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(GetLive(db, key, &meta));
  *type = meta.type;
  return Status::OK();
}

Status Keyspace::Delete(int db, const std::vector<std::string_view>& keys, int64_t* deleted) {
  std::vector<std::pair<int, std::string_view>> lock_keys;
  for (auto k : keys)
    lock_keys.emplace_back(db, k);
  KeyLockGuard guard(engine_->locks(), lock_keys);
  Batch batch(engine_);
  uint64_t now = NowMs();
  *deleted = 0;
  std::vector<std::string_view> done;  // a key named twice is deleted once
  for (auto key : keys) {
    if (std::find(done.begin(), done.end(), key) != done.end()) continue;
    done.push_back(key);
    MetaRecord meta;
    bool present = false;
    REDROCK_RETURN_IF_ERROR(ReadMeta(db, key, &meta, &present));
    if (!present) continue;
    if (!meta.ExpiredAt(now)) (*deleted)++;
    batch.DeleteMeta(db, key, meta);  // an expired record goes too
  }
  return batch.Commit();
}

Status Keyspace::Expire(int db, std::string_view key, uint64_t when_ms, ExpireCondition cond,
                        bool* applied) {
  KeyLockGuard guard(engine_->locks(), db, key);
  *applied = false;
  MetaRecord meta;
  bool present = false;
  REDROCK_RETURN_IF_ERROR(ReadMeta(db, key, &meta, &present));
  uint64_t now = NowMs();
  if (!present || meta.ExpiredAt(now)) return Status::OK();
  // Redis's order of checks; a key without TTL counts as an infinite TTL for GT/LT.
  if (cond.nx && meta.HasExpire()) return Status::OK();
  if (cond.xx && !meta.HasExpire()) return Status::OK();
  if (cond.gt && (!meta.HasExpire() || when_ms <= meta.expire_ms)) return Status::OK();
  if (cond.lt && meta.HasExpire() && when_ms >= meta.expire_ms) return Status::OK();
  Batch batch(engine_);
  if (when_ms <= now) {
    batch.DeleteMeta(db, key, meta);
  } else {
    MetaRecord updated = meta;
    updated.expire_ms = when_ms;
    batch.PutMeta(db, key, &meta, updated);
  }
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *applied = true;
  return Status::OK();
}

Status Keyspace::Ttl(int db, std::string_view key, int64_t* ttl_ms) const {
  MetaRecord meta;
  Status s = GetLive(db, key, &meta);
  if (s.IsNotFound()) {
    *ttl_ms = -2;
    return Status::OK();
  }
  REDROCK_RETURN_IF_ERROR(s);
  if (!meta.HasExpire()) {
    *ttl_ms = -1;
  } else {
    uint64_t now = NowMs();
    *ttl_ms = meta.expire_ms > now ? static_cast<int64_t>(meta.expire_ms - now) : 0;
  }
  return Status::OK();
}

Status Keyspace::ExpireTime(int db, std::string_view key, int64_t* when_ms) const {
  MetaRecord meta;
  Status s = GetLive(db, key, &meta);
  if (s.IsNotFound()) {
    *when_ms = -2;
    return Status::OK();
  }
  REDROCK_RETURN_IF_ERROR(s);
  *when_ms = meta.HasExpire() ? static_cast<int64_t>(meta.expire_ms) : -1;
  return Status::OK();
}

Status Keyspace::Persist(int db, std::string_view key, bool* applied) {
  KeyLockGuard guard(engine_->locks(), db, key);
  *applied = false;
  MetaRecord meta;
  bool present = false;
  REDROCK_RETURN_IF_ERROR(ReadMeta(db, key, &meta, &present));
  if (!present || meta.ExpiredAt(NowMs()) || !meta.HasExpire()) return Status::OK();
  MetaRecord updated = meta;
  updated.expire_ms = 0;
  Batch batch(engine_);
  batch.PutMeta(db, key, &meta, updated);
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *applied = true;
  return Status::OK();
}

Status Keyspace::Scan(int db, const std::optional<std::string>& after, size_t count,
                      std::string_view match, std::optional<ValueType> type,
                      std::vector<std::string>* keys, std::optional<std::string>* next) const {
  std::string begin = MetaKey(db, after.value_or(""));
  std::string end = DbPrefix(db + 1);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it = engine_->NewIterator(ro, engine_->meta_cf());
  it->Seek(begin);
  if (after && it->Valid() && it->key() == rocksdb::Slice(begin)) it->Next();
  uint64_t now = NowMs();
  size_t visited = 0;
  next->reset();
  for (; it->Valid(); it->Next()) {
    int key_db;
    std::string_view key;
    if (!ParseMetaKey(View(it->key()), &key_db, &key)) continue;
    if (visited++ >= count) {
      return FromRocks(it->status());
    }
    *next = std::string(key);
    MetaRecord meta;
    if (!DecodeMeta(View(it->value()), &meta).ok() || meta.ExpiredAt(now)) continue;
    if (type && meta.type != *type) continue;
    if (!match.empty() && !GlobMatch(match, key)) continue;
    keys->emplace_back(key);
  }
  REDROCK_RETURN_IF_ERROR(FromRocks(it->status()));
  next->reset();  // reached the end of the db
  return Status::OK();
}

Status Keyspace::Keys(int db, std::string_view pattern, std::vector<std::string>* keys) const {
  std::string_view prefix = GlobLiteralPrefix(pattern);
  std::string begin = MetaKey(db, prefix);
  std::string end = DbPrefix(db + 1);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it = engine_->NewIterator(ro, engine_->meta_cf());
  uint64_t now = NowMs();
  bool match_all = pattern == "*";
  for (it->Seek(begin); it->Valid(); it->Next()) {
    int key_db;
    std::string_view key;
    if (!ParseMetaKey(View(it->key()), &key_db, &key)) continue;
    if (key.substr(0, prefix.size()) != prefix) break;  // past every possible match
    uint64_t expire_ms = 0;
    PeekMetaExpire(View(it->value()), &expire_ms);
    if (expire_ms != 0 && expire_ms <= now) continue;
    if (match_all || GlobMatch(pattern, key)) keys->emplace_back(key);
  }
  return FromRocks(it->status());
}

Status Keyspace::RandomKey(int db, std::string* key) const {
  if (engine_->KeyCount(db) <= 0) return Status::NotFound();
  thread_local std::mt19937_64 rng(std::random_device{}());
  std::string begin = DbPrefix(db), end = DbPrefix(db + 1);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it = engine_->NewIterator(ro, engine_->meta_cf());
  uint64_t now = NowMs();
  auto live_key = [&](std::string* out) {
    uint64_t expire_ms = 0;
    PeekMetaExpire(View(it->value()), &expire_ms);
    if (expire_ms != 0 && expire_ms <= now) return false;
    int key_db;
    std::string_view k;
    if (!ParseMetaKey(View(it->key()), &key_db, &k)) return false;
    out->assign(k);
    return true;
  };

  // Small dbs: a uniform draw over all live keys.
  if (engine_->KeyCount(db) <= 256) {
    std::vector<std::string> keys;
    std::string k;
    for (it->Seek(begin); it->Valid(); it->Next()) {
      if (live_key(&k)) keys.push_back(k);
    }
    REDROCK_RETURN_IF_ERROR(FromRocks(it->status()));
    if (keys.empty()) return Status::NotFound();
    *key = keys[rng() % keys.size()];
    return Status::OK();
  }

  // Large dbs: seek to a random point between the first and the last key (bytes drawn
  // between theirs where they differ), then step a few records on. Not a uniform draw (dense
  // regions of the key space are under-sampled), but cheap and spread over the whole db,
  // which is what RANDOMKEY callers rely on.
  it->Seek(begin);
  if (!it->Valid()) return Status::NotFound();
  std::string first = it->key().ToString();
  it->SeekToLast();
  if (!it->Valid()) return Status::NotFound();
  std::string last = it->key().ToString();
  for (int attempt = 0; attempt < 32; attempt++) {
    std::string target;
    size_t i = 0;
    while (i < first.size() && i < last.size() && first[i] == last[i])
      target.push_back(first[i++]);
    uint8_t lo = i < first.size() ? static_cast<uint8_t>(first[i]) : 0;
    uint8_t hi = i < last.size() ? static_cast<uint8_t>(last[i]) : 255;
    target.push_back(static_cast<char>(lo + rng() % (hi - lo + 1)));
    for (int j = 0; j < 6; j++)
      target.push_back(static_cast<char>(rng()));
    it->Seek(target);
    for (uint64_t skip = rng() % 8; skip > 0 && it->Valid(); skip--)
      it->Next();
    if (!it->Valid()) it->Seek(begin);
    for (int step = 0; step < 16 && it->Valid(); step++, it->Next()) {
      if (live_key(key)) return Status::OK();
    }
  }
  REDROCK_RETURN_IF_ERROR(FromRocks(it->status()));
  return Status::NotFound();  // only expired keys left
}

Status Keyspace::CopyValue(Batch* batch, int src_db, std::string_view src, const MetaRecord& meta,
                           int dst_db, std::string_view dst, const MetaRecord* dst_old) {
  MetaRecord copy = meta;
  if (meta.type != ValueType::kString) {
    // Members are keyed by the user key, so a new key needs its own copy of them, under a
    // fresh version so the destination never shares members with an older incarnation.
    copy.version = engine_->NewVersion();
    std::string src_prefix = DataPrefix(src_db, src, meta.version);
    std::string dst_prefix = DataPrefix(dst_db, dst, copy.version);
    for (auto* cf : {engine_->data_cf(), engine_->zscore_cf()}) {
      std::unique_ptr<rocksdb::Iterator> it = engine_->NewIterator(rocksdb::ReadOptions(), cf);
      for (it->Seek(src_prefix); it->Valid() && it->key().starts_with(src_prefix); it->Next()) {
        std::string k = dst_prefix;
        k.append(it->key().data() + src_prefix.size(), it->key().size() - src_prefix.size());
        batch->raw()->Put(cf, k, it->value());
      }
      REDROCK_RETURN_IF_ERROR(FromRocks(it->status()));
    }
  }
  batch->PutMeta(dst_db, dst, dst_old, copy);
  return Status::OK();
}

Status Keyspace::Rename(int db, std::string_view src, std::string_view dst, bool nx,
                        bool* applied) {
  KeyLockGuard guard(engine_->locks(), {{db, src}, {db, dst}});
  *applied = false;
  uint64_t now = NowMs();
  MetaRecord src_meta, dst_meta;
  bool src_present = false, dst_present = false;
  REDROCK_RETURN_IF_ERROR(ReadMeta(db, src, &src_meta, &src_present));
  if (!src_present || src_meta.ExpiredAt(now)) return Status::NotFound();
  if (src == dst) {
    *applied = !nx;  // RENAME k k is OK; RENAMENX k k returns 0
    return Status::OK();
  }
  REDROCK_RETURN_IF_ERROR(ReadMeta(db, dst, &dst_meta, &dst_present));
  if (nx && dst_present && !dst_meta.ExpiredAt(now)) return Status::OK();
  Batch batch(engine_);
  REDROCK_RETURN_IF_ERROR(
      CopyValue(&batch, db, src, src_meta, db, dst, dst_present ? &dst_meta : nullptr));
  batch.DeleteMeta(db, src, src_meta);
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *applied = true;
  return Status::OK();
}

Status Keyspace::Copy(int db, std::string_view src, int dst_db, std::string_view dst, bool replace,
                      bool* applied) {
  KeyLockGuard guard(engine_->locks(), {{db, src}, {dst_db, dst}});
  *applied = false;
  uint64_t now = NowMs();
  MetaRecord src_meta, dst_meta;
  bool src_present = false, dst_present = false;
  REDROCK_RETURN_IF_ERROR(ReadMeta(db, src, &src_meta, &src_present));
  if (!src_present || src_meta.ExpiredAt(now)) return Status::NotFound();
  REDROCK_RETURN_IF_ERROR(ReadMeta(dst_db, dst, &dst_meta, &dst_present));
  if (dst_present && !dst_meta.ExpiredAt(now) && !replace) return Status::OK();
  Batch batch(engine_);
  REDROCK_RETURN_IF_ERROR(
      CopyValue(&batch, db, src, src_meta, dst_db, dst, dst_present ? &dst_meta : nullptr));
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *applied = true;
  return Status::OK();
}

Status Keyspace::Move(int db, std::string_view key, int dst_db, bool* applied) {
  KeyLockGuard guard(engine_->locks(), {{db, key}, {dst_db, key}});
  *applied = false;
  uint64_t now = NowMs();
  MetaRecord src_meta, dst_meta;
  bool src_present = false, dst_present = false;
  REDROCK_RETURN_IF_ERROR(ReadMeta(db, key, &src_meta, &src_present));
  if (!src_present || src_meta.ExpiredAt(now)) return Status::OK();
  REDROCK_RETURN_IF_ERROR(ReadMeta(dst_db, key, &dst_meta, &dst_present));
  if (dst_present && !dst_meta.ExpiredAt(now)) return Status::OK();
  Batch batch(engine_);
  REDROCK_RETURN_IF_ERROR(
      CopyValue(&batch, db, key, src_meta, dst_db, key, dst_present ? &dst_meta : nullptr));
  batch.DeleteMeta(db, key, src_meta);
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *applied = true;
  return Status::OK();
}

}  // namespace redrock::engine
