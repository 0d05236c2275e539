// Hot tier: sharded CLOCK cache with TinyLFU admission, kept in step with RocksDB writes.
//
// Why a stale value can never be inserted: every write marks the shards it touches (gen++,
// inflight++) before its RocksDB write and again after (gen++, inflight--). A reader's
// lookup notes the shard's gen; its fill is accepted only when gen is unchanged and no
// write is in flight, i.e. no write to the shard overlapped the RocksDB read. Reads at an
// older snapshot are also refused when a write newer than the snapshot was applied.
//
// Why snapshot reads stay consistent: an entry records a sequence number at or after the
// write that produced it, and entries a write is about to change are marked pending (not
// served) until the tier has applied it. So an entry with seq <= S that is not pending holds
// exactly the value visible at snapshot S.
#include "engine/hot_tier.h"

#include <algorithm>
#include <functional>
#include <list>
#include <mutex>

#include <rocksdb/write_batch.h>

#include "engine/coding.h"
#include "engine/entry_index.h"
#include "engine/frequency_sketch.h"
#include "engine/key_format.h"

namespace redrock::engine {

namespace {

using Record = std::pair<std::string, std::string>;

uint64_t HashKey(std::string_view key) {
  uint64_t h = std::hash<std::string_view>{}(key);
  // std::hash may be weak in its high bits, which pick the shard: mix (splitmix64 finaliser).
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

// Splits [db:2][key len:4][key][version:8]... into the key's meta key and version; false
// when `in` is not a data key. *prefix_len is the length of the collection prefix.
bool MetaKeyOfDataKey(std::string_view in, std::string* meta_key, uint64_t* version,
                      size_t* prefix_len) {
  if (in.size() < 6) return false;
  uint32_t len = DecodeFixed32(in.data() + 2);
  if (in.size() < 6ULL + len + 8) return false;
  meta_key->assign(in.data(), 2);
  meta_key->append(in.data() + 6, len);
  *version = DecodeFixed64(in.data() + 6 + len);
  *prefix_len = 6 + len + 8;
  return true;
}

bool Expired(std::string_view meta) {
  uint64_t expire = 0;
  return PeekMetaExpire(meta, &expire) && expire != 0 && expire <= NowMs();
}

// Type and version of an encoded collection meta record; false for strings or garbage.
bool CollectionOf(std::string_view meta, uint8_t* type, uint64_t* version, uint64_t* size) {
  MetaRecord m;
  if (meta.empty() || meta[0] == static_cast<char>(ValueType::kString)) return false;
  if (!DecodeMeta(meta, &m).ok()) return false;
  *type = static_cast<uint8_t>(m.type);
  *version = m.version;
  *size = m.size;
  return true;
}

uint64_t RecordCharge(const Record& r) {
  return 2 * sizeof(std::string) + r.first.size() + r.second.size();
}

std::vector<Record>::const_iterator Find(const std::vector<Record>& v, std::string_view key) {
  return std::lower_bound(v.begin(), v.end(), key,
                          [](const Record& r, std::string_view k) { return r.first < k; });
}

// rocksdb::Iterator over a sorted vector of cached records.
class MembersIterator : public rocksdb::Iterator {
 public:
  MembersIterator(std::shared_ptr<const HotTier::Members> members,
                  const std::vector<Record>* records, std::string lower, std::string upper)
      : members_(std::move(members)),
        v_(*records),
        lower_(std::move(lower)),
        upper_(std::move(upper)),
        pos_(v_.size()) {}

  bool Valid() const override { return pos_ < v_.size(); }
  void SeekToFirst() override { Seek(lower_); }
  void SeekToLast() override {
    size_t end = upper_.empty() ? v_.size() : LowerBound(upper_);
    SetBackward(end);
  }
  void Seek(const rocksdb::Slice& target) override {
    std::string_view t(target.data(), target.size());
    if (t < lower_) t = lower_;
    SetForward(LowerBound(t));
  }
  void SeekForPrev(const rocksdb::Slice& target) override {
    std::string_view t(target.data(), target.size());
    if (!upper_.empty() && t >= upper_) return SeekToLast();
    // The last record <= t.
    size_t end = std::upper_bound(v_.begin(), v_.end(), t,
                                  [](std::string_view k, const Record& r) { return k < r.first; }) -
                 v_.begin();
    SetBackward(end);
  }
  void Next() override { SetForward(pos_ + 1); }
  void Prev() override { SetBackward(pos_); }
  rocksdb::Slice key() const override { return v_[pos_].first; }
  rocksdb::Slice value() const override { return v_[pos_].second; }
  rocksdb::Status status() const override { return rocksdb::Status::OK(); }

 private:
  size_t LowerBound(std::string_view k) const { return Find(v_, k) - v_.begin(); }
  // Positions on index i when it is inside the bounds, else invalid.
  void SetForward(size_t i) {
    pos_ = (i < v_.size() && (upper_.empty() || v_[i].first < upper_)) ? i : v_.size();
  }
  // Positions on the record before index `end` when it is inside the bounds, else invalid.
  void SetBackward(size_t end) {
    pos_ = (end > 0 && end <= v_.size() && v_[end - 1].first >= lower_) ? end - 1 : v_.size();
  }

  std::shared_ptr<const HotTier::Members> members_;  // keeps v_ alive
  const std::vector<Record>& v_;
  std::string lower_, upper_;
  size_t pos_;
};

// A collection is loaded into the tier once its key has been seen this often recently.
constexpr int kLoadFrequency = 2;
// One sketch counter per 16 bytes of budget (the sketch costs 1/32 of it): about a dozen per
// cacheable entry. Narrower sketches lose much of TinyLFU's edge over LRU to collisions
// (measured with redrock-bench-hottier: 4 instead of 10 points at Zipf 0.9).
constexpr uint64_t kBytesPerCounter = 16;

}  // namespace

struct HotTier::Entry {
  // The meta key followed by the encoded meta record (when present): one allocation, so a
  // lookup's key comparison also brings in the head of the record (its type and TTL).
  std::string buf;
  uint32_t key_len = 0;
  bool present = false;
  bool ref = false;  // CLOCK reference bit
  uint32_t pending = 0;
  uint64_t seq = 0;   // valid from this sequence number on
  uint64_t hash = 0;  // of key
  uint64_t charge = 0;
  uint64_t unfit_version = 0;  // collection version found too big to cache whole
  std::shared_ptr<Members> members;
  std::list<Entry>::iterator self;  // this entry's place in the shard's ring

  std::string_view key() const { return std::string_view(buf.data(), key_len); }
  std::string_view meta() const { return std::string_view(buf).substr(key_len); }
  void set_meta(std::string_view m) {
    buf.resize(key_len);
    buf.append(m);
  }
};

struct HotTier::Shard {
  using Ring = std::list<Entry>;

  std::mutex mu;
  Ring ring;  // CLOCK order
  Ring::iterator hand = ring.end();
  EntryIndex<Entry> index;
  FrequencySketch sketch;
  uint64_t used = 0;          // charge of entries
  uint64_t gen = 0;           // bumped before and after every write touching the shard
  uint32_t inflight = 0;      // writes between BeginWrite and FinishWrite
  uint32_t ranges = 0;        // of which range deletions: nothing is served meanwhile
  uint64_t last_applied = 0;  // highest sequence number applied
  uint64_t hits = 0, misses = 0, evictions = 0, rejected = 0, refused = 0;

  Entry* Find(std::string_view key, uint64_t hash) { return index.Find(key, hash); }
  Entry* Find(std::string_view key) { return Find(key, HashKey(key)); }
  void Erase(Ring::iterator it) {
    if (hand == it) ++hand;
    index.Erase(&*it, it->hash);
    used -= it->charge;
    ring.erase(it);
  }
  void EraseKey(std::string_view key) {
    if (Entry* e = Find(key)) Erase(e->self);
  }
  // A new entry, placed just behind the CLOCK hand (the last the hand will reach).
  Entry* Insert(std::string_view key, uint64_t hash) {
    auto it = ring.emplace(hand, Entry());
    it->buf.assign(key);
    it->key_len = static_cast<uint32_t>(key.size());
    it->hash = hash;
    it->self = it;
    index.Insert(&*it, hash);
    return &*it;
  }
  // The next entry the CLOCK hand would evict, or ring.end(); pending entries are skipped.
  Ring::iterator Victim() {
    for (size_t steps = 0; steps <= 2 * ring.size(); steps++) {
      if (hand == ring.end()) hand = ring.begin();
      if (hand == ring.end()) break;
      if (hand->pending == 0) {
        if (!hand->ref) return hand;
        hand->ref = false;
      }
      ++hand;
    }
    return ring.end();
  }
  void Recharge(Entry* e) {
    uint64_t c =
        Charge(e->key_len, e->buf.size() - e->key_len) + (e->members ? e->members->bytes : 0);
    used += c - e->charge;
    e->charge = c;
  }
  void Clear() {
    ring.clear();
    index.Clear();
    hand = ring.end();
    used = 0;
    gen++;
  }
};

uint64_t HotTier::Charge(size_t key_size, size_t value_size) {
  // The entry, its list node links, and its index slots (16 bytes each, 2 to 4 per entry).
  return sizeof(Entry) + 2 * sizeof(void*) + 48 + key_size + value_size;
}

uint64_t HotTier::MembersCharge(const Members& m) {
  uint64_t c = sizeof(Members) + 32;  // shared_ptr control block
  for (const auto& r : m.data)
    c += RecordCharge(r);
  for (const auto& r : m.zscore)
    c += RecordCharge(r);
  return c;
}

HotTier::HotTier(uint64_t budget_bytes) : budget_(0), shards_(new Shard[kShards]) {
  SetBudget(budget_bytes);
}

HotTier::~HotTier() = default;

void HotTier::SetFamilies(uint32_t meta_id, uint32_t data_id, uint32_t zscore_id) {
  meta_id_ = meta_id;
  data_id_ = data_id;
  zscore_id_ = zscore_id;
}

uint64_t HotTier::ShardBudget() const {
  return budget_.load(std::memory_order_relaxed) / kShards;
}

void HotTier::SetBudget(uint64_t bytes) {
  budget_.store(bytes);
  uint64_t counters = std::max<uint64_t>(64, bytes / kShards / kBytesPerCounter);
  for (int i = 0; i < kShards; i++) {
    Shard& sh = shards_[i];
    std::lock_guard<std::mutex> l(sh.mu);
    FrequencySketch sized(counters);
    if (sized.bytes() != sh.sketch.bytes()) sh.sketch = std::move(sized);
    if (bytes == 0) {
      sh.Clear();
    } else {
      EvictToBudget(sh);
    }
  }
}

void HotTier::Clear() {
  for (int i = 0; i < kShards; i++) {
    std::lock_guard<std::mutex> l(shards_[i].mu);
    shards_[i].Clear();
  }
}

HotTierStats HotTier::stats() const {
  HotTierStats s;
  s.budget_bytes = budget_.load();
  for (int i = 0; i < kShards; i++) {
    Shard& sh = shards_[i];
    std::lock_guard<std::mutex> l(sh.mu);
    s.used_bytes += sh.used + (s.budget_bytes ? sh.sketch.bytes() : 0);
    s.entries += sh.index.size();
    for (const Entry& e : sh.ring) {
      s.negative_entries += e.present ? 0 : 1;
      s.collections += e.members ? 1 : 0;
    }
    s.hits += sh.hits;
    s.misses += sh.misses;
    s.evictions += sh.evictions;
    s.admissions_rejected += sh.rejected;
    s.stale_fills_refused += sh.refused;
  }
  return s;
}

void HotTier::EvictToBudget(Shard& sh) {
  uint64_t sketch = sh.sketch.bytes();
  uint64_t limit = ShardBudget() > sketch ? ShardBudget() - sketch : 0;
  while (sh.used > limit) {
    auto v = sh.Victim();
    if (v == sh.ring.end()) break;
    sh.Erase(v);
    sh.evictions++;
  }
}

bool HotTier::Admit(Shard& sh, uint64_t hash, uint64_t charge) {
  uint64_t sketch = sh.sketch.bytes();
  uint64_t limit = ShardBudget() > sketch ? ShardBudget() - sketch : 0;
  // One entry may not take more than half a shard.
  if (charge > limit / 2) {
    sh.rejected++;
    return false;
  }
  if (sh.used + charge <= limit) return true;
  auto victim = sh.Victim();
  // TinyLFU: the newcomer must have been seen more often than what it would displace.
  if (victim == sh.ring.end() || sh.sketch.Estimate(hash) <= sh.sketch.Estimate(victim->hash)) {
    sh.rejected++;
    return false;
  }
  while (sh.used + charge > limit) {
    if (victim == sh.ring.end()) {
      sh.rejected++;
      return false;
    }
    sh.Erase(victim);
    sh.evictions++;
    victim = sh.Victim();
  }
  return true;
}

void HotTier::BeginOutsideWrite() {
  outside_inflight_.fetch_add(1);
  outside_gen_.fetch_add(1);
}

void HotTier::EndOutsideWrite() {
  outside_gen_.fetch_add(1);
  outside_inflight_.fetch_sub(1);
}

bool HotTier::OutsideUnchanged(const Ticket& ticket) const {
  return ticket.valid && outside_inflight_.load() == 0 && outside_gen_.load() == ticket.outside_gen;
}

// ---- reads ----

HotTier::Result HotTier::GetMeta(std::string_view meta_key, uint64_t snap_seq, std::string* value,
                                 Ticket* ticket) {
  ticket->valid = false;
  if (!enabled()) return Result::kMiss;
  uint64_t hash = HashKey(meta_key);
  Shard& sh = shards_[hash >> (64 - kShardBits)];
  // The sketch block loads while the lookup waits for its slot and entry.
  sh.sketch.Prefetch(hash);
  sh.index.Prefetch(hash);
  std::lock_guard<std::mutex> l(sh.mu);
  Entry* e = sh.ranges == 0 ? sh.Find(meta_key, hash) : nullptr;
  sh.sketch.Add(hash);
  if (e != nullptr && e->pending == 0 && (snap_seq == 0 || e->seq <= snap_seq)) {
    if (!e->present) {
      e->ref = true;
      sh.hits++;
      return Result::kAbsent;
    }
    // Not served once expired: RocksDB's compaction filter may already have dropped it, and
    // the tier must not hold what RocksDB does not. The caller reads RocksDB and sees the
    // record (or its absence) as it always did.
    if (!Expired(e->meta())) {
      e->ref = true;
      sh.hits++;
      value->assign(e->meta());
      return Result::kHit;
    }
    sh.Erase(e->self);
  }
  sh.misses++;
  ticket->gen = sh.gen;
  ticket->outside_gen = outside_gen_.load();
  ticket->valid = true;
  return Result::kMiss;
}

void HotTier::FillMeta(std::string_view meta_key, std::optional<std::string_view> value,
                       const Ticket& ticket, uint64_t snap_seq, uint64_t seq_after) {
  if (!OutsideUnchanged(ticket) || !enabled()) return;
  if (value && Expired(*value)) return;
  uint64_t hash = HashKey(meta_key);
  Shard& sh = shards_[hash >> (64 - kShardBits)];
  std::lock_guard<std::mutex> l(sh.mu);
  if (sh.gen != ticket.gen || sh.inflight != 0 || (snap_seq != 0 && sh.last_applied > snap_seq)) {
    sh.refused++;
    return;
  }
  if (sh.Find(meta_key, hash) != nullptr) return;  // another reader was faster
  uint64_t charge = Charge(meta_key.size(), value ? value->size() : 0);
  if (!Admit(sh, hash, charge)) return;
  Entry* e = sh.Insert(meta_key, hash);
  e->present = value.has_value();
  if (value) e->set_meta(*value);
  e->seq = snap_seq != 0 ? snap_seq : seq_after;
  sh.Recharge(e);
}

std::shared_ptr<const HotTier::Members> HotTier::GetMembers(std::string_view prefix,
                                                            uint64_t snap_seq) {
  if (!enabled()) return nullptr;
  std::string meta_key;
  uint64_t version;
  size_t plen;
  if (!MetaKeyOfDataKey(prefix, &meta_key, &version, &plen)) return nullptr;
  uint64_t hash = HashKey(meta_key);
  Shard& sh = shards_[hash >> (64 - kShardBits)];
  std::lock_guard<std::mutex> l(sh.mu);
  Entry* e = sh.ranges == 0 ? sh.Find(meta_key, hash) : nullptr;
  if (e != nullptr && e->pending == 0 && (snap_seq == 0 || e->seq <= snap_seq) && e->members &&
      e->members->version == version) {
    e->ref = true;
    sh.hits++;
    return e->members;
  }
  sh.misses++;
  return nullptr;
}

bool HotTier::WantMembers(std::string_view prefix, uint64_t snap_seq, uint8_t* type_code,
                          Ticket* ticket) {
  ticket->valid = false;
  if (!enabled()) return false;
  std::string meta_key;
  uint64_t version;
  size_t plen;
  if (!MetaKeyOfDataKey(prefix, &meta_key, &version, &plen)) return false;
  uint64_t hash = HashKey(meta_key);
  Shard& sh = shards_[hash >> (64 - kShardBits)];
  std::lock_guard<std::mutex> l(sh.mu);
  Entry* e = sh.ranges == 0 ? sh.Find(meta_key, hash) : nullptr;
  if (e == nullptr || !e->present || e->pending != 0 || e->members ||
      (snap_seq != 0 && e->seq > snap_seq) || e->unfit_version == version) {
    return false;
  }
  uint64_t meta_version, size;
  if (!CollectionOf(e->meta(), type_code, &meta_version, &size) || meta_version != version ||
      size > kMaxCollectionMembers || sh.sketch.Estimate(hash) < kLoadFrequency) {
    return false;
  }
  ticket->gen = sh.gen;
  ticket->outside_gen = outside_gen_.load();
  ticket->valid = true;
  return true;
}

bool HotTier::FillMembers(std::string_view prefix, std::shared_ptr<Members> members,
                          const Ticket& ticket, uint64_t snap_seq) {
  if (!OutsideUnchanged(ticket) || !enabled()) return false;
  std::string meta_key;
  uint64_t version;
  size_t plen;
  if (!MetaKeyOfDataKey(prefix, &meta_key, &version, &plen)) return false;
  members->version = version;
  members->bytes = MembersCharge(*members);
  uint64_t hash = HashKey(meta_key);
  Shard& sh = shards_[hash >> (64 - kShardBits)];
  std::lock_guard<std::mutex> l(sh.mu);
  if (sh.gen != ticket.gen || sh.inflight != 0 || sh.last_applied > snap_seq) {
    sh.refused++;
    return false;
  }
  Entry* e = sh.Find(meta_key, hash);
  if (e == nullptr || !e->present || e->pending != 0 || e->members || e->seq > snap_seq) {
    return false;
  }
  uint8_t type;
  uint64_t meta_version, size;
  if (!CollectionOf(e->meta(), &type, &meta_version, &size) || meta_version != version)
    return false;
  if (members->data.size() > kMaxCollectionMembers || members->bytes > kMaxCollectionBytes) {
    e->unfit_version = version;
    return false;
  }
  e->members = std::move(members);
  e->ref = true;
  sh.Recharge(e);
  EvictToBudget(sh);
  return true;
}

HotTier::Result HotTier::GetMember(Family family, std::string_view key, uint64_t snap_seq,
                                   std::string* value) {
  if (!enabled()) return Result::kMiss;
  std::string meta_key;
  uint64_t version;
  size_t plen;
  if (!MetaKeyOfDataKey(key, &meta_key, &version, &plen)) return Result::kMiss;
  uint64_t hash = HashKey(meta_key);
  Shard& sh = shards_[hash >> (64 - kShardBits)];
  std::lock_guard<std::mutex> l(sh.mu);
  Entry* e = sh.ranges == 0 ? sh.Find(meta_key, hash) : nullptr;
  if (e == nullptr || e->pending != 0 || (snap_seq != 0 && e->seq > snap_seq) || !e->members ||
      e->members->version != version) {
    sh.misses++;
    return Result::kMiss;
  }
  e->ref = true;
  sh.hits++;
  const auto& v = family == Family::kZScore ? e->members->zscore : e->members->data;
  auto it = Find(v, key);
  if (it == v.end() || it->first != key) return Result::kAbsent;
  if (value != nullptr) value->assign(it->second);
  return Result::kHit;
}

std::unique_ptr<rocksdb::Iterator> HotTier::NewMembersIterator(
    std::shared_ptr<const Members> members, Family family, std::string lower, std::string upper) {
  const std::vector<Record>* v = family == Family::kZScore ? &members->zscore : &members->data;
  return std::make_unique<MembersIterator>(std::move(members), v, std::move(lower),
                                           std::move(upper));
}

// ---- writes ----

// Walks a write batch: in kCollect mode it lists the keys and shards the batch touches; in
// kApply mode (all those shards locked) it applies every operation to cached entries.
class HotTier::Walker : public rocksdb::WriteBatch::Handler {
 public:
  enum class Mode { kCollect, kApply };
  Walker(HotTier* tier, Mode mode, WriteToken* token, uint64_t seq)
      : tier_(tier), mode_(mode), token_(token), seq_(seq) {}

  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    Op(cf, key, &value, false);
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    Op(cf, key, nullptr, false);
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    Op(cf, key, nullptr, false);
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& key,
                          const rocksdb::Slice& /*value*/) override {
    Op(cf, key, nullptr, true);
    return rocksdb::Status::OK();
  }
  rocksdb::Status DeleteRangeCF(uint32_t cf, const rocksdb::Slice& begin,
                                const rocksdb::Slice& end) override {
    Range(cf, std::string_view(begin.data(), begin.size()),
          std::string_view(end.data(), end.size()));
    return rocksdb::Status::OK();
  }
  void LogData(const rocksdb::Slice&) override {}

 private:
  Family FamilyOf(uint32_t cf) const {
    if (cf == tier_->meta_id_) return Family::kMeta;
    if (cf == tier_->data_id_) return Family::kData;
    if (cf == tier_->zscore_id_) return Family::kZScore;
    return Family::kOther;
  }

  // A Put (value set), Delete (value null) or Merge on one record.
  void Op(uint32_t cf, const rocksdb::Slice& k, const rocksdb::Slice* value, bool merge) {
    Family f = FamilyOf(cf);
    if (f == Family::kOther) return;
    std::string_view key(k.data(), k.size());
    std::string meta_key;
    uint64_t version = 0;
    size_t plen = 0;
    if (f == Family::kMeta) {
      meta_key.assign(key);
    } else if (!MetaKeyOfDataKey(key, &meta_key, &version, &plen)) {
      return;
    }
    uint64_t hash = HashKey(meta_key);
    uint32_t shard = static_cast<uint32_t>(hash >> (64 - kShardBits));
    if (mode_ == Mode::kCollect) {
      if (token_->keys.empty() || token_->keys.back().second != meta_key) {
        token_->keys.emplace_back(shard, meta_key);
      }
      token_->shard_mask |= 1ULL << shard;
      return;
    }
    Shard& sh = tier_->shards_[shard];
    Entry* e = sh.Find(meta_key, hash);
    if (f == Family::kMeta) {
      if (merge) {
        if (e != nullptr) sh.EraseKey(meta_key);
        return;
      }
      ApplyMeta(sh, e, meta_key, hash, value);
      return;
    }
    if (e == nullptr || !e->members) return;
    if (merge || e->members->version != version) {
      DropMembers(sh, e);
      return;
    }
    Members* m = Writable(e);
    auto& v = f == Family::kZScore ? m->zscore : m->data;
    auto it = v.begin() + (Find(v, key) - v.cbegin());
    bool exists = it != v.end() && it->first == key;
    if (value != nullptr) {
      std::string_view val(value->data(), value->size());
      if (exists) {
        m->bytes += val.size();
        m->bytes -= it->second.size();
        it->second.assign(val);
      } else {
        Record r{std::string(key), std::string(val)};
        m->bytes += RecordCharge(r);
        v.insert(it, std::move(r));
      }
    } else if (exists) {
      m->bytes -= RecordCharge(*it);
      v.erase(it);
    }
    Settle(sh, e);
  }

  void ApplyMeta(Shard& sh, Entry* e, const std::string& meta_key, uint64_t hash,
                 const rocksdb::Slice* value) {
    if (e == nullptr) {
      // Write-allocate only live records; a deletion of an uncached key caches nothing.
      if (value == nullptr) return;
      sh.sketch.Add(hash);
      if (!tier_->Admit(sh, hash, Charge(meta_key.size(), value->size()))) return;
      e = sh.Insert(meta_key, hash);
    }
    e->seq = seq_;
    if (value == nullptr) {
      e->present = false;
      e->set_meta({});
      e->members.reset();
    } else {
      e->present = true;
      e->set_meta(std::string_view(value->data(), value->size()));
      uint8_t type;
      uint64_t version, size;
      if (e->members &&
          (!CollectionOf(e->meta(), &type, &version, &size) || version != e->members->version)) {
        e->members.reset();
      }
    }
    sh.Recharge(e);
  }

  void Range(uint32_t cf, std::string_view begin, std::string_view end) {
    Family f = FamilyOf(cf);
    if (f == Family::kOther) return;
    std::string meta_key;
    uint64_t version = 0;
    size_t plen = 0;
    bool one_collection = f != Family::kMeta &&
                          MetaKeyOfDataKey(begin, &meta_key, &version, &plen) &&
                          end.size() >= plen && end.substr(0, plen) == begin.substr(0, plen);
    if (one_collection) {
      // A range inside one collection (list trims): handled like a write to that key.
      uint64_t hash = HashKey(meta_key);
      uint32_t shard = static_cast<uint32_t>(hash >> (64 - kShardBits));
      if (mode_ == Mode::kCollect) {
        token_->keys.emplace_back(shard, meta_key);
        token_->shard_mask |= 1ULL << shard;
        return;
      }
      Shard& sh = tier_->shards_[shard];
      Entry* e = sh.Find(meta_key, hash);
      if (e == nullptr || !e->members) return;
      if (e->members->version != version) return DropMembers(sh, e);
      Members* m = Writable(e);
      auto& v = f == Family::kZScore ? m->zscore : m->data;
      auto lo = v.begin() + (Find(v, begin) - v.cbegin());
      auto hi = v.begin() + (Find(v, end) - v.cbegin());
      for (auto it = lo; it != hi; ++it)
        m->bytes -= RecordCharge(*it);
      v.erase(lo, hi);
      Settle(sh, e);
      return;
    }
    if (mode_ == Mode::kCollect) {
      token_->ranges = true;
      return;
    }
    for (int i = 0; i < kShards; i++) {
      Shard& sh = tier_->shards_[i];
      if (f == Family::kMeta) {
        for (auto it = sh.ring.begin(); it != sh.ring.end();) {
          auto next = std::next(it);
          if (it->key() >= begin && it->key() < end) sh.Erase(it);
          it = next;
        }
      } else {
        for (Entry& e : sh.ring)
          DropMembers(sh, &e);
      }
    }
  }

  // The entry's members, copied first when a reader's iterator still shares them.
  static Members* Writable(Entry* e) {
    if (e->members.use_count() > 1) e->members = std::make_shared<Members>(*e->members);
    return e->members.get();
  }
  static void DropMembers(Shard& sh, Entry* e) {
    if (!e->members) return;
    e->members.reset();
    sh.Recharge(e);
  }
  // After an in-place change: drops members grown past the limits, re-charges the entry.
  static void Settle(Shard& sh, Entry* e) {
    if (e->members->data.size() > kMaxCollectionMembers ||
        e->members->bytes > kMaxCollectionBytes) {
      e->members.reset();
    }
    sh.Recharge(e);
  }

  HotTier* tier_;
  Mode mode_;
  WriteToken* token_;
  uint64_t seq_;
};

std::unique_ptr<HotTier::WriteToken> HotTier::BeginWrite(const rocksdb::WriteBatch& batch) {
  auto token = std::make_unique<WriteToken>();
  Walker walker(this, Walker::Mode::kCollect, token.get(), 0);
  batch.Iterate(&walker);
  auto& keys = token->keys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  if (token->ranges) token->shard_mask = ~0ULL;
  size_t k = 0;
  for (int i = 0; i < kShards; i++) {
    if (!(token->shard_mask & (1ULL << i))) continue;
    Shard& sh = shards_[i];
    std::lock_guard<std::mutex> l(sh.mu);
    sh.gen++;
    sh.inflight++;
    if (token->ranges) sh.ranges++;
    for (; k < keys.size() && keys[k].first == static_cast<uint32_t>(i); k++) {
      if (Entry* e = sh.Find(keys[k].second)) e->pending++;
    }
  }
  return token;
}

void HotTier::FinishWrite(const rocksdb::WriteBatch& batch, std::unique_ptr<WriteToken> token,
                          bool ok, uint64_t seq_after) {
  // Every touched shard stays locked while the batch is applied, so readers see all of it
  // or none of it. Locks are taken in shard order; readers hold one at a time.
  std::vector<std::unique_lock<std::mutex>> locks;
  for (int i = 0; i < kShards; i++) {
    if (token->shard_mask & (1ULL << i)) locks.emplace_back(shards_[i].mu);
  }
  if (ok) {
    Walker walker(this, Walker::Mode::kApply, token.get(), seq_after);
    batch.Iterate(&walker);
  }
  for (const auto& [shard, key] : token->keys) {
    Shard& sh = shards_[shard];
    if (!ok) {
      sh.EraseKey(key);  // the write's outcome is unknown: forget the key
    } else if (Entry* e = sh.Find(key)) {
      e->pending = e->pending > 0 ? e->pending - 1 : 0;
    }
  }
  for (int i = 0; i < kShards; i++) {
    if (!(token->shard_mask & (1ULL << i))) continue;
    Shard& sh = shards_[i];
    sh.gen++;
    sh.inflight--;
    if (token->ranges) sh.ranges--;
    sh.last_applied = std::max(sh.last_applied, seq_after);
    EvictToBudget(sh);
  }
}

}  // namespace redrock::engine
