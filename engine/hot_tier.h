// HotTier: an in-memory, write-through copy of hot RocksDB records, so that reads of hot
// keys never reach RocksDB. It holds
//   - meta records by their full meta key (type, TTL, version, size, inline string value),
//     plus negative entries for keys recently found absent;
//   - small collections whole: every data (and zscore) record of one collection version,
//     attached to the key's meta entry.
// RocksDB stays the source of truth. Writers call BeginWrite before and FinishWrite after
// their RocksDB write; readers that miss read RocksDB and offer the result with Fill*, which
// refuses values a concurrent write may have made stale. Entries carry the sequence number
// from which they are known valid, so reads at a RocksDB snapshot use only entries that
// match that snapshot (meta and members of one read then always agree).
//
// Memory: a byte budget split over 64 shards (each with its own mutex), CLOCK eviction and a
// TinyLFU-style admission filter (a count-min sketch of recent access frequencies, halved
// periodically): a new entry displaces the CLOCK victim only when it was accessed more often.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/iterator.h>
#include <rocksdb/slice.h>

namespace rocksdb {
class WriteBatch;
}

namespace redrock::engine {

// Counters reported by INFO (section Hottier).
struct HotTierStats {
  uint64_t budget_bytes = 0;
  uint64_t used_bytes = 0;  // entries, with per-entry overhead, plus the frequency sketch
  uint64_t entries = 0;
  uint64_t negative_entries = 0;
  uint64_t collections = 0;  // entries holding a collection's members whole
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
  uint64_t admissions_rejected = 0;
  uint64_t stale_fills_refused = 0;  // fills dropped because a write raced with the read
};

class HotTier {
 public:
  // Which column family a record belongs to; others are ignored.
  enum class Family : uint8_t { kOther, kMeta, kData, kZScore };

  // Collections are cached whole up to this many members and this many bytes.
  static constexpr uint64_t kMaxCollectionMembers = 128;
  static constexpr uint64_t kMaxCollectionBytes = 8 * 1024;

  explicit HotTier(uint64_t budget_bytes);
  ~HotTier();
  HotTier(const HotTier&) = delete;
  HotTier& operator=(const HotTier&) = delete;

  // Column family ids as RocksDB reports them in write batches.
  void SetFamilies(uint32_t meta_id, uint32_t data_id, uint32_t zscore_id);
  // Changes the budget, evicting down to it; 0 empties and disables the tier.
  void SetBudget(uint64_t bytes);
  bool enabled() const { return budget_.load(std::memory_order_relaxed) != 0; }
  // Drops every entry (DEBUG RELOAD); concurrent fills started before are refused.
  void Clear();
  HotTierStats stats() const;

  // What a read that missed must hand back to Fill*: the shard's write generation when the
  // lookup happened.
  struct Ticket {
    uint64_t gen = 0;
    uint64_t outside_gen = 0;
    bool valid = false;
  };

  enum class Result { kHit, kAbsent, kMiss };

  // Meta record of `meta_key`, valid at snapshot sequence `snap_seq` (0: the latest state).
  // kHit fills *value; kAbsent means the key is known not to exist.
  Result GetMeta(std::string_view meta_key, uint64_t snap_seq, std::string* value, Ticket* ticket);
  // Offers what RocksDB returned after a GetMeta miss (`value` nullopt: NotFound).
  // `snap_seq` is the read's snapshot (0: none), `seq_after` the latest sequence number
  // after the read.
  void FillMeta(std::string_view meta_key, std::optional<std::string_view> value,
                const Ticket& ticket, uint64_t snap_seq, uint64_t seq_after);

  // The records of one small collection version, cached whole: full data-cf keys (and, for
  // sorted sets, full zscore-cf keys) in byte order with their values.
  struct Members {
    uint64_t version = 0;
    std::vector<std::pair<std::string, std::string>> data;
    std::vector<std::pair<std::string, std::string>> zscore;
    uint64_t bytes = 0;  // charged size
  };

  // The cached members of the collection whose data/zscore keys start with `prefix`
  // ([db][key len][key][version]), valid at `snap_seq`; null when not cached.
  std::shared_ptr<const Members> GetMembers(std::string_view prefix, uint64_t snap_seq);
  // True when the collection of `prefix` is worth loading whole: its meta record is cached
  // (valid at `snap_seq`), hot, of that version and small. Sets *type_code to the meta
  // record's type byte and fills *ticket for FillMembers.
  bool WantMembers(std::string_view prefix, uint64_t snap_seq, uint8_t* type_code, Ticket* ticket);
  // Offers a collection's records as read at snapshot `snap_seq` (non-zero) after
  // WantMembers. Refused (false) when too big or when a write may have raced with the read.
  bool FillMembers(std::string_view prefix, std::shared_ptr<Members> members, const Ticket& ticket,
                   uint64_t snap_seq);

  // Point lookup in cached members: kHit fills *value, kAbsent means no such member,
  // kMiss that the collection is not cached.
  Result GetMember(Family family, std::string_view key, uint64_t snap_seq, std::string* value);

  // An iterator over cached members of `family`, limited to [lower, upper) (upper empty:
  // no limit). It keeps `members` alive; later writes do not affect it.
  static std::unique_ptr<rocksdb::Iterator> NewMembersIterator(
      std::shared_ptr<const Members> members, Family family, std::string lower, std::string upper);
  // Charged size of members holding these records.
  static uint64_t MembersCharge(const Members& members);

  // Write-through. BeginWrite marks everything `batch` touches as in flight (not served, no
  // fills accepted); FinishWrite applies the batch to cached entries when `ok` and releases
  // the marks. Call both, in that order, around every RocksDB write.
  struct WriteToken {
    std::vector<std::pair<uint32_t, std::string>> keys;  // (shard, meta key) touched
    uint64_t shard_mask = 0;
    bool ranges = false;  // a range deletion over more than one collection: every shard
  };
  std::unique_ptr<WriteToken> BeginWrite(const rocksdb::WriteBatch& batch);
  void FinishWrite(const rocksdb::WriteBatch& batch, std::unique_ptr<WriteToken> token, bool ok,
                   uint64_t seq_after);

  // Brackets a RocksDB write made while the tier was disabled (no BeginWrite): fills whose
  // read overlapped one are refused, should the tier be enabled meanwhile.
  void BeginOutsideWrite();
  void EndOutsideWrite();

  // Bytes one entry is charged: key, value, and bookkeeping overhead.
  static uint64_t Charge(size_t key_size, size_t value_size);

 private:
  struct Entry;
  struct Shard;
  class Walker;

  static constexpr int kShardBits = 6;
  static constexpr int kShards = 1 << kShardBits;

  // Bytes each shard may use (entries and sketch).
  uint64_t ShardBudget() const;
  // Makes room for `charge` more bytes in `shard` if the sketch rates `hash` above the
  // eviction victim; false (nothing inserted) otherwise.
  bool Admit(Shard& shard, uint64_t hash, uint64_t charge);
  // False when a write made while the tier was disabled overlapped the ticket's read.
  bool OutsideUnchanged(const Ticket& ticket) const;
  // Evicts CLOCK victims until the shard fits its budget.
  void EvictToBudget(Shard& shard);

  std::atomic<uint64_t> budget_;
  std::atomic<uint64_t> outside_gen_{0};
  std::atomic<uint64_t> outside_inflight_{0};
  std::atomic<uint32_t> meta_id_{~0u}, data_id_{~0u}, zscore_id_{~0u};
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace redrock::engine
