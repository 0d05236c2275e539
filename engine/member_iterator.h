// Reads over the members of one collection version, shared by the collection types: an
// iterator bounded to the version's data keys (member order = byte order), and cursor pages
// for HSCAN / SSCAN / ZSCAN. Every read goes through Engine::NewIterator, so inside MULTI/EXEC
// it sees the transaction's pending writes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/snapshot.h>

#include "engine/status.h"

namespace rocksdb {
class ColumnFamilyHandle;
}

namespace redrock::engine {

class Engine;

// The first string after every string that starts with `prefix`; empty when there is none
// (prefix is empty or all 0xff bytes).
std::string PrefixSuccessor(std::string_view prefix);

// One snapshot of the database for a multi-step read (meta record, then members).
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Engine* engine);
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  const rocksdb::ReadOptions& ro() const { return ro_; }

 private:
  rocksdb::ManagedSnapshot snap_;
  rocksdb::ReadOptions ro_;
};

// Point read of one member (a MemberKey) at `ro`: NotFound when absent. `value` may be null
// when only existence matters.
Status ReadMember(Engine* engine, const rocksdb::ReadOptions& ro, const std::string& member_key,
                  std::string* value);

// Iterates the members of the collection version whose data keys start with `prefix`
// (DataPrefix(db, key, version)), at the snapshot of `ro`, in member byte order.
class MemberIterator {
 public:
  // `cf` defaults to the data column family.
  MemberIterator(Engine* engine, const rocksdb::ReadOptions& ro, std::string prefix,
                 rocksdb::ColumnFamilyHandle* cf = nullptr);
  MemberIterator(const MemberIterator&) = delete;
  MemberIterator& operator=(const MemberIterator&) = delete;

  void SeekToFirst();
  void SeekToLast();
  // Positions on the first member >= `member`.
  void Seek(std::string_view member);
  // Positions on the last member that starts with `member_prefix`, or !Valid() when none
  // is at or before it.
  void SeekToLastWithPrefix(std::string_view member_prefix);
  // True on a member of this collection. Checked against the prefix rather than trusted to
  // the iterator's bounds: inside MULTI/EXEC the transaction's batch is merged in by an
  // iterator that does not honour the lower bound on SeekToFirst/SeekToLast/Prev.
  bool Valid() const { return it_->Valid() && it_->key().starts_with(lower_slice_); }
  void Next() { it_->Next(); }
  void Prev() { it_->Prev(); }
  // The current member (the data key without the collection prefix) and its value.
  std::string_view member() const;
  std::string_view value() const;
  // IOError when RocksDB failed; OK otherwise (also at the end).
  Status status() const;

 private:
  std::string prefix_;
  std::string upper_;
  rocksdb::Slice lower_slice_;
  rocksdb::Slice upper_slice_;
  rocksdb::ReadOptions ro_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string seek_buf_;
};

// One page of a cursor scan (HSCAN, SSCAN, ZSCAN).
struct MemberPage {
  std::vector<std::pair<std::string, std::string>> items;  // (member, value) that matched
  // The last member visited when more remain; nullopt once the scan is over. The empty
  // string is a legal member, so "over" is the absence of a value, never an empty one.
  std::optional<std::string> next;
};

// Gives the position a cursor scan resumes after (nullopt: from the start), once the
// collection's version (the cursor's scope) is known.
using ScanResumeFn = std::function<std::optional<std::string>(uint64_t version)>;

// Visits members strictly after `after` (nullopt: from the first; "" is the empty member, so
// it resumes after that one), at most `limit` of them (0: all), and keeps those matching the
// glob `match` (nullopt: every member). Values are copied only when `with_values`.
Status ScanMemberPage(MemberIterator* it, const std::optional<std::string>& after, size_t limit,
                      std::optional<std::string_view> match, bool with_values, MemberPage* page);

}  // namespace redrock::engine
