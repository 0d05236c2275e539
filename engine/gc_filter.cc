// Member GC compaction filter.
#include "engine/gc_filter.h"

#include <string>

#include <rocksdb/db.h>

#include "engine/key_format.h"

namespace redrock::engine {

namespace {

class MemberGcFilter : public rocksdb::CompactionFilter {
 public:
  MemberGcFilter(std::shared_ptr<GcFilterTarget> target, uint64_t now_ms)
      : target_(std::move(target)), now_ms_(now_ms) {}

  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& /*value*/,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    int db;
    std::string_view user_key, member;
    uint64_t version;
    if (!ParseDataKey(std::string_view(key.data(), key.size()), &db, &user_key, &version,
                      &member)) {
      return false;  // not ours to judge
    }
    // Members of one key are adjacent: look its meta record up once.
    std::string meta_key = MetaKey(db, user_key);
    if (meta_key != cached_key_) {
      cached_key_ = std::move(meta_key);
      cached_ok_ = Lookup(&cached_version_, &cached_alive_);
    }
    if (!cached_ok_) return false;  // could not read: keep, a later compaction decides
    return !cached_alive_ || cached_version_ != version;
  }

  const char* Name() const override { return "redrock.MemberGcFilter"; }

 private:
  // Reads the meta record of cached_key_: *alive is false when the key is gone, expired or
  // a string. Returns false on read errors.
  bool Lookup(uint64_t* version, bool* alive) const {
    rocksdb::DB* db = target_->db.load();
    rocksdb::ColumnFamilyHandle* cf = target_->meta_cf.load();
    if (db == nullptr || cf == nullptr) return false;
    std::string raw;
    rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cf, cached_key_, &raw);
    if (s.IsNotFound()) {
      *alive = false;
      return true;
    }
    if (!s.ok()) return false;
    MetaRecord meta;
    if (!DecodeMeta(raw, &meta).ok()) return false;
    *alive = meta.type != engine::ValueType::kString && !meta.ExpiredAt(now_ms_);
    *version = meta.version;
    return true;
  }

  std::shared_ptr<GcFilterTarget> target_;
  uint64_t now_ms_;
  mutable std::string cached_key_;
  mutable bool cached_ok_ = false;
  mutable bool cached_alive_ = false;
  mutable uint64_t cached_version_ = 0;
};

class MemberGcFilterFactory : public rocksdb::CompactionFilterFactory {
 public:
  explicit MemberGcFilterFactory(std::shared_ptr<GcFilterTarget> target)
      : target_(std::move(target)) {}
  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& /*context*/) override {
    return std::make_unique<MemberGcFilter>(target_, NowMs());
  }
  const char* Name() const override { return "redrock.MemberGcFilterFactory"; }

 private:
  std::shared_ptr<GcFilterTarget> target_;
};

}  // namespace

std::unique_ptr<rocksdb::CompactionFilterFactory> NewMemberGcFilterFactory(
    std::shared_ptr<GcFilterTarget> target) {
  return std::make_unique<MemberGcFilterFactory>(std::move(target));
}

}  // namespace redrock::engine
