// RDB file layout: "REDIS" + 4-digit version, then opcodes (AUX, SELECTDB, RESIZEDB,
// EXPIRETIME[_MS], IDLE, FREQ, FUNCTION...) and key/value pairs, then EOF (255) and, from
// version 5, an 8-byte little-endian CRC-64 of everything before it.
#include "tools/dump/rdb_file.h"

#include <cstring>

#include "engine/key_format.h"
#include "engine/rdb_value.h"

namespace redrock::dump {

using engine::RdbInput;

Status ReadRdbFile(InputFile* in, KeyConsumer* consumer, RdbReadStats* stats) {
  FileRdbInput rdb(in);
  char magic[9];
  REDROCK_RETURN_IF_ERROR(rdb.Read(magic, 9));
  if (memcmp(magic, "REDIS", 5) != 0) return Status::Corruption("not an RDB file (bad magic)");
  int version = 0;
  for (int i = 5; i < 9; i++) {
    if (magic[i] < '0' || magic[i] > '9') return Status::Corruption("bad RDB version field");
    version = version * 10 + (magic[i] - '0');
  }
  if (version < 1 || version > engine::kRdbMaxReadVersion) {
    return Status::Corruption("unsupported RDB version " + std::to_string(version) +
                              " (this reader handles 1 to " +
                              std::to_string(engine::kRdbMaxReadVersion) + ")");
  }
  stats->version = version;
  const uint64_t now = engine::NowMs();
  int db = 0;
  uint64_t expire_ms = 0;
  std::string a, b;
  DiscardSink discard;
  while (true) {
    uint8_t op;
    REDROCK_RETURN_IF_ERROR(rdb.ReadByte(&op));
    switch (op) {
      case engine::kRdbOpEof: {
        if (version < 5) return Status::OK();
        uint64_t computed = in->crc();
        char buf[8];
        REDROCK_RETURN_IF_ERROR(rdb.Read(buf, 8));
        uint64_t stored = engine::DecodeLE(buf, 8);
        if (stored != 0) {
          if (stored != computed) {
            return Status::Corruption("RDB checksum mismatch (file says " + std::to_string(stored) +
                                      ", content gives " + std::to_string(computed) + ")");
          }
          stats->checksum_checked = true;
        }
        char extra;
        size_t got;
        REDROCK_RETURN_IF_ERROR(in->ReadSome(&extra, 1, &got));
        if (got != 0) return rdb.Error("data after the end of the RDB file");
        return Status::OK();
      }
      case engine::kRdbOpSelectDb: {
        uint64_t n;
        REDROCK_RETURN_IF_ERROR(rdb.ReadLength(&n));
        if (n > 65535) return rdb.Error("database number out of range");
        db = static_cast<int>(n);
        continue;
      }
      case engine::kRdbOpResizeDb: {
        uint64_t n;
        REDROCK_RETURN_IF_ERROR(rdb.ReadLength(&n));
        REDROCK_RETURN_IF_ERROR(rdb.ReadLength(&n));
        continue;
      }
      case engine::kRdbOpAux:
        REDROCK_RETURN_IF_ERROR(rdb.ReadString(&a));
        REDROCK_RETURN_IF_ERROR(rdb.ReadString(&b));
        continue;
      case engine::kRdbOpExpireTimeMs: {
        char buf[8];
        REDROCK_RETURN_IF_ERROR(rdb.Read(buf, 8));
        expire_ms = engine::DecodeLE(buf, 8);
        continue;
      }
      case engine::kRdbOpExpireTime: {
        char buf[4];
        REDROCK_RETURN_IF_ERROR(rdb.Read(buf, 4));
        expire_ms = engine::DecodeLE(buf, 4) * 1000;
        continue;
      }
      case engine::kRdbOpIdle: {
        uint64_t n;
        REDROCK_RETURN_IF_ERROR(rdb.ReadLength(&n));
        continue;
      }
      case engine::kRdbOpFreq: {
        uint8_t f;
        REDROCK_RETURN_IF_ERROR(rdb.ReadByte(&f));
        continue;
      }
      case engine::kRdbOpFunction2:
        // Functions (Redis 7 libraries): redrock has no scripting functions; skipped.
        REDROCK_RETURN_IF_ERROR(rdb.ReadString(&a));
        continue;
      case engine::kRdbOpFunction:
      case engine::kRdbOpModuleAux:
        return rdb.Error("module or pre-release function data is not supported");
      default:
        break;
    }
    // A key: op is its value type.
    KeyHeader header;
    header.db = db;
    header.expire_ms = expire_ms;
    expire_ms = 0;
    REDROCK_RETURN_IF_ERROR(rdb.ReadString(&header.key));
    engine::ValueSink* sink = &discard;
    const bool expired = header.expire_ms != 0 && header.expire_ms <= now;
    if (!expired) REDROCK_RETURN_IF_ERROR(consumer->StartKey(header, &sink));
    const uint64_t at = rdb.offset();
    Status s = engine::DecodeRdbValue(op, &rdb, sink);
    if (!s.ok()) {
      std::string what = s.message();
      if (what.find("byte offset") == std::string::npos)
        what += " at byte offset " + std::to_string(at);
      return Status(s.code() == Status::Code::kInvalidArgument
                        ? Status::InvalidArgument("key '" + PrintableKey(header.key) + "': " + what)
                        : Status::Corruption("key '" + PrintableKey(header.key) + "': " + what));
    }
    if (expired) {
      stats->expired_skipped++;
    } else {
      REDROCK_RETURN_IF_ERROR(consumer->FinishKey());
      stats->keys++;
    }
  }
}

Status RdbFileWriter::Open(const std::string& path) {
  REDROCK_RETURN_IF_ERROR(out_.Open(path));
  buf_ = "REDIS000" + std::to_string(engine::kRdbWriteVersion);
  auto aux = [&](std::string_view k, std::string_view v) {
    buf_.push_back(static_cast<char>(engine::kRdbOpAux));
    engine::PutRdbString(&buf_, k);
    engine::PutRdbString(&buf_, v);
  };
  aux("redis-bits", "64");
  aux("ctime", std::to_string(engine::NowMs() / 1000));
  aux("redrock-dump", "1");
  return Drain();
}

Status RdbFileWriter::Drain() {
  Status s = out_.Write(buf_);
  buf_.clear();
  return s;
}

Status RdbFileWriter::StartKey(const KeyHeader& header) {
  if (header.db != db_) {
    db_ = header.db;
    buf_.push_back(static_cast<char>(engine::kRdbOpSelectDb));
    engine::PutRdbLength(&buf_, static_cast<uint64_t>(db_));
  }
  if (header.expire_ms != 0) {
    buf_.push_back(static_cast<char>(engine::kRdbOpExpireTimeMs));
    engine::PutLE64(&buf_, header.expire_ms);
  }
  value_.SetKey(header.key);
  return Status::OK();
}

Status RdbFileWriter::Finish() {
  buf_.push_back(static_cast<char>(engine::kRdbOpEof));
  REDROCK_RETURN_IF_ERROR(Drain());
  std::string crc;
  engine::PutLE64(&crc, out_.crc());
  REDROCK_RETURN_IF_ERROR(out_.Write(crc));
  return out_.Commit();
}

}  // namespace redrock::dump
