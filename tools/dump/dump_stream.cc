// Dump stream framing: varint32 length + serialized Frame.
#include "tools/dump/dump_stream.h"

#include <cmath>
#include <cstring>

#include "engine/key_format.h"
#include "redrock_dump.pb.h"
#include "version.h"

namespace redrock::dump {

namespace pb = redrock::dump::v1;

namespace {

constexpr uint32_t kMaxFrameBytes = 512u << 20;

void PutVarint32(std::string* dst, uint32_t v) {
  while (v >= 0x80) {
    dst->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  dst->push_back(static_cast<char>(v));
}

}  // namespace

// Turns a value stream into one or more Record frames.
class ProtoDumpWriter::RecordSink : public engine::ValueSink {
 public:
  explicit RecordSink(ProtoDumpWriter* w) : w_(w) {}
  pb::Frame frame;
  std::string scratch;
  size_t bytes = 0;

  Status Begin(engine::ValueType type, uint64_t count) override {
    pb::Record* r = frame.mutable_record();
    r->set_type(static_cast<pb::ValueType>(type));
    r->set_size(count);
    type_ = type;
    w_->counts_.keys++;
    w_->counts_.keys_by_type[static_cast<size_t>(type)]++;
    return Status::OK();
  }
  Status Add(const engine::ValueElement& e) override {
    pb::Record* r = frame.mutable_record();
    w_->counts_.elements++;
    if (type_ == engine::ValueType::kString) {
      r->set_string_value(std::string(e.member));
      return Status::OK();
    }
    r->add_members(e.member.data(), e.member.size());
    bytes += e.member.size();
    if (type_ == engine::ValueType::kHash) {
      r->add_values(e.value.data(), e.value.size());
      bytes += e.value.size();
    }
    if (type_ == engine::ValueType::kZSet) r->add_scores(e.score);
    if (static_cast<size_t>(r->members_size()) >= w_->options_.chunk_elements ||
        bytes >= w_->options_.chunk_bytes) {
      r->set_more(true);
      REDROCK_RETURN_IF_ERROR(w_->WriteFrame());
      pb::Record* next = frame.mutable_record();
      next->set_continued(true);
    }
    return Status::OK();
  }
  Status End() override {
    frame.mutable_record()->set_more(false);
    return w_->WriteFrame();
  }

 private:
  ProtoDumpWriter* w_;
  engine::ValueType type_ = engine::ValueType::kString;
};

ProtoDumpWriter::ProtoDumpWriter() : sink_(std::make_unique<RecordSink>(this)) {}
ProtoDumpWriter::~ProtoDumpWriter() = default;

Status ProtoDumpWriter::Open(const std::string& path, const DumpOptions& options) {
  options_ = options;
  REDROCK_RETURN_IF_ERROR(out_.Open(path));
  std::string head(kDumpMagic, sizeof(kDumpMagic));
  head.push_back(options.zstd ? 1 : 0);
  REDROCK_RETURN_IF_ERROR(out_.Write(head));
  if (options.zstd) REDROCK_RETURN_IF_ERROR(out_.StartZstd(options.zstd_level));
  out_.reset_crc();
  pb::Frame f;
  pb::Header* h = f.mutable_header();
  h->set_format_version(kDumpFormatVersion);
  h->set_server_version(kRedrockVersion);
  h->set_created_unix_ms(static_cast<int64_t>(engine::NowMs()));
  h->set_source(options.source);
  h->set_compression(options.zstd ? 1 : 0);
  std::string buf;
  PutVarint32(&buf, static_cast<uint32_t>(f.ByteSizeLong()));
  f.AppendToString(&buf);
  return out_.Write(buf);
}

Status ProtoDumpWriter::StartKey(const KeyHeader& header) {
  pb::Record* r = sink_->frame.mutable_record();
  r->Clear();
  r->set_db(static_cast<uint32_t>(header.db));
  r->set_key(header.key);
  r->set_expire_ms(header.expire_ms);
  return Status::OK();
}

engine::ValueSink* ProtoDumpWriter::sink() {
  return sink_.get();
}

Status ProtoDumpWriter::WriteFrame() {
  pb::Frame& f = sink_->frame;
  std::string& buf = sink_->scratch;
  buf.clear();
  PutVarint32(&buf, static_cast<uint32_t>(f.ByteSizeLong()));
  f.AppendToString(&buf);
  counts_.records++;
  f.mutable_record()->Clear();
  sink_->bytes = 0;
  return out_.Write(buf);
}

Status ProtoDumpWriter::Finish() {
  pb::Frame f;
  pb::Trailer* t = f.mutable_trailer();
  t->set_records(counts_.records);
  t->set_keys(counts_.keys);
  for (uint64_t n : counts_.keys_by_type)
    t->add_keys_by_type(n);
  t->set_elements(counts_.elements);
  t->set_crc64(out_.crc());
  std::string buf;
  PutVarint32(&buf, static_cast<uint32_t>(f.ByteSizeLong()));
  f.AppendToString(&buf);
  REDROCK_RETURN_IF_ERROR(out_.Write(buf));
  return out_.Commit();
}

namespace {

// Reads one frame; *eof when the stream ends cleanly before its first byte.
Status ReadFrame(InputFile* in, std::string* buf, pb::Frame* frame, bool* eof) {
  *eof = false;
  uint32_t len = 0;
  for (int shift = 0;; shift += 7) {
    if (shift > 28)
      return Status::Corruption("bad frame length at byte offset " + std::to_string(in->offset()));
    char c;
    size_t got;
    REDROCK_RETURN_IF_ERROR(in->ReadSome(&c, 1, &got));
    if (got == 0) {
      if (shift == 0) {
        *eof = true;
        return Status::OK();
      }
      return Status::Corruption("input truncated at byte offset " + std::to_string(in->offset()));
    }
    len |= static_cast<uint32_t>(static_cast<uint8_t>(c) & 0x7f) << shift;
    if (!(static_cast<uint8_t>(c) & 0x80)) break;
  }
  if (len > kMaxFrameBytes) {
    return Status::Corruption("frame length " + std::to_string(len) +
                              " out of range at byte offset " + std::to_string(in->offset()));
  }
  buf->resize(len);
  REDROCK_RETURN_IF_ERROR(in->Read(buf->data(), len));
  if (!frame->ParseFromArray(buf->data(), static_cast<int>(len))) {
    return Status::Corruption("undecodable frame ending at byte offset " +
                              std::to_string(in->offset()));
  }
  return Status::OK();
}

}  // namespace

Status ReadProtoDump(InputFile* in, KeyConsumer* consumer, DumpReadStats* stats) {
  char head[9];
  REDROCK_RETURN_IF_ERROR(in->Read(head, 9));
  if (memcmp(head, kDumpMagic, sizeof(kDumpMagic)) != 0) {
    return Status::Corruption("not a redrock dump (bad magic)");
  }
  if (head[8] != 0 && head[8] != 1) return Status::Corruption("unknown compression byte");
  stats->compressed = head[8] == 1;
  if (stats->compressed) REDROCK_RETURN_IF_ERROR(in->StartZstd());
  in->reset_crc();
  std::string buf;
  pb::Frame frame;
  bool eof;
  REDROCK_RETURN_IF_ERROR(ReadFrame(in, &buf, &frame, &eof));
  if (eof || !frame.has_header()) {
    return Status::Corruption("dump stream does not start with a header (byte offset " +
                              std::to_string(in->offset()) + ")");
  }
  const pb::Header& h = frame.header();
  if (h.format_version() != kDumpFormatVersion) {
    return Status::Corruption("unsupported dump format version " +
                              std::to_string(h.format_version()) + " (this reader handles " +
                              std::to_string(kDumpFormatVersion) + ")");
  }
  stats->source = h.source();
  stats->server_version = h.server_version();
  stats->created_unix_ms = h.created_unix_ms();

  DumpCounts& c = stats->counts;
  engine::ValueSink* sink = nullptr;
  bool in_key = false;
  std::string key;
  engine::ValueType type = engine::ValueType::kString;
  uint64_t key_elements = 0, key_size = 0;
  while (true) {
    const uint64_t crc_before = in->crc();
    const uint64_t at = in->offset();
    REDROCK_RETURN_IF_ERROR(ReadFrame(in, &buf, &frame, &eof));
    if (eof)
      return Status::Corruption("dump truncated: no trailer after " + std::to_string(c.records) +
                                " records");
    auto bad = [&](const std::string& what) {
      return Status::Corruption("record " + std::to_string(c.records) + " (key '" +
                                PrintableKey(key) + "') at byte offset " + std::to_string(at) +
                                ": " + what);
    };
    if (frame.has_trailer()) {
      const pb::Trailer& t = frame.trailer();
      if (in_key) return bad("trailer inside a chunked value");
      if (t.crc64() != crc_before) return Status::Corruption("dump checksum mismatch");
      bool same = t.records() == c.records && t.keys() == c.keys && t.elements() == c.elements &&
                  t.keys_by_type_size() == 5;
      for (int i = 0; same && i < 5; i++)
        same = t.keys_by_type(i) == c.keys_by_type[i];
      if (!same) return Status::Corruption("dump trailer counts disagree with its records");
      char extra;
      size_t got;
      REDROCK_RETURN_IF_ERROR(in->ReadSome(&extra, 1, &got));
      if (got != 0)
        return Status::Corruption("data after the dump trailer at byte offset " +
                                  std::to_string(at));
      return Status::OK();
    }
    if (!frame.has_record()) return bad("unexpected frame");
    const pb::Record& r = frame.record();
    c.records++;
    if (!r.continued()) {
      if (in_key) return bad("new key while a chunked value is incomplete");
      key = r.key();
      if (r.type() < 0 || r.type() > 4) return bad("unknown value type");
      type = static_cast<engine::ValueType>(r.type());
      KeyHeader header{static_cast<int>(r.db()), r.key(), r.expire_ms()};
      if (r.db() > 65535) return bad("database number out of range");
      REDROCK_RETURN_IF_ERROR(consumer->StartKey(header, &sink));
      c.keys++;
      c.keys_by_type[static_cast<size_t>(type)]++;
      key_elements = 0;
      key_size = r.size();
      in_key = true;
      REDROCK_RETURN_IF_ERROR(sink->Begin(type, key_size));
      if (type == engine::ValueType::kString) {
        if (r.members_size() != 0 || r.more()) return bad("string with elements");
        key_elements = 1;
        Status s = sink->Add({r.string_value(), {}, 0});
        if (!s.ok()) return bad(s.message());
      }
    } else if (!in_key) {
      return bad("continuation record without a key");
    }
    if (type != engine::ValueType::kString) {
      if (type == engine::ValueType::kHash && r.values_size() != r.members_size())
        return bad("hash values missing");
      if (type == engine::ValueType::kZSet && r.scores_size() != r.members_size())
        return bad("zset scores missing");
      for (int i = 0; i < r.members_size(); i++) {
        engine::ValueElement e{r.members(i), {}, 0};
        if (type == engine::ValueType::kHash) e.value = r.values(i);
        if (type == engine::ValueType::kZSet) {
          e.score = r.scores(i);
          if (std::isnan(e.score)) return bad("NaN score");
        }
        Status s = sink->Add(e);
        if (!s.ok()) return bad(s.message());
      }
      key_elements += static_cast<uint64_t>(r.members_size());
    }
    c.elements += type == engine::ValueType::kString ? 1 : static_cast<uint64_t>(r.members_size());
    if (!r.more()) {
      if (key_elements == 0) return bad("empty value");
      if (key_size != 0 && key_elements != key_size)
        return bad("element count differs from the announced size");
      Status s = sink->End();
      if (!s.ok()) return bad(s.message());
      REDROCK_RETURN_IF_ERROR(consumer->FinishKey());
      in_key = false;
    }
  }
}

}  // namespace redrock::dump
