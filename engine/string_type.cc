// String operations.
#include "engine/string_type.h"

#include <cmath>
#include <limits>
#include <unordered_set>

#include "engine/engine.h"
#include "engine/key_locks.h"
#include "engine/keyspace.h"
#include "engine/numbers.h"
#include "engine/write_batch.h"

namespace redrock::engine {

namespace {

MetaRecord StringRecord(std::string_view value, uint64_t expire_ms, uint8_t flags = 0) {
  MetaRecord m;
  m.type = ValueType::kString;
  m.flags = flags;
  m.expire_ms = expire_ms;
  m.value.assign(value.data(), value.size());
  return m;
}

}  // namespace

Status StringType::ReadForWrite(int db, std::string_view key, MetaRecord* meta, bool* stored,
                                bool* live) const {
  REDROCK_RETURN_IF_ERROR(Keyspace(engine_).ReadMeta(db, key, meta, stored));
  *live = *stored && !meta->ExpiredAt(NowMs());
  return Status::OK();
}

Status StringType::Get(int db, std::string_view key, std::string* value) const {
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(Keyspace(engine_).GetLive(db, key, &meta));
  if (meta.type != ValueType::kString) return Status::WrongType();
  *value = std::move(meta.value);
  return Status::OK();
}

Status StringType::Set(int db, std::string_view key, std::string_view value,
                       const SetOptions& options, bool* applied, std::optional<std::string>* old) {
  KeyLockGuard guard(engine_->locks(), db, key);
  MetaRecord meta;
  bool stored = false, live = false;
  REDROCK_RETURN_IF_ERROR(ReadForWrite(db, key, &meta, &stored, &live));
  *applied = false;
  if (options.get) {
    if (live && meta.type != ValueType::kString) return Status::WrongType();
    if (live) *old = meta.value;
  }
  using Cond = SetOptions::Condition;
  if ((options.condition == Cond::kNX && live) || (options.condition == Cond::kXX && !live)) {
    return Status::OK();
  }
  Batch batch(engine_);
  if (options.expire_ms != 0 && options.expire_ms <= NowMs()) {
    // An absolute expire time in the past: the key is set and expires at once.
    if (stored) batch.DeleteMeta(db, key, meta);
  } else {
    uint64_t expire = options.expire_ms;
    if (options.keep_ttl && live) expire = meta.expire_ms;
    batch.PutMeta(db, key, stored ? &meta : nullptr, StringRecord(value, expire));
  }
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *applied = true;
  return Status::OK();
}

Status StringType::GetDel(int db, std::string_view key, std::string* value) {
  KeyLockGuard guard(engine_->locks(), db, key);
  MetaRecord meta;
  bool stored = false, live = false;
  REDROCK_RETURN_IF_ERROR(ReadForWrite(db, key, &meta, &stored, &live));
  if (!live) return Status::NotFound();
  if (meta.type != ValueType::kString) return Status::WrongType();
  Batch batch(engine_);
  batch.DeleteMeta(db, key, meta);
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *value = std::move(meta.value);
  return Status::OK();
}

Status StringType::GetEx(int db, std::string_view key, const GetExOptions& options,
                         std::string* value) {
  KeyLockGuard guard(engine_->locks(), db, key);
  MetaRecord meta;
  bool stored = false, live = false;
  REDROCK_RETURN_IF_ERROR(ReadForWrite(db, key, &meta, &stored, &live));
  if (!live) return Status::NotFound();
  if (meta.type != ValueType::kString) return Status::WrongType();
  *value = meta.value;
  using Action = GetExOptions::Action;
  if (options.action == Action::kNone) return Status::OK();
  if (options.action == Action::kPersist && !meta.HasExpire()) return Status::OK();
  Batch batch(engine_);
  if (options.action == Action::kSetExpire && options.expire_ms <= NowMs()) {
    batch.DeleteMeta(db, key, meta);
  } else {
    MetaRecord updated = meta;
    updated.expire_ms = options.action == Action::kPersist ? 0 : options.expire_ms;
    batch.PutMeta(db, key, &meta, updated);
  }
  return batch.Commit();
}

Status StringType::MGet(int db, const std::vector<std::string_view>& keys,
                        std::vector<std::optional<std::string>>* values) const {
  Keyspace keyspace(engine_);
  values->clear();
  values->reserve(keys.size());
  MetaRecord meta;
  for (auto key : keys) {
    Status s = keyspace.GetLive(db, key, &meta);
    if (s.ok() && meta.type == ValueType::kString) {
      values->emplace_back(std::move(meta.value));
    } else if (s.ok() || s.IsNotFound()) {
      values->emplace_back(std::nullopt);
    } else {
      return s;
    }
  }
  return Status::OK();
}

Status StringType::MSet(int db,
                        const std::vector<std::pair<std::string_view, std::string_view>>& kvs,
                        bool nx, bool* applied) {
  std::vector<SetItem> items;
  items.reserve(kvs.size());
  for (const auto& kv : kvs)
    items.push_back({kv.first, kv.second, 0});
  return WriteMany(db, items, nx, applied);
}

Status StringType::SetMany(int db, const std::vector<SetItem>& items) {
  bool applied = false;
  return WriteMany(db, items, false, &applied);
}

Status StringType::WriteMany(int db, const std::vector<SetItem>& items, bool nx, bool* applied) {
  std::vector<std::pair<int, std::string_view>> lock_keys;
  lock_keys.reserve(items.size());
  for (const auto& item : items)
    lock_keys.emplace_back(db, item.key);
  KeyLockGuard guard(engine_->locks(), lock_keys);
  *applied = false;
  // Only the last occurrence of a key is written. Up to 64 keys a pairwise check is cheaper
  // than hashing them.
  std::vector<bool> last(items.size(), true);
  if (items.size() <= 64) {
    for (size_t i = 0; i < items.size(); i++) {
      for (size_t j = i + 1; j < items.size() && last[i]; j++)
        last[i] = items[j].key != items[i].key;
    }
  } else {
    std::unordered_set<std::string_view> later;
    for (size_t i = items.size(); i-- > 0;)
      last[i] = later.insert(items[i].key).second;
  }
  // Read every current record first.
  std::vector<MetaRecord> metas(items.size());
  std::vector<bool> stored(items.size());
  for (size_t i = 0; i < items.size(); i++) {
    if (!last[i] && !nx) continue;
    bool st = false, live = false;
    REDROCK_RETURN_IF_ERROR(ReadForWrite(db, items[i].key, &metas[i], &st, &live));
    stored[i] = st;
    if (nx && live) return Status::OK();
  }
  Batch batch(engine_);
  for (size_t i = 0; i < items.size(); i++) {
    if (!last[i]) continue;
    batch.PutMeta(db, items[i].key, stored[i] ? &metas[i] : nullptr,
                  StringRecord(items[i].value, items[i].expire_ms));
  }
  REDROCK_RETURN_IF_ERROR(batch.Commit());
  *applied = true;
  return Status::OK();
}

Status StringType::IncrBy(int db, std::string_view key, int64_t delta, int64_t* result) {
  KeyLockGuard guard(engine_->locks(), db, key);
  MetaRecord meta;
  bool stored = false, live = false;
  REDROCK_RETURN_IF_ERROR(ReadForWrite(db, key, &meta, &stored, &live));
  int64_t current = 0;
  uint64_t expire = 0;
  if (live) {
    if (meta.type != ValueType::kString) return Status::WrongType();
    if (!ParseInt64(meta.value, &current)) {
      return Status::InvalidArgument("ERR value is not an integer or out of range");
    }
    expire = meta.expire_ms;
  }
  if ((delta < 0 && current < 0 && delta < std::numeric_limits<int64_t>::min() - current) ||
      (delta > 0 && current > 0 && delta > std::numeric_limits<int64_t>::max() - current)) {
    return Status::InvalidArgument("ERR increment or decrement would overflow");
  }
  *result = current + delta;
  Batch batch(engine_);
  batch.PutMeta(db, key, stored ? &meta : nullptr, StringRecord(FormatInt64(*result), expire));
  return batch.Commit();
}

Status StringType::IncrMany(int db, const std::vector<IncrItem>& items,
                            std::vector<IncrResult>* results) {
  std::vector<std::pair<int, std::string_view>> lock_keys;
  lock_keys.reserve(items.size());
  for (const auto& item : items)
    lock_keys.emplace_back(db, item.key);
  KeyLockGuard guard(engine_->locks(), lock_keys);
  // One state per distinct key: read once, updated in order, written once.
  struct KeyState {
    std::string_view key;
    MetaRecord meta;
    bool stored = false;
    Status error;  // WRONGTYPE or not an integer: every INCR of this key fails
    int64_t value = 0;
    uint64_t expire = 0;
    bool changed = false;
  };
  std::vector<KeyState> states;
  std::vector<size_t> state_of(items.size());
  for (size_t i = 0; i < items.size(); i++) {
    size_t k = 0;
    while (k < states.size() && states[k].key != items[i].key)
      k++;
    state_of[i] = k;
    if (k < states.size()) continue;
    KeyState st;
    st.key = items[i].key;
    bool live = false;
    REDROCK_RETURN_IF_ERROR(ReadForWrite(db, st.key, &st.meta, &st.stored, &live));
    if (live) {
      if (st.meta.type != ValueType::kString) {
        st.error = Status::WrongType();
      } else if (!ParseInt64(st.meta.value, &st.value)) {
        st.error = Status::InvalidArgument("ERR value is not an integer or out of range");
      }
      st.expire = st.meta.expire_ms;
    }
    states.push_back(std::move(st));
  }
  results->assign(items.size(), IncrResult());
  for (size_t i = 0; i < items.size(); i++) {
    KeyState& st = states[state_of[i]];
    IncrResult& r = (*results)[i];
    const int64_t delta = items[i].delta;
    const int64_t current = st.value;
    if (!st.error.ok()) {
      r.status = st.error;
    } else if ((delta < 0 && current < 0 &&
                delta < std::numeric_limits<int64_t>::min() - current) ||
               (delta > 0 && current > 0 &&
                delta > std::numeric_limits<int64_t>::max() - current)) {
      r.status = Status::InvalidArgument("ERR increment or decrement would overflow");
    } else {
      st.value = current + delta;
      st.changed = true;
      r.value = st.value;
    }
  }
  Batch batch(engine_);
  bool any = false;
  for (KeyState& st : states) {
    if (!st.changed) continue;
    batch.PutMeta(db, st.key, st.stored ? &st.meta : nullptr,
                  StringRecord(FormatInt64(st.value), st.expire));
    any = true;
  }
  if (any) REDROCK_RETURN_IF_ERROR(batch.Commit());
  return Status::OK();
}

Status StringType::IncrByFloat(int db, std::string_view key, long double delta,
                               std::string* result) {
  KeyLockGuard guard(engine_->locks(), db, key);
  MetaRecord meta;
  bool stored = false, live = false;
  REDROCK_RETURN_IF_ERROR(ReadForWrite(db, key, &meta, &stored, &live));
  long double current = 0;
  uint64_t expire = 0;
  if (live) {
    if (meta.type != ValueType::kString) return Status::WrongType();
    if (!ParseLongDouble(meta.value, &current)) {
      return Status::InvalidArgument("ERR value is not a valid float");
    }
    expire = meta.expire_ms;
  }
  long double sum = current + delta;
  if (std::isnan(sum) || std::isinf(sum)) {
    return Status::InvalidArgument("ERR increment would produce NaN or Infinity");
  }
  *result = FormatLongDoubleHuman(sum);
  Batch batch(engine_);
  // Redis stores the result as a plain string object, never int-encoded.
  batch.PutMeta(db, key, stored ? &meta : nullptr, StringRecord(*result, expire, kMetaNotInt));
  return batch.Commit();
}

Status StringType::Append(int db, std::string_view key, std::string_view value, int64_t* length) {
  KeyLockGuard guard(engine_->locks(), db, key);
  MetaRecord meta;
  bool stored = false, live = false;
  REDROCK_RETURN_IF_ERROR(ReadForWrite(db, key, &meta, &stored, &live));
  MetaRecord updated;
  if (live) {
    if (meta.type != ValueType::kString) return Status::WrongType();
    if (meta.value.size() + value.size() > 512ULL * 1024 * 1024) {
      return Status::InvalidArgument(
          "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
    updated = meta;
    updated.value.append(value);
    updated.flags |= kMetaRawString;
  } else {
    updated = StringRecord(value, 0);
  }
  *length = static_cast<int64_t>(updated.value.size());
  Batch batch(engine_);
  batch.PutMeta(db, key, stored ? &meta : nullptr, updated);
  return batch.Commit();
}

Status StringType::Strlen(int db, std::string_view key, int64_t* length) const {
  std::string value;
  Status s = Get(db, key, &value);
  if (s.IsNotFound()) {
    *length = 0;
    return Status::OK();
  }
  REDROCK_RETURN_IF_ERROR(s);
  *length = static_cast<int64_t>(value.size());
  return Status::OK();
}

Status StringType::GetRange(int db, std::string_view key, int64_t start, int64_t end,
                            std::string* value) const {
  std::string full;
  Status s = Get(db, key, &full);
  value->clear();
  if (s.IsNotFound()) return Status::OK();
  REDROCK_RETURN_IF_ERROR(s);
  int64_t len = static_cast<int64_t>(full.size());
  // Redis: both negative and start > end yields empty; negatives count from the end.
  if (start < 0 && end < 0 && start > end) return Status::OK();
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return Status::OK();
  value->assign(full, static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
  return Status::OK();
}

Status StringType::SetRange(int db, std::string_view key, uint64_t offset, std::string_view value,
                            int64_t* length) {
  KeyLockGuard guard(engine_->locks(), db, key);
  MetaRecord meta;
  bool stored = false, live = false;
  REDROCK_RETURN_IF_ERROR(ReadForWrite(db, key, &meta, &stored, &live));
  if (live && meta.type != ValueType::kString) return Status::WrongType();
  if (!value.empty() && offset + value.size() > 512ULL * 1024 * 1024) {
    return Status::InvalidArgument("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  if (value.empty()) {
    // Nothing to write: report the current length (0 for a missing key, which stays missing).
    *length = live ? static_cast<int64_t>(meta.value.size()) : 0;
    return Status::OK();
  }
  MetaRecord updated = live ? meta : StringRecord("", 0);
  if (updated.value.size() < offset + value.size()) {
    updated.value.resize(offset + value.size(), '\0');
  }
  updated.value.replace(offset, value.size(), value);
  updated.flags |= kMetaRawString;
  *length = static_cast<int64_t>(updated.value.size());
  Batch batch(engine_);
  batch.PutMeta(db, key, stored ? &meta : nullptr, updated);
  return batch.Commit();
}

const char* StringType::Encoding(const MetaRecord& meta) {
  int64_t v;
  if (!(meta.flags & (kMetaRawString | kMetaNotInt)) && meta.value.size() <= 20 &&
      ParseInt64(meta.value, &v)) {
    return "int";
  }
  if (!(meta.flags & kMetaRawString) && meta.value.size() <= 44) return "embstr";
  return "raw";
}

}  // namespace redrock::engine
