// External sort of records into SST files.
#include "tools/dump/record_sorter.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <rocksdb/iterator.h>
#include <rocksdb/sst_file_reader.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>

namespace redrock::dump {

namespace {

constexpr uint64_t kReaderBytes = 1 << 20;  // what one open run costs while merging, about
constexpr size_t kReadahead = 512 << 10;

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  return Status::IOError(what + ": " + s.ToString());
}

}  // namespace

// One buffered record: key and value lie back to back in the arena. `seq` is the input
// order, which decides between equal keys.
struct RecordSorter::Entry {
  const char* data;
  uint32_t key_size;
  uint32_t value_size;
  uint64_t seq;

  std::string_view key() const { return {data, key_size}; }
  std::string_view value() const { return {data + key_size, value_size}; }
};

// Record bytes in fixed blocks that are kept and reused across runs, so the process does not
// churn the allocator; a record too big for a block gets its own allocation.
class RecordSorter::Arena {
 public:
  explicit Arena(size_t block) : block_(block) {}

  const char* Copy(std::string_view a, std::string_view b) {
    const size_t n = a.size() + b.size();
    char* p;
    if (n > block_ / 4) {
      big_.emplace_back(new char[n]);
      big_bytes_ += n;
      p = big_.back().get();
    } else {
      if (blocks_.empty() || used_ + n > block_) {
        if (!blocks_.empty()) current_++;
        if (current_ == blocks_.size()) blocks_.emplace_back(new char[block_]);
        used_ = 0;
      }
      p = blocks_[current_].get() + used_;
      used_ += n;
    }
    std::copy(a.begin(), a.end(), p);
    std::copy(b.begin(), b.end(), p + a.size());
    return p;
  }

  // Forgets every record (keeps the blocks for the next run).
  void Reset() {
    current_ = 0;
    used_ = 0;
    big_.clear();
    big_bytes_ = 0;
  }

  // Bytes in use.
  uint64_t bytes() const { return (blocks_.empty() ? 0 : (current_ + 1) * block_) + big_bytes_; }

 private:
  const size_t block_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t current_ = 0;
  size_t used_ = 0;
  std::vector<std::unique_ptr<char[]>> big_;
  uint64_t big_bytes_ = 0;
};

class RecordSorter::Source {
 public:
  virtual ~Source() = default;
  virtual bool Valid() const = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual void Next() = 0;
  virtual Status status() const { return Status::OK(); }
};

class RecordSorter::MemorySource : public Source {
 public:
  explicit MemorySource(const std::vector<Entry>* entries) : entries_(entries) {}
  bool Valid() const override { return pos_ < entries_->size(); }
  std::string_view key() const override { return (*entries_)[pos_].key(); }
  std::string_view value() const override { return (*entries_)[pos_].value(); }
  void Next() override { pos_++; }

 private:
  const std::vector<Entry>* entries_;
  size_t pos_ = 0;
};

class RecordSorter::FileSource : public Source {
 public:
  FileSource(const rocksdb::Options& options, std::string path)
      : reader_(options), path_(std::move(path)) {}

  Status Open() {
    REDROCK_RETURN_IF_ERROR(FromRocks(reader_.Open(path_), "reading sorted run " + path_));
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.verify_checksums = true;
    ro.readahead_size = kReadahead;
    it_.reset(reader_.NewIterator(ro));
    it_->SeekToFirst();
    return status();
  }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override { return {it_->key().data(), it_->key().size()}; }
  std::string_view value() const override { return {it_->value().data(), it_->value().size()}; }
  void Next() override { it_->Next(); }
  Status status() const override { return FromRocks(it_->status(), "reading " + path_); }

 private:
  rocksdb::SstFileReader reader_;
  std::string path_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Sorted records into SST files, a new file every `file_bytes` (0: one file). Files are
// opened on the first record, so an empty output makes no file (RocksDB refuses empty SSTs).
class RecordSorter::Output {
 public:
  Output(RecordSorter* sorter, const rocksdb::Options& options, uint64_t file_bytes, int stream,
         const char* what)
      : sorter_(sorter), options_(options), file_bytes_(file_bytes), stream_(stream), what_(what) {}
  ~Output() {
    if (writer_) {
      writer_.reset();
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }

  Status Put(std::string_view key, std::string_view value) {
    if (!writer_) {
      path_ = sorter_->NewFileName(what_, stream_);
      // Pages of runs are read back soon: leave them in the page cache.
      writer_ = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options_, nullptr,
                                                         /*invalidate_page_cache=*/false);
      REDROCK_RETURN_IF_ERROR(FromRocks(writer_->Open(path_), "creating " + path_));
    }
    REDROCK_RETURN_IF_ERROR(FromRocks(writer_->Put(rocksdb::Slice(key.data(), key.size()),
                                                   rocksdb::Slice(value.data(), value.size())),
                                      "writing " + path_));
    if (file_bytes_ != 0 && writer_->FileSize() >= file_bytes_) return Close();
    return Status::OK();
  }

  // Completes the open file, if any.
  Status Close() {
    if (!writer_) return Status::OK();
    rocksdb::Status s = writer_->Finish();
    writer_.reset();
    if (!s.ok()) {
      std::error_code ec;
      std::filesystem::remove(path_, ec);
      return FromRocks(s, "writing " + path_);
    }
    files_.push_back(path_);
    return Status::OK();
  }

  const std::vector<std::string>& files() const { return files_; }

 private:
  RecordSorter* sorter_;
  const rocksdb::Options& options_;
  uint64_t file_bytes_;
  int stream_;
  const char* what_;
  std::unique_ptr<rocksdb::SstFileWriter> writer_;
  std::string path_;
  std::vector<std::string> files_;
};

RecordSorter::RecordSorter(SorterOptions options, ResolveFn resolve)
    : options_(std::move(options)),
      resolve_(std::move(resolve)),
      arena_(std::make_unique<Arena>(
          std::clamp<uint64_t>(options_.buffer_bytes / 16, 4 << 10, 1 << 20))),
      buffered_(options_.streams),
      runs_(options_.streams),
      // Half the buffer's worth of open runs at once; more runs take several passes.
      max_fan_in_(std::clamp<uint64_t>(options_.buffer_bytes / 2 / kReaderBytes, 4, 64)) {
  rocksdb::BlockBasedTableOptions t;
  t.no_block_cache = true;
  t.block_size = 64 << 10;
  run_options_.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  run_options_.compression = rocksdb::kLZ4Compression;
}

RecordSorter::~RecordSorter() = default;

Status RecordSorter::Open() {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) return Status::IOError("cannot create " + options_.dir + ": " + ec.message());
  return Status::OK();
}

std::string RecordSorter::NewFileName(const char* what, int stream) {
  return options_.dir + "/" + what + "-" + std::to_string(stream) + "-" +
         std::to_string(files_made_++) + ".sst";
}

uint64_t RecordSorter::BufferBytes() const {
  uint64_t n = arena_->bytes();
  for (const auto& v : buffered_)
    n += v.capacity() * sizeof(Entry);
  return n;
}

Status RecordSorter::Add(int stream, std::string_view key, std::string_view value) {
  if (key.size() > UINT32_MAX || value.size() > UINT32_MAX) {
    return Status::InvalidArgument("record of more than 4 GB");
  }
  if (BufferBytes() + key.size() + value.size() > options_.buffer_bytes) {
    REDROCK_RETURN_IF_ERROR(Spill());
  }
  buffered_[stream].push_back({arena_->Copy(key, value), static_cast<uint32_t>(key.size()),
                               static_cast<uint32_t>(value.size()), next_seq_++});
  return Status::OK();
}

void RecordSorter::SortBuffer(int stream) {
  auto before = [](const Entry& a, const Entry& b) {
    int c = a.key().compare(b.key());
    return c < 0 || (c == 0 && a.seq < b.seq);
  };
  // A redrock dump delivers most column families in key order already; checking costs one
  // comparison per record and stops at the first out-of-order one.
  auto& v = buffered_[stream];
  if (!std::is_sorted(v.begin(), v.end(), before)) std::sort(v.begin(), v.end(), before);
}

Status RecordSorter::Spill() {
  for (int stream = 0; stream < options_.streams; stream++) {
    if (buffered_[stream].empty()) continue;
    SortBuffer(stream);
    Output out(this, run_options_, 0, stream, "run");
    std::vector<std::unique_ptr<Source>> sources;
    sources.push_back(std::make_unique<MemorySource>(&buffered_[stream]));
    REDROCK_RETURN_IF_ERROR(Merge(stream, std::move(sources), nullptr, &out));
    REDROCK_RETURN_IF_ERROR(out.Close());
    runs_[stream].push_back(out.files().at(0));
    runs_written_++;
    // Give the index back: the next run's streams may be shaped differently.
    std::vector<Entry>().swap(buffered_[stream]);
  }
  arena_->Reset();
  return Status::OK();
}

Status RecordSorter::OpenRuns(int stream, size_t begin, size_t end,
                              std::vector<std::unique_ptr<Source>>* sources) {
  for (size_t i = begin; i < end; i++) {
    auto source = std::make_unique<FileSource>(run_options_, runs_[stream][i]);
    REDROCK_RETURN_IF_ERROR(source->Open());
    sources->push_back(std::move(source));
  }
  return Status::OK();
}

Status RecordSorter::Merge(int stream, std::vector<std::unique_ptr<Source>> sources,
                           const VisitFn& visit, Output* out) {
  // A min-heap of source numbers; among equal keys the lower number (earlier input) first.
  auto after = [&](size_t a, size_t b) {
    int c = sources[a]->key().compare(sources[b]->key());
    return c > 0 || (c == 0 && a > b);
  };
  std::vector<size_t> heap;
  auto advance = [&](size_t i) {
    sources[i]->Next();
    if (sources[i]->Valid()) {
      heap.push_back(i);
      std::push_heap(heap.begin(), heap.end(), after);
      return Status::OK();
    }
    return sources[i]->status();
  };
  for (size_t i = 0; i < sources.size(); i++) {
    if (sources[i]->Valid()) {
      heap.push_back(i);
    } else {
      REDROCK_RETURN_IF_ERROR(sources[i]->status());
    }
  }
  std::make_heap(heap.begin(), heap.end(), after);

  std::string key;
  std::vector<std::string> copies;  // the values of one key, input order
  std::vector<std::string_view> views;
  uint64_t records = 0;
  while (!heap.empty()) {
    if ((++records & 0xffff) == 0 && options_.cancelled && options_.cancelled()) {
      return Status::IOError("interrupted");
    }
    std::pop_heap(heap.begin(), heap.end(), after);
    size_t top = heap.back();
    heap.pop_back();
    key.assign(sources[top]->key());
    size_t n = 1;
    if (copies.empty()) copies.emplace_back();
    copies[0].assign(sources[top]->value());
    REDROCK_RETURN_IF_ERROR(advance(top));
    while (!heap.empty() && sources[heap.front()]->key() == key) {
      std::pop_heap(heap.begin(), heap.end(), after);
      size_t i = heap.back();
      heap.pop_back();
      if (copies.size() == n) copies.emplace_back();
      copies[n++].assign(sources[i]->value());
      REDROCK_RETURN_IF_ERROR(advance(i));
    }
    size_t keep = 0;
    if (n > 1) {
      views.assign(copies.begin(), copies.begin() + static_cast<ptrdiff_t>(n));
      REDROCK_RETURN_IF_ERROR(resolve_(stream, key, views, &keep));
    }
    bool write = true;
    if (visit) REDROCK_RETURN_IF_ERROR(visit(key, copies[keep], &write));
    if (write) REDROCK_RETURN_IF_ERROR(out->Put(key, copies[keep]));
  }
  return Status::OK();
}

Status RecordSorter::Finish(int stream, const rocksdb::Options& options, uint64_t file_bytes,
                            const VisitFn& visit, std::vector<std::string>* files) {
  std::vector<std::string>& runs = runs_[stream];
  const bool in_memory = !buffered_[stream].empty();
  // Too many runs to open at once: merge consecutive groups of them into one run each (so
  // input order is kept), level by level, until the rest fits.
  while (runs.size() + in_memory > max_fan_in_) {
    std::vector<std::string> next;
    for (size_t begin = 0; begin < runs.size(); begin += max_fan_in_) {
      const size_t end = std::min(begin + max_fan_in_, runs.size());
      if (end - begin == 1) {
        next.push_back(runs[begin]);
        continue;
      }
      std::vector<std::unique_ptr<Source>> sources;
      REDROCK_RETURN_IF_ERROR(OpenRuns(stream, begin, end, &sources));
      Output merged(this, run_options_, 0, stream, "run");
      REDROCK_RETURN_IF_ERROR(Merge(stream, std::move(sources), nullptr, &merged));
      REDROCK_RETURN_IF_ERROR(merged.Close());
      for (size_t i = begin; i < end; i++) {
        std::error_code ec;
        std::filesystem::remove(runs[i], ec);
      }
      next.push_back(merged.files().at(0));
      runs_written_++;
    }
    runs.swap(next);
  }
  std::vector<std::unique_ptr<Source>> sources;
  REDROCK_RETURN_IF_ERROR(OpenRuns(stream, 0, runs.size(), &sources));
  if (in_memory) {
    SortBuffer(stream);
    sources.push_back(std::make_unique<MemorySource>(&buffered_[stream]));
  }
  Output out(this, options, file_bytes, stream, "out");
  REDROCK_RETURN_IF_ERROR(Merge(stream, std::move(sources), visit, &out));
  REDROCK_RETURN_IF_ERROR(out.Close());
  files->insert(files->end(), out.files().begin(), out.files().end());
  for (const auto& run : runs) {
    std::error_code ec;
    std::filesystem::remove(run, ec);
  }
  runs.clear();
  std::vector<Entry>().swap(buffered_[stream]);
  return Status::OK();
}

}  // namespace redrock::dump
