// StreamedReply: an aggregate reply written while the engine streams a collection (HGETALL,
// SMEMBERS, SRANDMEMBER with repeats...), so a big collection is never copied in memory
// first. The header announces a count before the elements exist; if the engine fails half
// way, or yields another number of elements than announced, everything written since the
// mark is dropped and an error takes its place: the client never sees a torn reply.
#pragma once

#include <cstdint>
#include <string>

#include "engine/status.h"
#include "protocol/reply_writer.h"

namespace redrock::server {

class StreamedReply {
 public:
  explicit StreamedReply(protocol::ReplyWriter& w) : w_(w), mark_(w.buffer()->size()) {}
  StreamedReply(const StreamedReply&) = delete;
  StreamedReply& operator=(const StreamedReply&) = delete;

  // The number of elements the header announced.
  void Expect(uint64_t n) {
    expected_ = n;
    started_ = true;
  }
  // One element written.
  void Add() { seen_++; }
  // True when the header was written (the key was found).
  bool started() const { return started_; }

  // Checks the stream after the engine returned `s`. OK: true. Otherwise the partial reply
  // is dropped and false returned (the caller writes the error reply).
  bool Complete(const Status& s) {
    if (s.ok() && seen_ == expected_) return true;
    w_.buffer()->resize(mark_);
    return false;
  }

 private:
  protocol::ReplyWriter& w_;
  size_t mark_;
  uint64_t expected_ = 0;
  uint64_t seen_ = 0;
  bool started_ = false;
};

}  // namespace redrock::server
