// Reading keys from a running redrock server over the network, at one point in time: the
// server takes a RocksDB snapshot for this connection (SNAPSHOT BEGIN) and hands out the
// keys read at it in bounded batches (SNAPSHOT NEXT), big collections in pieces. Writers
// keep running; the dump is consistent, not a SCAN racing them. See docs/backup.md.
#pragma once

#include <cstdint>
#include <string>

#include "engine/status.h"
#include "tools/dump/key_stream.h"
#include "tools/dump/resp_client.h"

namespace redrock::dump {

class NetSource : public KeySource {
 public:
  // Entries asked for per SNAPSHOT NEXT, and requests kept in flight.
  static constexpr int kBatchEntries = 1000;
  static constexpr int kInFlight = 2;

  NetSource() = default;
  NetSource(const NetSource&) = delete;
  NetSource& operator=(const NetSource&) = delete;

  // Connects and authenticates (AUTH [user] password when a password is given).
  Status Connect(const std::string& host, int port, const std::string& user,
                 const std::string& password);
  // Takes the snapshot (SNAPSHOT BEGIN); the estimate is the server's key count at it.
  Status Start(const SourceFilter& filter, uint64_t* estimated_keys) override;
  // Reads every key at the snapshot, then releases it (SNAPSHOT END).
  Status Scan(const KeyStart& on_key, const KeyEnd& after_key) override;

 private:
  // Delivers the pieces of one NEXT reply; *more is the server's "more may follow".
  Status Deliver(const RespReply& reply, const KeyStart& on_key, const KeyEnd& after_key,
                 bool* more);
  // One entry: [db, key, type, expire, size, offset, more, elements].
  Status DeliverEntry(const RespReply& entry, const KeyStart& on_key, const KeyEnd& after_key);

  RespClient client_;
  bool started_ = false;
  // The key whose pieces are arriving.
  bool in_key_ = false;
  KeyHeader header_;
  engine::ValueType type_ = engine::ValueType::kString;
  uint64_t size_ = 0;
  uint64_t received_ = 0;
  engine::ValueSink* sink_ = nullptr;
  uint64_t entries_ = 0;  // entries delivered, for messages
};

}  // namespace redrock::dump
