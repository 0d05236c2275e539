// Restore targets.
#include "tools/dump/targets.h"

#include <unistd.h>

#include <filesystem>

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/value_io.h"
#include "engine/write_batch.h"

namespace redrock::dump {

namespace {
constexpr size_t kBatchBytes = 8 << 20;     // offline: commit every ~8 MB
constexpr size_t kPipelineKeys = 512;       // online: RESTOREs in flight
constexpr size_t kPipelineBytes = 8 << 20;  // online: bytes in flight

std::string PendingName(int db, std::string_view key) {
  return std::to_string(db) + ":" + std::string(key);
}
}  // namespace

int TargetBase::MapDb(int db) const {
  auto it = settings_.db_map.find(db);
  return it == settings_.db_map.end() ? db : it->second;
}

Status VerifyTarget::StartKey(const KeyHeader& header, engine::ValueSink** sink) {
  if (header.expire_ms != 0 && header.expire_ms <= engine::NowMs()) {
    counts_.expired++;
  } else {
    counts_.keys++;
  }
  *sink = &discard_;
  return Status::OK();
}

Status VerifyTarget::FinishKey() {
  counts_.elements = discard_.elements();
  return Status::OK();
}

DirTarget::DirTarget(RestoreSettings settings) : TargetBase(std::move(settings)) {}

DirTarget::~DirTarget() {
  writer_.reset();
  batch_holder_.reset();
  if (engine_) engine_->Close();
  engine_.reset();
  if (!committed_ && !tmp_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tmp_, ec);
  }
}

Status DirTarget::Open(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    return Status::InvalidArgument(dir +
                                   " exists and is not empty: an offline restore builds a new "
                                   "data directory (restore into a running server with --host)");
  }
  dir_ = dir;
  tmp_ = dir + ".restore-tmp-" + std::to_string(getpid());
  std::filesystem::remove_all(tmp_, ec);
  engine::EngineOptions options;
  options.dir = tmp_;
  options.databases = settings_.databases;
  options.fsync = engine::FsyncMode::kNo;
  options.active_expire_hz = 0;
  REDROCK_RETURN_IF_ERROR(engine::Engine::Open(options, &engine_));
  batch_holder_ = std::make_unique<engine::Batch>(engine_.get());
  batch_ = batch_holder_.get();
  return Status::OK();
}

Status DirTarget::CommitBatch() {
  REDROCK_RETURN_IF_ERROR(batch_->Commit());
  batch_holder_ = std::make_unique<engine::Batch>(engine_.get());
  batch_ = batch_holder_.get();
  pending_keys_.clear();
  return Status::OK();
}

Status DirTarget::StartKey(const KeyHeader& header, engine::ValueSink** sink) {
  const int db = MapDb(header.db);
  if (db < 0 || db >= settings_.databases) {
    return Status::InvalidArgument("key '" + PrintableKey(header.key) + "' is in db " +
                                   std::to_string(db) + ", past --databases " +
                                   std::to_string(settings_.databases));
  }
  if (header.expire_ms != 0 && header.expire_ms <= engine::NowMs()) {
    counts_.expired++;
    *sink = &discard_;
    return Status::OK();
  }
  // A key met twice (db remapping can merge databases): its first copy may sit in the open
  // batch, which reads do not see, so commit first.
  if (pending_keys_.count(PendingName(db, header.key))) REDROCK_RETURN_IF_ERROR(CommitBatch());
  engine::MetaRecord old;
  bool present = false;
  REDROCK_RETURN_IF_ERROR(engine::Keyspace(engine_.get()).ReadMeta(db, header.key, &old, &present));
  if (present) {
    if (settings_.existing == ExistingPolicy::kSkip) {
      counts_.skipped++;
      *sink = &discard_;
      return Status::OK();
    }
    if (settings_.existing == ExistingPolicy::kFail) {
      return Status::InvalidArgument("key '" + PrintableKey(header.key) + "' (db " +
                                     std::to_string(db) +
                                     ") appears twice; use --replace or --skip-existing");
    }
  }
  pending_keys_.insert(PendingName(db, header.key));
  writer_ = std::make_unique<engine::StoredValueWriter>(engine_.get(), batch_, db, header.key,
                                                        header.expire_ms, present ? &old : nullptr);
  writer_->SetFlush(&batch_, [this] { return CommitBatch(); });
  *sink = writer_.get();
  return Status::OK();
}

Status DirTarget::FinishKey() {
  if (writer_) {
    counts_.keys++;
    counts_.elements += writer_->size();
    writer_.reset();
  }
  if (batch_->raw()->GetWriteBatch()->GetDataSize() >= kBatchBytes) return CommitBatch();
  return Status::OK();
}

Status DirTarget::Commit() {
  REDROCK_RETURN_IF_ERROR(CommitBatch());
  REDROCK_RETURN_IF_ERROR(engine_->FlushMemtables());
  batch_holder_.reset();
  REDROCK_RETURN_IF_ERROR(engine_->Close());
  engine_.reset();
  std::error_code ec;
  if (std::filesystem::exists(dir_, ec)) std::filesystem::remove(dir_, ec);  // empty, checked
  std::filesystem::rename(tmp_, dir_, ec);
  if (ec) return Status::IOError("rename " + tmp_ + " to " + dir_ + ": " + ec.message());
  committed_ = true;
  return Status::OK();
}

Status RespTarget::Connect(const std::string& host, int port, const std::string& user,
                           const std::string& password) {
  REDROCK_RETURN_IF_ERROR(client_.Connect(host, port));
  RespReply r;
  if (!password.empty()) {
    if (user.empty()) {
      REDROCK_RETURN_IF_ERROR(client_.Call({"AUTH", password}, &r));
    } else {
      REDROCK_RETURN_IF_ERROR(client_.Call({"AUTH", user, password}, &r));
    }
    if (r.kind == RespReply::Kind::kError) return Status::IOError("AUTH failed: " + r.str);
  }
  REDROCK_RETURN_IF_ERROR(client_.Call({"PING"}, &r));
  if (r.kind == RespReply::Kind::kError) return Status::IOError("PING failed: " + r.str);
  sink_ = std::make_unique<PayloadSink>(&payload_);
  return Status::OK();
}

Status RespTarget::PayloadSink::Begin(engine::ValueType type, uint64_t count) {
  type_ = type;
  buffered_.clear();
  buffering_ = count == 0 && type != engine::ValueType::kString;
  return buffering_ ? Status::OK() : writer_.Begin(type, count);
}

Status RespTarget::PayloadSink::Add(const engine::ValueElement& e) {
  if (!buffering_) return writer_.Add(e);
  buffered_.emplace_back(e.member);  // only quicklists come unannounced: list elements
  return Status::OK();
}

Status RespTarget::PayloadSink::End() {
  if (buffering_) {
    REDROCK_RETURN_IF_ERROR(writer_.Begin(type_, buffered_.size()));
    for (const auto& m : buffered_)
      REDROCK_RETURN_IF_ERROR(writer_.Add({m, {}, 0}));
    buffered_.clear();
  }
  return writer_.End();
}

Status RespTarget::StartKey(const KeyHeader& header, engine::ValueSink** sink) {
  if (header.expire_ms != 0 && header.expire_ms <= engine::NowMs()) {
    counts_.expired++;
    *sink = &discard_;
    key_ = KeyHeader();
    key_.db = -1;
    return Status::OK();
  }
  key_ = header;
  key_.db = MapDb(header.db);
  payload_.clear();
  *sink = sink_.get();
  return Status::OK();
}

Status RespTarget::FinishKey() {
  if (key_.db < 0) return Status::OK();
  if (key_.db != current_db_) {
    std::string db = std::to_string(key_.db);
    client_.Append({"SELECT", db});
    pending_.emplace_back(true, std::string());
    current_db_ = key_.db;
  }
  engine::FinishDumpPayload(&payload_);
  std::string ttl = std::to_string(key_.expire_ms);
  std::vector<std::string_view> args = {"RESTORE", key_.key, ttl, payload_};
  if (settings_.existing == ExistingPolicy::kReplace) args.push_back("REPLACE");
  args.push_back("ABSTTL");
  client_.Append(args);
  pending_.emplace_back(false, key_.key);
  if (pending_.size() >= kPipelineKeys || client_.buffered() >= kPipelineBytes) return Drain();
  return Status::OK();
}

Status RespTarget::Drain() {
  REDROCK_RETURN_IF_ERROR(client_.Flush());
  for (const auto& [is_select, key] : pending_) {
    RespReply r;
    REDROCK_RETURN_IF_ERROR(client_.Read(&r));
    if (r.kind != RespReply::Kind::kError) {
      if (!is_select) counts_.keys++;
      continue;
    }
    if (is_select) return Status::IOError("SELECT failed: " + r.str);
    if (r.str.starts_with("BUSYKEY")) {
      if (settings_.existing == ExistingPolicy::kSkip) {
        counts_.skipped++;
        continue;
      }
      return Status::InvalidArgument("key '" + PrintableKey(key) +
                                     "' exists in the target; use --replace or --skip-existing");
    }
    return Status::IOError("RESTORE of key '" + PrintableKey(key) + "' failed: " + r.str);
  }
  pending_.clear();
  return Status::OK();
}

Status RespTarget::Commit() {
  return Drain();
}

}  // namespace redrock::dump
