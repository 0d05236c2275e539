// RDB value decoding and encoding.
#include "engine/rdb_value.h"

#include <cmath>
#include <string>

#include "engine/numbers.h"
#include "engine/rdb_compact.h"

namespace redrock::engine {

namespace {

using Walker = Status (*)(std::string_view, const BlobEntryFn&);

// Counts a blob's entries (a first, cheap pass so Begin can announce the size).
Status CountEntries(Walker walk, std::string_view blob, uint64_t* n) {
  *n = 0;
  return walk(blob, [n](std::string_view) {
    ++*n;
    return Status::OK();
  });
}

Status BlobError(RdbInput* in, const Status& s) {
  if (s.code() != Status::Code::kCorruption) return s;
  return in->Error(s.message());
}

// A blob-encoded value whose entries are single elements (list ziplist, intset, set
// listpack).
Status DecodeFlatBlob(RdbInput* in, Walker walk, ValueType type, ValueSink* sink) {
  std::string blob;
  REDROCK_RETURN_IF_ERROR(in->ReadString(&blob));
  uint64_t n;
  Status s = CountEntries(walk, blob, &n);
  if (!s.ok()) return BlobError(in, s);
  if (n == 0) return in->Error("empty collection");
  REDROCK_RETURN_IF_ERROR(sink->Begin(type, n));
  s = walk(blob, [sink](std::string_view e) { return sink->Add({e, {}, 0}); });
  if (!s.ok()) return BlobError(in, s);
  return sink->End();
}

// A blob whose entries alternate member and value (hash field/value, zset member/score).
Status DecodePairBlob(RdbInput* in, Walker walk, ValueType type, ValueSink* sink) {
  std::string blob;
  REDROCK_RETURN_IF_ERROR(in->ReadString(&blob));
  uint64_t n;
  Status s = CountEntries(walk, blob, &n);
  if (!s.ok()) return BlobError(in, s);
  if (n == 0) return in->Error("empty collection");
  if (n % 2) return in->Error("odd number of entries in a pair encoding");
  REDROCK_RETURN_IF_ERROR(sink->Begin(type, n / 2));
  std::string first;
  bool have_first = false;
  s = walk(blob, [&](std::string_view e) -> Status {
    if (!have_first) {
      first.assign(e);
      have_first = true;
      return Status::OK();
    }
    have_first = false;
    if (type == ValueType::kZSet) {
      double score;
      if (!ParseDouble(e, &score)) return Status::Corruption("bad sorted set score");
      return sink->Add({first, {}, score});
    }
    return sink->Add({first, e, 0});
  });
  if (!s.ok()) return BlobError(in, s);
  return sink->End();
}

Status DecodeQuicklist(RdbInput* in, bool v2, ValueSink* sink) {
  uint64_t nodes;
  REDROCK_RETURN_IF_ERROR(in->ReadLength(&nodes));
  if (nodes == 0) return in->Error("empty list");
  REDROCK_RETURN_IF_ERROR(sink->Begin(ValueType::kList, 0));
  uint64_t total = 0;
  std::string blob;
  auto add = [&](std::string_view e) {
    total++;
    return sink->Add({e, {}, 0});
  };
  for (uint64_t k = 0; k < nodes; k++) {
    uint64_t container = 2;  // quicklist v1 nodes are always ziplists
    if (v2) {
      REDROCK_RETURN_IF_ERROR(in->ReadLength(&container));
      if (container != 1 && container != 2) return in->Error("bad quicklist node container");
    }
    REDROCK_RETURN_IF_ERROR(in->ReadString(&blob));
    if (container == 1) {
      REDROCK_RETURN_IF_ERROR(add(blob));
      continue;
    }
    Status s = v2 ? WalkListpack(blob, add) : WalkZiplist(blob, add);
    if (!s.ok()) return BlobError(in, s);
  }
  if (total == 0) return in->Error("empty list");
  return sink->End();
}

}  // namespace

Status DecodeRdbValue(uint8_t rdb_type, RdbInput* in, ValueSink* sink) {
  std::string a, b;
  switch (rdb_type) {
    case kRdbString:
      REDROCK_RETURN_IF_ERROR(in->ReadString(&a));
      REDROCK_RETURN_IF_ERROR(sink->Begin(ValueType::kString, 1));
      REDROCK_RETURN_IF_ERROR(sink->Add({a, {}, 0}));
      return sink->End();
    case kRdbList:
    case kRdbSet:
    case kRdbHash:
    case kRdbZSet:
    case kRdbZSet2: {
      ValueType type = rdb_type == kRdbList   ? ValueType::kList
                       : rdb_type == kRdbSet  ? ValueType::kSet
                       : rdb_type == kRdbHash ? ValueType::kHash
                                              : ValueType::kZSet;
      uint64_t n;
      REDROCK_RETURN_IF_ERROR(in->ReadLength(&n));
      if (n == 0) return in->Error("empty collection");
      REDROCK_RETURN_IF_ERROR(sink->Begin(type, n));
      for (uint64_t k = 0; k < n; k++) {
        REDROCK_RETURN_IF_ERROR(in->ReadString(&a));
        ValueElement e{a, {}, 0};
        if (type == ValueType::kHash) {
          REDROCK_RETURN_IF_ERROR(in->ReadString(&b));
          e.value = b;
        } else if (type == ValueType::kZSet) {
          REDROCK_RETURN_IF_ERROR(rdb_type == kRdbZSet2 ? in->ReadBinaryDouble(&e.score)
                                                        : in->ReadAsciiDouble(&e.score));
          if (std::isnan(e.score)) return in->Error("sorted set with a NaN score");
        }
        REDROCK_RETURN_IF_ERROR(sink->Add(e));
      }
      return sink->End();
    }
    case kRdbHashZipmap:
      return DecodePairBlob(in, WalkZipmap, ValueType::kHash, sink);
    case kRdbListZiplist:
      return DecodeFlatBlob(in, WalkZiplist, ValueType::kList, sink);
    case kRdbSetIntset:
      return DecodeFlatBlob(in, WalkIntset, ValueType::kSet, sink);
    case kRdbSetListpack:
      return DecodeFlatBlob(in, WalkListpack, ValueType::kSet, sink);
    case kRdbZSetZiplist:
      return DecodePairBlob(in, WalkZiplist, ValueType::kZSet, sink);
    case kRdbZSetListpack:
      return DecodePairBlob(in, WalkListpack, ValueType::kZSet, sink);
    case kRdbHashZiplist:
      return DecodePairBlob(in, WalkZiplist, ValueType::kHash, sink);
    case kRdbHashListpack:
      return DecodePairBlob(in, WalkListpack, ValueType::kHash, sink);
    case kRdbListQuicklist:
      return DecodeQuicklist(in, false, sink);
    case kRdbListQuicklist2:
      return DecodeQuicklist(in, true, sink);
    case kRdbStreamListpacks:
    case kRdbStreamListpacks2:
    case kRdbStreamListpacks3:
      return Status::InvalidArgument("streams are not supported by redrock");
    case kRdbModule:
    case kRdbModule2:
      return Status::InvalidArgument("module values are not supported by redrock");
    default:
      return in->Error("unknown value type " + std::to_string(rdb_type));
  }
}

uint8_t RdbTypeFor(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return kRdbString;
    case ValueType::kList:
      return kRdbList;
    case ValueType::kSet:
      return kRdbSet;
    case ValueType::kHash:
      return kRdbHash;
    case ValueType::kZSet:
      return kRdbZSet2;
  }
  return kRdbString;
}

Status RdbValueWriter::Begin(ValueType type, uint64_t count) {
  type_ = type;
  written_ = 0;
  expected_ = type == ValueType::kString ? 1 : count;
  if (expected_ == 0) return Status::Corruption("empty collection cannot be serialized");
  out_->push_back(static_cast<char>(RdbTypeFor(type)));
  if (has_key_) PutRdbString(out_, key_);
  has_key_ = false;
  if (type != ValueType::kString) PutRdbLength(out_, count);
  return Status::OK();
}

Status RdbValueWriter::Add(const ValueElement& e) {
  if (++written_ > expected_) return Status::Corruption("more elements than announced");
  PutRdbString(out_, e.member);
  if (type_ == ValueType::kHash) PutRdbString(out_, e.value);
  if (type_ == ValueType::kZSet) PutRdbBinaryDouble(out_, e.score);
  if (flush_ && out_->size() >= flush_bytes_) return flush_(out_);
  return Status::OK();
}

Status RdbValueWriter::End() {
  if (written_ != expected_) return Status::Corruption("fewer elements than announced");
  return Status::OK();
}

}  // namespace redrock::engine
