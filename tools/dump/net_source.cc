// Network reader of a running redrock server (SNAPSHOT BEGIN / NEXT / END).
#include "tools/dump/net_source.h"

#include "engine/numbers.h"

namespace redrock::dump {

namespace {

using Kind = RespReply::Kind;

bool TypeFromName(std::string_view name, engine::ValueType* type) {
  for (auto t : {engine::ValueType::kString, engine::ValueType::kHash, engine::ValueType::kList,
                 engine::ValueType::kSet, engine::ValueType::kZSet}) {
    if (name == engine::TypeName(t)) {
      *type = t;
      return true;
    }
  }
  return false;
}

}  // namespace

Status NetSource::Connect(const std::string& host, int port, const std::string& user,
                          const std::string& password) {
  REDROCK_RETURN_IF_ERROR(client_.Connect(host, port));
  return client_.Authenticate(user, password);
}

Status NetSource::Start(const SourceFilter& filter, uint64_t* estimated_keys) {
  std::vector<std::string> args = {"SNAPSHOT", "BEGIN"};
  if (filter.db >= 0) {
    args.push_back("DB");
    args.push_back(std::to_string(filter.db));
  }
  if (!filter.match.empty()) {
    args.push_back("MATCH");
    args.push_back(filter.match);
  }
  RespReply r;
  REDROCK_RETURN_IF_ERROR(
      client_.Call(std::vector<std::string_view>(args.begin(), args.end()), &r));
  if (r.kind == Kind::kError) {
    if (r.str.starts_with("ERR unknown command")) {
      return Status::IOError("the server cannot dump over the network (no SNAPSHOT command: " +
                             r.str + "); it must be redrock with network dumps");
    }
    return Status::IOError("SNAPSHOT BEGIN failed: " + r.str);
  }
  if (r.kind != Kind::kInteger || r.integer < 0) {
    return Status::Corruption("unexpected reply to SNAPSHOT BEGIN");
  }
  *estimated_keys = static_cast<uint64_t>(r.integer);
  started_ = true;
  return Status::OK();
}

Status NetSource::Scan(const KeyStart& on_key, const KeyEnd& after_key) {
  if (!started_) return Status::InvalidArgument("Scan before Start");
  const std::string count = std::to_string(kBatchEntries);
  // Requests are pipelined: the server reads the next batch while this one is written out.
  // A NEXT after the end answers an empty batch, so the last ones in flight are harmless.
  int in_flight = 0;
  for (; in_flight < kInFlight; in_flight++)
    client_.Append({"SNAPSHOT", "NEXT", count});
  REDROCK_RETURN_IF_ERROR(client_.Flush());
  bool more = true;
  while (in_flight > 0) {
    RespReply reply;
    REDROCK_RETURN_IF_ERROR(client_.Read(&reply));
    in_flight--;
    if (!more) continue;  // draining after the end
    if (reply.kind == Kind::kError) return Status::IOError("SNAPSHOT NEXT failed: " + reply.str);
    REDROCK_RETURN_IF_ERROR(Deliver(reply, on_key, after_key, &more));
    if (more) {
      client_.Append({"SNAPSHOT", "NEXT", count});
      REDROCK_RETURN_IF_ERROR(client_.Flush());
      in_flight++;
    }
  }
  if (in_key_) {
    return Status::Corruption("the snapshot ended inside key '" + PrintableKey(header_.key) + "'");
  }
  RespReply r;
  REDROCK_RETURN_IF_ERROR(client_.Call({"SNAPSHOT", "END"}, &r));
  if (r.kind == Kind::kError) return Status::IOError("SNAPSHOT END failed: " + r.str);
  return Status::OK();
}

Status NetSource::Deliver(const RespReply& reply, const KeyStart& on_key, const KeyEnd& after_key,
                          bool* more) {
  if (reply.kind != Kind::kArray || reply.elements.size() != 2 ||
      reply.elements[0].kind != Kind::kInteger || reply.elements[1].kind != Kind::kArray) {
    return Status::Corruption("unexpected reply to SNAPSHOT NEXT");
  }
  for (const RespReply& entry : reply.elements[1].elements)
    REDROCK_RETURN_IF_ERROR(DeliverEntry(entry, on_key, after_key));
  *more = reply.elements[0].integer != 0;
  return Status::OK();
}

Status NetSource::DeliverEntry(const RespReply& entry, const KeyStart& on_key,
                               const KeyEnd& after_key) {
  entries_++;
  auto bad = [&](const std::string& what) {
    return Status::Corruption("SNAPSHOT NEXT entry " + std::to_string(entries_) + ": " + what);
  };
  const auto& f = entry.elements;
  if (entry.kind != Kind::kArray || f.size() != 8 || f[0].kind != Kind::kInteger ||
      f[1].kind != Kind::kBulk || f[2].kind != Kind::kBulk || f[3].kind != Kind::kInteger ||
      f[4].kind != Kind::kInteger || f[5].kind != Kind::kInteger || f[6].kind != Kind::kInteger ||
      f[7].kind != Kind::kArray) {
    return bad("malformed");
  }
  const int64_t db = f[0].integer, expire = f[3].integer, size = f[4].integer;
  const int64_t offset = f[5].integer;
  const bool more = f[6].integer != 0;
  const std::vector<RespReply>& elements = f[7].elements;
  engine::ValueType type;
  if (db < 0 || db > 65535 || !TypeFromName(f[2].str, &type) || expire < -1 || expire == 0 ||
      size < 1 || offset < 0) {
    return bad("field out of range");
  }
  if (offset == 0) {
    if (in_key_) {
      return bad("key '" + PrintableKey(f[1].str) + "' starts before key '" +
                 PrintableKey(header_.key) + "' ended");
    }
    header_ =
        KeyHeader{static_cast<int>(db), f[1].str, expire < 0 ? 0 : static_cast<uint64_t>(expire)};
    type_ = type;
    size_ = static_cast<uint64_t>(size);
    received_ = 0;
    REDROCK_RETURN_IF_ERROR(on_key(header_, &sink_));
    in_key_ = true;
    REDROCK_RETURN_IF_ERROR(sink_->Begin(type_, size_));
  } else if (!in_key_ || db != header_.db || f[1].str != header_.key || type != type_ ||
             static_cast<uint64_t>(offset) != received_ || static_cast<uint64_t>(size) != size_) {
    return bad("piece of key '" + PrintableKey(f[1].str) + "' out of sequence");
  }
  const bool pairs = type == engine::ValueType::kHash || type == engine::ValueType::kZSet;
  const size_t step = pairs ? 2 : 1;
  if (elements.size() % step != 0) return bad("odd element count");
  if (received_ + elements.size() / step > size_) return bad("more elements than announced");
  for (size_t i = 0; i < elements.size(); i += step) {
    engine::ValueElement e;
    for (size_t j = i; j < i + step; j++)
      if (elements[j].kind != Kind::kBulk) return bad("element is not a bulk string");
    e.member = elements[i].str;
    if (type == engine::ValueType::kHash) e.value = elements[i + 1].str;
    if (type == engine::ValueType::kZSet && !ParseDouble(elements[i + 1].str, &e.score)) {
      return bad("bad score");
    }
    REDROCK_RETURN_IF_ERROR(sink_->Add(e));
    received_++;
  }
  if (more) return Status::OK();
  if (received_ != size_) return bad("value of key '" + PrintableKey(header_.key) + "' incomplete");
  REDROCK_RETURN_IF_ERROR(sink_->End());
  in_key_ = false;
  return after_key();
}

}  // namespace redrock::dump
