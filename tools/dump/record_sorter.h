// RecordSorter: an external sort of (key, value) records for the offline restore. Records
// arrive in any order for several independent streams (one per column family); they are
// buffered up to a memory bound, and each full buffer is sorted and written as one sorted
// run (an SST file) per stream. Finish then merges a stream's runs (k-way, in several passes
// when there are many) into non-overlapping SST files ready for DB::IngestExternalFiles.
// Memory stays near the buffer size whatever the input size.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/options.h>

#include "engine/status.h"

namespace redrock::dump {

// Decides what happens to records with equal keys in one stream. `values` are the copies
// in input order (at least two); set *keep to the index of the one to write, or return an
// error (a duplicate the input must not contain). Called when a run is written and again
// when runs are merged, so the rule must be "first wins", "last wins" or "refuse".
using ResolveFn = std::function<Status(int stream, std::string_view key,
                                       const std::vector<std::string_view>& values, size_t* keep)>;

// Sees each record Finish writes, in key order; *keep = false leaves it out.
using VisitFn = std::function<Status(std::string_view key, std::string_view value, bool* keep)>;

struct SorterOptions {
  std::string dir;                   // for runs and output files; created, must be empty
  uint64_t buffer_bytes = 64 << 20;  // memory for buffered records, all streams together
  int streams = 1;
  std::function<bool()> cancelled;  // polled while merging; true stops with an error
};

class RecordSorter {
 public:
  RecordSorter(SorterOptions options, ResolveFn resolve);
  ~RecordSorter();
  RecordSorter(const RecordSorter&) = delete;
  RecordSorter& operator=(const RecordSorter&) = delete;

  // Creates options.dir.
  Status Open();
  // Adds one record to `stream`; writes runs when the buffer is full.
  Status Add(int stream, std::string_view key, std::string_view value);
  // Writes `stream` (all of it added by now) as sorted, non-overlapping SST files of about
  // `file_bytes` each made with `options`, one record per distinct key; appends their paths to
  // *files (none when the stream is empty). Runs of the stream are deleted as they are merged.
  Status Finish(int stream, const rocksdb::Options& options, uint64_t file_bytes,
                const VisitFn& visit, std::vector<std::string>* files);

  // Sorted runs written so far (all streams), for reports and tests.
  uint64_t runs_written() const { return runs_written_; }

 private:
  struct Entry;
  class Arena;
  class Source;
  class MemorySource;
  class FileSource;
  class Output;

  // Sorts every stream's buffered records and writes them as runs; empties the buffer.
  Status Spill();
  // Sorts the buffered records of `stream` in key order, input order among equal keys.
  void SortBuffer(int stream);
  uint64_t BufferBytes() const;
  // Merges `sources` (in input order) into `out`, resolving equal keys.
  Status Merge(int stream, std::vector<std::unique_ptr<Source>> sources, const VisitFn& visit,
               Output* out);
  // Opens the run files runs[begin, end) of `stream` as merge sources.
  Status OpenRuns(int stream, size_t begin, size_t end,
                  std::vector<std::unique_ptr<Source>>* sources);
  std::string NewFileName(const char* what, int stream);

  SorterOptions options_;
  ResolveFn resolve_;
  rocksdb::Options run_options_;
  std::unique_ptr<Arena> arena_;
  std::vector<std::vector<Entry>> buffered_;    // per stream
  std::vector<std::vector<std::string>> runs_;  // per stream, in input order
  size_t max_fan_in_;
  uint64_t next_seq_ = 0;
  uint64_t files_made_ = 0;
  uint64_t runs_written_ = 0;
};

}  // namespace redrock::dump
