// Moving whole values in and out of the database as element streams: reading a stored key
// into a ValueSink (DUMP, redrock-dump) and writing a ValueSink's stream as a key
// (RESTORE, redrock-restore), whatever the type.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include <rocksdb/iterator.h>

#include "engine/key_format.h"
#include "engine/status.h"
#include "engine/value_sink.h"

namespace redrock::engine {

class Engine;
class Batch;

// Decodes one stored member of a collection of `type` from its data key's sub key (the part
// after DataPrefix) and value. `e` points into `sub` and `val`.
Status DecodeStoredMember(ValueType type, std::string_view sub, std::string_view val,
                          ValueElement* e);

// Streams the value of the live record `meta` of (db, key) into `sink`. Collections read
// their members from `data_it`, an iterator over the data column family at the same
// snapshot as `meta`. Corruption when the members disagree with the record's size.
Status StreamStoredValue(rocksdb::Iterator* data_it, int db, std::string_view key,
                         const MetaRecord& meta, ValueSink* sink);

// Writes a value arriving as a stream as (db, key), with `expire_ms` (absolute, 0 = none),
// replacing the record `old` stored there (nullptr when none). The collection gets a fresh
// version, so whatever the key held before becomes garbage at once. Duplicate members are
// Corruption, as Redis refuses them when loading.
class StoredValueWriter : public ValueSink {
 public:
  StoredValueWriter(Engine* engine, Batch* batch, int db, std::string key, uint64_t expire_ms,
                    const MetaRecord* old);

  // For loaders that cannot hold a huge collection in one batch: every `every` members the
  // writer stores the record as it stands and calls `flush`, which must commit *batch and
  // point it at a fresh Batch. Without this, the whole value goes into the one batch.
  // `recount`: End() counts the members stored in the database to catch a duplicate member
  // that arrived after a flush; false when the flushed batches are not applied to the
  // database (the offline restore sorts them into SST files and finds duplicates there).
  void SetFlush(Batch** batch, std::function<Status()> flush, uint64_t every = 4096,
                bool recount = true);

  Status Begin(ValueType type, uint64_t count) override;
  Status Add(const ValueElement& e) override;
  Status End() override;

  ValueType type() const { return meta_.type; }
  uint64_t size() const { return meta_.size; }

 private:
  Batch* batch() { return batch_ref_ ? *batch_ref_ : batch_; }
  // Stores the record as it stands (list bounds, size, encoding flags).
  void PutMeta();
  Status Flush();
  // Records what Redis's encoding conversion rules would do with this element.
  void NoteEncoding(const ValueElement& e);

  Engine* engine_;
  Batch* batch_;
  Batch** batch_ref_ = nullptr;
  std::function<Status()> flush_;
  uint64_t flush_every_ = 0;
  bool recount_ = true;
  int db_;
  std::string key_;
  MetaRecord meta_;
  bool has_old_;
  MetaRecord old_;
  std::string prefix_;
  uint64_t list_tail_ = 0;
  bool spanned_ = false;  // members went out in more than one batch
  std::unordered_set<std::string> seen_;
  uint64_t since_flush_ = 0;
};

}  // namespace redrock::engine
