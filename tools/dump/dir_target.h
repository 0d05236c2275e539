// The offline restore target: a new data directory built from SST files. Every key is
// encoded by the engine's own write path (StoredValueWriter and Batch, so meta records,
// members, the score and expiry indexes and the collection versions are exactly what a
// server writes), but the batches are never applied: their records go to a RecordSorter,
// which sorts them per column family under a memory bound, and the sorted files are ingested
// with DB::IngestExternalFiles. The directory is built under a temporary name and renamed
// into place by Commit: a failed or interrupted restore leaves no directory behind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tools/dump/targets.h"

namespace redrock::engine {
class Engine;
class Batch;
class StoredValueWriter;
}  // namespace redrock::engine

namespace redrock::dump {

class RecordSorter;

class DirTarget : public TargetBase {
 public:
  explicit DirTarget(RestoreSettings settings);
  ~DirTarget() override;
  DirTarget(const DirTarget&) = delete;
  DirTarget& operator=(const DirTarget&) = delete;

  // `dir` must not exist (or be an empty directory).
  Status Open(const std::string& dir);
  Status StartKey(const KeyHeader& header, engine::ValueSink** sink) override;
  Status FinishKey() override;
  // Sorts, ingests, checks the result by opening it as the server would, and renames it
  // into place.
  Status Commit() override;

  // Sorted runs written to disk (0 when everything fitted in the sort buffer).
  uint64_t runs() const { return runs_; }

 private:
  class Capture;
  // Column families, in the order they are built: meta first, since it decides which
  // records of the others belong to a live key.
  enum Stream { kMeta = 0, kData, kZScore, kExpire, kStreams };

  // Moves the records of the open batch into the sorter and empties the batch.
  Status Drain();
  // Equal keys in one column family: duplicate keys follow --replace / --skip-existing,
  // duplicate members are corrupt input.
  Status Resolve(int stream, std::string_view key, const std::vector<std::string_view>& values,
                 size_t* keep);
  // Writes the sorted files of every column family and ingests them.
  Status BuildAndIngest();
  // The per-db key and expire counters, as the engine keeps them.
  Status WriteCounters();
  // Opens the finished directory with the engine and compares its counts with ours.
  Status Verify();

  std::string dir_, tmp_, sort_dir_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<engine::Batch> batch_holder_;
  engine::Batch* batch_ = nullptr;
  std::unique_ptr<engine::StoredValueWriter> writer_;
  std::unique_ptr<RecordSorter> sorter_;
  std::unique_ptr<Capture> capture_;
  uint32_t cf_ids_[kStreams] = {};
  // The current key's meta record as last written (a huge collection writes it at every
  // flush; only the final one is kept).
  std::string meta_key_, meta_value_;
  uint64_t runs_ = 0;
  uint64_t keys_in_ = 0;     // keys read and encoded
  uint64_t duplicates_ = 0;  // copies of keys dropped by --replace / --skip-existing
  std::vector<uint64_t> db_keys_, db_expires_;
  bool committed_ = false;
};

}  // namespace redrock::dump
