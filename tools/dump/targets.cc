// Restore targets.
#include "tools/dump/targets.h"

#include "engine/key_format.h"

namespace redrock::dump {

namespace {
constexpr size_t kPipelineKeys = 512;       // online: RESTOREs in flight
constexpr size_t kPipelineBytes = 8 << 20;  // online: bytes in flight
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

Status RespTarget::Connect(const std::string& host, int port, const std::string& user,
                           const std::string& password) {
  REDROCK_RETURN_IF_ERROR(client_.Connect(host, port));
  REDROCK_RETURN_IF_ERROR(client_.Authenticate(user, password));
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
