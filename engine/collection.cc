// Collection helpers.
#include "engine/collection.h"

#include <rocksdb/db.h>

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/write_batch.h"

namespace redrock::engine {

Status LoadCollectionForWrite(Engine* engine, int db, std::string_view key, ValueType type,
                              CollectionWrite* w) {
  REDROCK_RETURN_IF_ERROR(Keyspace(engine).ReadMeta(db, key, &w->old, &w->stored));
  bool live_any = w->stored && !w->old.ExpiredAt(NowMs());
  if (live_any && w->old.type != type) return Status::WrongType();
  w->live = live_any;
  if (w->live) {
    w->meta = w->old;
  } else {
    w->meta = MetaRecord();
    w->meta.type = type;
    w->meta.version = engine->NewVersion();
  }
  return Status::OK();
}

void FinishCollectionWrite(Batch* batch, int db, std::string_view key, const CollectionWrite& w) {
  if (w.meta.size == 0) {
    if (w.stored && w.live) batch->DeleteMeta(db, key, w.old);
    return;
  }
  batch->PutMeta(db, key, w.stored ? &w.old : nullptr, w.meta);
}

Status LoadCollectionForRead(Engine* engine, const rocksdb::ReadOptions& ro, int db,
                             std::string_view key, ValueType type, MetaRecord* meta) {
  rocksdb::PinnableSlice raw;
  rocksdb::Status s = engine->Get(ro, engine->meta_cf(), MetaKey(db, key), &raw);
  if (s.IsNotFound()) return Status::NotFound();
  if (!s.ok()) return Status::IOError(s.ToString());
  REDROCK_RETURN_IF_ERROR(DecodeMeta(std::string_view(raw.data(), raw.size()), meta));
  if (meta->ExpiredAt(NowMs())) return Status::NotFound();
  if (meta->type != type) return Status::WrongType();
  return Status::OK();
}

Status ScanCollection(Engine* engine, int db, std::string_view key, ValueType type,
                      const ScanResumeFn& resume, size_t count,
                      std::optional<std::string_view> match, bool with_values, MemberPage* page,
                      uint64_t* version) {
  ReadSnapshot snap(engine);
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(LoadCollectionForRead(engine, snap.ro(), db, key, type, &meta));
  *version = meta.version;
  MemberIterator it(engine, snap.ro(), DataPrefix(db, key, meta.version));
  if (!(meta.flags & kMetaBigEncoding)) {
    return ScanMemberPage(&it, std::nullopt, 0, match, with_values, page);
  }
  return ScanMemberPage(&it, resume(meta.version), count, match, with_values, page);
}

std::string MemberKey(int db, std::string_view key, uint64_t version, std::string_view member) {
  std::string k = DataPrefix(db, key, version);
  k.append(member);
  return k;
}

}  // namespace redrock::engine
