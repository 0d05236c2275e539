// SNAPSHOT, a redrock extension: dumping a running server over the network as one
// point-in-time snapshot (redrock-dump --host). BEGIN takes a RocksDB snapshot held by the
// connection, NEXT reads the next keys at it, END releases it:
//
//   SNAPSHOT BEGIN [DB n] [MATCH pattern]   -> :keys the selected dbs hold at the snapshot
//   SNAPSHOT NEXT count                     -> *2 [:more (1) or finished (0), *entries]
//   SNAPSHOT END                            -> :1 released, :0 none was held
//
// Each entry is one piece of a key: *8 [:db, $key, $type, :expire ms (-1 none), :elements
// of the whole value, :index of the piece's first element (0 = the key's first piece),
// :more pieces follow (1/0), *elements]. Elements: a string's value; list elements; set
// members; hash field, value pairs; sorted set member, score pairs (score as %.17g, "inf",
// "-inf"). Collections come in pieces of at most 1,024 elements (about 1 MB), so a big one
// is spread over several entries and NEXT calls; `count` bounds the entries of one reply,
// and a reply stops growing at about 4 MB (a string comes whole, whatever its size).
#include <algorithm>

#include "engine/snapshot_reader.h"
#include "server/arg_parse.h"
#include "server/client.h"
#include "server/command.h"
#include "server/families.h"
#include "server/server.h"
#include "server/snapshot_sessions.h"

namespace redrock::server {

namespace {

constexpr int64_t kMaxCount = 100000;

// Writes pieces as SNAPSHOT NEXT entries into `out`.
class EntryWriter : public engine::SnapshotVisitor {
 public:
  explicit EntryWriter(std::string* out) : out_(out), w_(out) {}

  void StartPiece(const engine::SnapshotPiece& p) override {
    head_.clear();
    elements_.clear();
    count_ = 0;
    type_ = p.type;
    protocol::ReplyWriter h(&head_);
    h.Integer(p.db);
    h.Bulk(p.key);
    h.Bulk(engine::TypeName(p.type));
    h.Integer(p.expire_ms == 0 ? -1 : static_cast<int64_t>(p.expire_ms));
    h.Integer(static_cast<int64_t>(p.size));
    h.Integer(static_cast<int64_t>(p.offset));
  }
  void Element(const engine::ValueElement& e) override {
    protocol::ReplyWriter w(&elements_);
    w.Bulk(e.member);
    count_++;
    if (type_ == engine::ValueType::kHash) {
      w.Bulk(e.value);
      count_++;
    } else if (type_ == engine::ValueType::kZSet) {
      w.Bulk(protocol::FormatDouble(e.score));
      count_++;
    }
  }
  void EndPiece(bool more) override {
    w_.ArrayHeader(8);
    w_.Raw(head_);
    w_.Integer(more ? 1 : 0);
    w_.ArrayHeader(count_);
    w_.Raw(elements_);
    entries_++;
  }
  size_t entries() const { return entries_; }

 private:
  std::string* out_;
  protocol::ReplyWriter w_;
  std::string head_;
  std::string elements_;
  size_t count_ = 0;
  engine::ValueType type_ = engine::ValueType::kString;
  size_t entries_ = 0;
};

// SNAPSHOT BEGIN [DB n] [MATCH pattern]
void SnapshotBegin(CommandContext& ctx) {
  engine::SnapshotFilter filter;
  for (size_t j = 2; j < ctx.args.size(); j++) {
    const bool more = j + 1 < ctx.args.size();
    if (ArgIs(ctx.args[j], "DB") && more) {
      if (!ParseDbArg(ctx, ++j, &filter.db)) return;
    } else if (ArgIs(ctx.args[j], "MATCH") && more) {
      filter.match = ctx.args[++j];
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }
  uint64_t keys = 0;
  Status s = ctx.server.snapshots().Begin(ctx.client, std::move(filter), &keys);
  if (!s.ok()) return s.IsInvalidArgument() ? ctx.reply.Error(s.message()) : ReplyError(ctx, s);
  ctx.reply.Integer(static_cast<int64_t>(keys));
}

// SNAPSHOT NEXT count
void SnapshotNext(CommandContext& ctx) {
  int64_t count;
  if (!ParseIntArg(ctx, 2, &count)) return;
  if (count < 1 || count > kMaxCount) {
    return ctx.reply.Error("ERR count must be between 1 and " + std::to_string(kMaxCount));
  }
  std::string error;
  engine::SnapshotReader* reader = ctx.server.snapshots().Reader(ctx.client.id(), &error);
  if (reader == nullptr) return ctx.reply.Error(error);
  engine::SnapshotLimits limits;
  limits.pieces = static_cast<size_t>(count);
  limits.visited = std::max<size_t>(1000, limits.pieces * 10);
  std::string entries;
  EntryWriter writer(&entries);
  bool done = false;
  Status s = reader->Next(limits, &writer, &done);
  if (!s.ok()) {
    // The reader stopped inside a key: going on would hand out a torn dump.
    ctx.server.snapshots().End(ctx.client.id());
    return ctx.reply.Error("ERR snapshot read failed, snapshot released: " + s.ToString());
  }
  ctx.reply.ArrayHeader(2);
  ctx.reply.Integer(done ? 0 : 1);
  ctx.reply.ArrayHeader(writer.entries());
  ctx.reply.Raw(entries);
}

// SNAPSHOT END
void SnapshotEnd(CommandContext& ctx) {
  ctx.reply.Integer(ctx.server.snapshots().End(ctx.client.id()) ? 1 : 0);
}

void SnapshotHelp(CommandContext& ctx) {
  ReplyHelp(
      ctx.reply, "SNAPSHOT",
      {"BEGIN [DB <n>] [MATCH <pattern>]",
       "    Take a point-in-time snapshot held by this connection; returns its key count.",
       "NEXT <count>", "    Return up to <count> entries read at the snapshot: [more, entries].",
       "END", "    Release the snapshot (also on RESET and disconnect).", "HELP",
       "    Print this help."});
}

CommandSpec Sub(std::string name, int arity, uint32_t flags, CommandHandler handler,
                std::string summary) {
  CommandSpec s;
  s.name = "snapshot|" + name;
  s.arity = arity;
  s.flags = flags;
  s.first_key = s.last_key = s.key_step = 0;
  s.handler = handler;
  s.group = "server";
  s.summary = std::move(summary);
  s.since = "0.1.0";
  s.acl_categories = {"@admin", "@slow", "@dangerous"};
  s.complexity = "O(N) for N keys and elements returned";
  return s;
}

}  // namespace

void RegisterSnapshotCommands(CommandTable* table) {
  // No MULTI, no scripts: a snapshot belongs to the connection and lives across commands.
  constexpr uint32_t kFlags = kCmdReadOnly | kCmdAdmin | kCmdNoScript | kCmdNoMulti;
  CommandSpec snapshot;
  snapshot.name = "snapshot";
  snapshot.arity = -2;
  snapshot.flags = 0;
  snapshot.first_key = snapshot.last_key = snapshot.key_step = 0;
  snapshot.handler = nullptr;
  snapshot.group = "server";
  snapshot.summary = "A container for point-in-time dump commands (redrock extension)";
  snapshot.since = "0.1.0";
  snapshot.complexity = "Depends on subcommand.";
  snapshot.subcommands = {
      Sub("begin", -2, kFlags, SnapshotBegin,
          "Take a point-in-time snapshot held by this connection"),
      Sub("next", 3, kFlags, SnapshotNext, "Read the next keys at the connection's snapshot"),
      Sub("end", 2, kFlags, SnapshotEnd, "Release the connection's snapshot"),
      Sub("help", 2, kCmdLoading | kCmdStale, SnapshotHelp,
          "Show helpful text about the different subcommands"),
  };
  table->Register(std::move(snapshot));
}

}  // namespace redrock::server
