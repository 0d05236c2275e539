// Encoding and decoding of redrock's record layout.
#include "engine/key_format.h"

#include <chrono>

#include "engine/coding.h"

namespace redrock::engine {

const char* TypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kHash:
      return "hash";
    case ValueType::kList:
      return "list";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
  }
  return "none";
}

static bool IsCollection(ValueType type) {
  return type != ValueType::kString;
}

std::string EncodeMeta(const MetaRecord& meta) {
  std::string out;
  out.reserve(kMetaHeaderSize + (IsCollection(meta.type) ? 16 : meta.value.size()));
  out.push_back(static_cast<char>(meta.type));
  out.push_back(static_cast<char>(meta.flags));
  PutFixed64(&out, meta.expire_ms);
  if (IsCollection(meta.type)) {
    PutFixed64(&out, meta.version);
    PutFixed64(&out, meta.size);
    out.append(meta.value);  // type-specific extra state (list head/tail...)
  } else {
    out.append(meta.value);
  }
  return out;
}

Status DecodeMeta(std::string_view in, MetaRecord* meta) {
  if (in.size() < kMetaHeaderSize) return Status::Corruption("meta record too short");
  uint8_t type = static_cast<uint8_t>(in[0]);
  if (type > static_cast<uint8_t>(ValueType::kZSet)) {
    return Status::Corruption("meta record has unknown type");
  }
  meta->type = static_cast<ValueType>(type);
  meta->flags = static_cast<uint8_t>(in[1]);
  in.remove_prefix(2);
  GetFixed64(&in, &meta->expire_ms);
  if (IsCollection(meta->type)) {
    if (!GetFixed64(&in, &meta->version) || !GetFixed64(&in, &meta->size)) {
      return Status::Corruption("collection meta record too short");
    }
  } else {
    meta->version = 0;
    meta->size = 0;
  }
  meta->value.assign(in.data(), in.size());
  return Status::OK();
}

bool PeekMetaExpire(std::string_view in, uint64_t* expire_ms) {
  if (in.size() < kMetaHeaderSize) return false;
  *expire_ms = DecodeFixed64(in.data() + 2);
  return true;
}

std::string MetaKey(int db, std::string_view key) {
  std::string out;
  out.reserve(2 + key.size());
  PutFixed16(&out, static_cast<uint16_t>(db));
  out.append(key);
  return out;
}

bool ParseMetaKey(std::string_view in, int* db, std::string_view* key) {
  uint16_t d;
  if (!GetFixed16(&in, &d)) return false;
  *db = d;
  *key = in;
  return true;
}

std::string DbPrefix(int db) {
  std::string out;
  PutFixed16(&out, static_cast<uint16_t>(db));
  return out;
}

std::string DataPrefix(int db, std::string_view key, uint64_t version) {
  std::string out;
  out.reserve(14 + key.size());
  PutFixed16(&out, static_cast<uint16_t>(db));
  PutFixed32(&out, static_cast<uint32_t>(key.size()));
  out.append(key);
  PutFixed64(&out, version);
  return out;
}

bool ParseDataKey(std::string_view in, int* db, std::string_view* key, uint64_t* version,
                  std::string_view* sub_key) {
  uint16_t d;
  uint32_t len;
  if (!GetFixed16(&in, &d) || !GetFixed32(&in, &len) || in.size() < len + 8ULL) return false;
  *db = d;
  *key = in.substr(0, len);
  in.remove_prefix(len);
  GetFixed64(&in, version);
  *sub_key = in;
  return true;
}

std::string ExpireKey(int db, uint64_t expire_ms, std::string_view key) {
  std::string out;
  out.reserve(10 + key.size());
  PutFixed16(&out, static_cast<uint16_t>(db));
  PutFixed64(&out, expire_ms);
  out.append(key);
  return out;
}

bool ParseExpireKey(std::string_view in, int* db, uint64_t* expire_ms, std::string_view* key) {
  uint16_t d;
  if (!GetFixed16(&in, &d) || !GetFixed64(&in, expire_ms)) return false;
  *db = d;
  *key = in;
  return true;
}

std::string KeyCountKey(int db) {
  std::string out = "keys:";
  PutFixed16(&out, static_cast<uint16_t>(db));
  return out;
}

std::string ExpireCountKey(int db) {
  std::string out = "expires:";
  PutFixed16(&out, static_cast<uint16_t>(db));
  return out;
}

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace redrock::engine
