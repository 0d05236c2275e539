// Engine's read and write paths, through the hot tier: reads try the tier first and offer
// what they read from RocksDB back to it; writes go to RocksDB and then through to the tier.
// Inside a Transaction the tier is bypassed: reads must see the transaction's pending writes,
// which only its indexed batch knows.
#include <optional>

#include <rocksdb/db.h>
#include <rocksdb/snapshot.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include "engine/coding.h"
#include "engine/engine.h"
#include "engine/key_format.h"
#include "engine/transaction.h"

namespace redrock::engine {

namespace {

uint64_t SnapshotSeq(const rocksdb::ReadOptions& ro) {
  return ro.snapshot != nullptr ? ro.snapshot->GetSequenceNumber() : 0;
}

// Length of the collection prefix [db:2][key len:4][key][version:8] at the front of a data
// or zscore key; 0 when `key` is too short to hold one.
size_t CollectionPrefixLength(std::string_view key) {
  if (key.size() < 6) return 0;
  uint64_t n = 6ULL + DecodeFixed32(key.data() + 2) + 8;
  return key.size() >= n ? static_cast<size_t>(n) : 0;
}

// The first string after every string starting with `prefix` (collection prefixes start with
// the db number's high byte, never all 0xff, so one exists).
std::string Successor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty() && static_cast<unsigned char>(s.back()) == 0xff)
    s.pop_back();
  if (!s.empty()) s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
  return s;
}

// The hot tier's answer to a point read as RocksDB would give it (the value is already in
// value's buffer on a hit), or nullopt on a miss, with `value` emptied for RocksDB to fill.
std::optional<rocksdb::Status> TierAnswer(HotTier::Result r, rocksdb::PinnableSlice* value) {
  switch (r) {
    case HotTier::Result::kHit:
      value->PinSelf();
      return rocksdb::Status::OK();
    case HotTier::Result::kAbsent:
      return rocksdb::Status::NotFound();
    case HotTier::Result::kMiss:
      break;
  }
  value->Reset();
  return std::nullopt;
}

// Appends the records under [prefix, upper) of `cf` to *out; stops early once more than the
// tier takes were read (the tier then marks the collection as too big).
rocksdb::Status LoadRecords(rocksdb::DB* db, rocksdb::ReadOptions ro,
                            rocksdb::ColumnFamilyHandle* cf, const std::string& prefix,
                            const std::string& upper,
                            std::vector<std::pair<std::string, std::string>>* out,
                            uint64_t* bytes) {
  rocksdb::Slice lower_slice(prefix), upper_slice(upper);
  ro.iterate_lower_bound = &lower_slice;
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, cf));
  for (it->Seek(lower_slice); it->Valid(); it->Next()) {
    out->emplace_back(it->key().ToString(), it->value().ToString());
    *bytes += it->key().size() + it->value().size();
    if (out->size() > HotTier::kMaxCollectionMembers || *bytes > HotTier::kMaxCollectionBytes) {
      break;
    }
  }
  return it->status();
}

}  // namespace

rocksdb::Status Engine::Get(const rocksdb::ReadOptions& ro, rocksdb::ColumnFamilyHandle* cf,
                            const rocksdb::Slice& key, rocksdb::PinnableSlice* value) const {
  if (Transaction* txn = Transaction::Current()) {
    return txn->batch()->GetFromBatchAndDB(db_, ro, cf, key, value);
  }
  if (!hot_tier_->enabled()) return db_->Get(ro, cf, key, value);
  const uint64_t snap = SnapshotSeq(ro);
  std::string_view k(key.data(), key.size());
  if (cf == cfs_[kMeta]) {
    HotTier::Ticket ticket;
    if (auto answer = TierAnswer(hot_tier_->GetMeta(k, snap, value->GetSelf(), &ticket), value))
      return *answer;
    rocksdb::Status s = db_->Get(ro, cf, key, value);
    if (s.ok() || s.IsNotFound()) {
      std::optional<std::string_view> found;
      if (s.ok()) found = std::string_view(value->data(), value->size());
      hot_tier_->FillMeta(k, found, ticket, snap, db_->GetLatestSequenceNumber());
    }
    return s;
  }
  if (cf == cfs_[kData] || cf == cfs_[kZScore]) {
    const auto family = cf == cfs_[kData] ? HotTier::Family::kData : HotTier::Family::kZScore;
    if (auto answer = TierAnswer(hot_tier_->GetMember(family, k, snap, value->GetSelf()), value))
      return *answer;
    // A hot small collection is worth loading whole on its first point read.
    if (size_t plen = CollectionPrefixLength(k); plen != 0) {
      if (auto m = HotMembers(k.substr(0, plen), ro)) {
        const auto& records = family == HotTier::Family::kData ? m->data : m->zscore;
        auto it = std::lower_bound(records.begin(), records.end(), k,
                                   [](const std::pair<std::string, std::string>& r,
                                      std::string_view x) { return r.first < x; });
        if (it == records.end() || it->first != k) return rocksdb::Status::NotFound();
        value->PinSelf(it->second);
        return rocksdb::Status::OK();
      }
    }
  }
  return db_->Get(ro, cf, key, value);
}

std::unique_ptr<rocksdb::Iterator> Engine::NewIterator(const rocksdb::ReadOptions& ro,
                                                       rocksdb::ColumnFamilyHandle* cf) const {
  if (Transaction* txn = Transaction::Current()) {
    std::unique_ptr<rocksdb::Iterator> base(db_->NewIterator(ro, cf));
    return std::unique_ptr<rocksdb::Iterator>(
        txn->batch()->NewIteratorWithBase(cf, base.release(), &ro));
  }
  if (hot_tier_->enabled() && (cf == cfs_[kData] || cf == cfs_[kZScore]) &&
      ro.iterate_lower_bound != nullptr && ro.iterate_upper_bound != nullptr) {
    std::string_view lower(ro.iterate_lower_bound->data(), ro.iterate_lower_bound->size());
    std::string_view upper(ro.iterate_upper_bound->data(), ro.iterate_upper_bound->size());
    size_t plen = CollectionPrefixLength(lower);
    std::string_view prefix = lower.substr(0, plen);
    if (plen != 0 && (upper.substr(0, plen) == prefix || upper == Successor(prefix))) {
      auto members = hot_tier_->GetMembers(prefix, SnapshotSeq(ro));
      if (!members) members = HotMembers(prefix, ro);
      if (members) {
        const auto family = cf == cfs_[kData] ? HotTier::Family::kData : HotTier::Family::kZScore;
        return HotTier::NewMembersIterator(std::move(members), family, std::string(lower),
                                           std::string(upper));
      }
    }
  }
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(ro, cf));
}

std::shared_ptr<const HotTier::Members> Engine::HotMembers(std::string_view prefix,
                                                           const rocksdb::ReadOptions& ro) const {
  HotTier::Ticket ticket;
  uint8_t type = 0;
  if (!hot_tier_->WantMembers(prefix, SnapshotSeq(ro), &type, &ticket)) return nullptr;
  // Both families are read at one snapshot, taken after the ticket so that a write between
  // the two shows as a changed generation.
  std::unique_ptr<rocksdb::ManagedSnapshot> own;
  rocksdb::ReadOptions lro;
  lro.snapshot = ro.snapshot;
  if (lro.snapshot == nullptr) {
    own = std::make_unique<rocksdb::ManagedSnapshot>(db_);
    lro.snapshot = own->snapshot();
  }
  auto members = std::make_shared<HotTier::Members>();
  std::string p(prefix), upper = Successor(prefix);
  uint64_t bytes = 0;
  if (!LoadRecords(db_, lro, cfs_[kData], p, upper, &members->data, &bytes).ok()) return nullptr;
  if (type == static_cast<uint8_t>(ValueType::kZSet) &&
      !LoadRecords(db_, lro, cfs_[kZScore], p, upper, &members->zscore, &bytes).ok()) {
    return nullptr;
  }
  bool complete = members->data.size() <= HotTier::kMaxCollectionMembers &&
                  bytes <= HotTier::kMaxCollectionBytes;
  hot_tier_->FillMembers(prefix, members, ticket, lro.snapshot->GetSequenceNumber());
  // Even when the tier refused them (a racing write), the records are a consistent read at
  // this snapshot, which is the caller's own or as good as one taken by the caller.
  return complete ? members : nullptr;
}

rocksdb::Status Engine::WriteThrough(const rocksdb::WriteOptions& wo, rocksdb::WriteBatch* batch) {
  if (!hot_tier_->enabled()) {
    hot_tier_->BeginOutsideWrite();
    rocksdb::Status s = db_->Write(wo, batch);
    hot_tier_->EndOutsideWrite();
    return s;
  }
  auto token = hot_tier_->BeginWrite(*batch);
  rocksdb::Status s = db_->Write(wo, batch);
  hot_tier_->FinishWrite(*batch, std::move(token), s.ok(), db_->GetLatestSequenceNumber());
  return s;
}

void Engine::ResetHotTier() {
  hot_tier_->SetFamilies(cfs_[kMeta]->GetID(), cfs_[kData]->GetID(), cfs_[kZScore]->GetID());
  hot_tier_->Clear();
}

HotTierStats Engine::hot_tier_stats() const {
  return hot_tier_->stats();
}

void Engine::SetHotTierBudget(uint64_t bytes) {
  hot_tier_->SetBudget(bytes);
}

}  // namespace redrock::engine
