// Where redrock-restore puts keys: a running server over RESP (pipelined RESTORE commands,
// works with redrock and Redis) or nowhere (--verify: read and check only). The offline
// target, a new data directory, is in dir_target.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "engine/rdb_value.h"
#include "tools/dump/key_stream.h"
#include "tools/dump/resp_client.h"

namespace redrock::dump {

// What to do with a key that already exists in the target.
enum class ExistingPolicy { kFail, kReplace, kSkip };

struct RestoreSettings {
  ExistingPolicy existing = ExistingPolicy::kFail;
  std::map<int, int> db_map;              // source db -> target db (others unchanged)
  int databases = 16;                     // offline target: databases of the new directory
  uint64_t sort_buffer_bytes = 64 << 20;  // offline target: memory for sorting records
};

struct RestoreCounts {
  uint64_t keys = 0;
  uint64_t skipped = 0;  // existed, --skip-existing
  uint64_t expired = 0;  // TTL already passed
  uint64_t elements = 0;
};

// Shared bookkeeping: db remapping, expiry, counts.
class TargetBase : public KeyConsumer {
 public:
  explicit TargetBase(RestoreSettings settings) : settings_(std::move(settings)) {}
  const RestoreCounts& counts() const { return counts_; }
  // Makes everything written durable and visible (offline: the directory appears).
  virtual Status Commit() = 0;

 protected:
  int MapDb(int db) const;
  RestoreSettings settings_;
  RestoreCounts counts_;
  DiscardSink discard_;
};

class VerifyTarget : public TargetBase {
 public:
  VerifyTarget() : TargetBase({}) {}
  Status StartKey(const KeyHeader& header, engine::ValueSink** sink) override;
  Status FinishKey() override;
  Status Commit() override { return Status::OK(); }
};

// A running server, over RESP: RESTORE key ttl payload [REPLACE] ABSTTL, pipelined.
class RespTarget : public TargetBase {
 public:
  explicit RespTarget(RestoreSettings settings) : TargetBase(std::move(settings)) {}
  Status Connect(const std::string& host, int port, const std::string& user,
                 const std::string& password);
  Status StartKey(const KeyHeader& header, engine::ValueSink** sink) override;
  Status FinishKey() override;
  Status Commit() override;

 private:
  // Sends what is queued and checks every reply.
  Status Drain();

  // Buffers a value whose size the source did not announce (RDB quicklists), so the
  // payload writer can be told the exact count.
  class PayloadSink : public engine::ValueSink {
   public:
    explicit PayloadSink(std::string* out) : writer_(out) {}
    Status Begin(engine::ValueType type, uint64_t count) override;
    Status Add(const engine::ValueElement& e) override;
    Status End() override;

   private:
    engine::RdbValueWriter writer_;
    bool buffering_ = false;
    engine::ValueType type_ = engine::ValueType::kString;
    std::vector<std::string> buffered_;
  };

  RespClient client_;
  int current_db_ = 0;
  std::string payload_;
  std::unique_ptr<PayloadSink> sink_;
  KeyHeader key_;
  // Replies awaited, in order: a SELECT (first = true) or the RESTORE of a key.
  std::vector<std::pair<bool, std::string>> pending_;
};

}  // namespace redrock::dump
