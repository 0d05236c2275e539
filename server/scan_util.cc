// Shared SCAN-family parsing and replies.
#include "server/scan_util.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

#include <rocksdb/options.h>

#include "engine/collection.h"
#include "engine/engine.h"
#include "engine/numbers.h"
#include "server/arg_parse.h"
#include "server/scan_cursor.h"

namespace redrock::server {

bool ParseScanCursor(CommandContext& ctx, size_t index, uint64_t* cursor) {
  // strtoul on the NUL-terminated argument, exactly like Redis.
  const char* text = ctx.args[index].c_str();
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (std::isspace(static_cast<unsigned char>(text[0])) || *end != '\0' || errno == ERANGE) {
    ctx.reply.Error("ERR invalid cursor");
    return false;
  }
  *cursor = v;
  return true;
}

std::string ParseScanOptions(const CommandContext& ctx, size_t first, bool allow_type,
                             ScanOptions* out) {
  const auto& args = ctx.args;
  for (size_t i = first; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (ArgIs(args[i], "COUNT") && has_value) {
      if (!ParseInt64(args[i + 1], &out->count)) return std::string(kErrNotInteger);
      if (out->count < 1) return std::string(kErrSyntax);
    } else if (ArgIs(args[i], "MATCH") && has_value) {
      if (args[i + 1] == "*") {
        out->match.reset();
      } else {
        out->match = args[i + 1];
      }
    } else if (allow_type && ArgIs(args[i], "TYPE") && has_value) {
      out->type = args[i + 1];
    } else {
      return std::string(kErrSyntax);
    }
  }
  return std::string();
}

size_t ScanBudget(int64_t count) {
  return static_cast<size_t>(std::min<int64_t>(count, 100000));
}

uint64_t SaveScanCursor(const std::string& scope, const std::optional<std::string>& next) {
  return next ? ScanCursorTable::Global().Save(scope, *next) : 0;
}

namespace {

// Writes a scan reply: [cursor, [items...]], items being members, or (member, value) pairs
// flattened when with_values (HSCAN, ZSCAN: values already formatted).
void ReplyScanPage(CommandContext& ctx, uint64_t cursor, const engine::MemberPage& page,
                   bool with_values) {
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(cursor));
  ctx.reply.ArrayHeader(page.items.size() * (with_values ? 2 : 1));
  for (const auto& [member, value] : page.items) {
    ctx.reply.Bulk(member);
    if (with_values) ctx.reply.Bulk(value);
  }
}

// Parses HSCAN / SSCAN / ZSCAN's cursor and options. As in Redis, the key is looked up
// between the two: with bad options, a missing key still answers an empty scan and a key of
// another type WRONGTYPE. On any failure the reply is written and false returned.
bool ParseCollectionScan(CommandContext& ctx, engine::ValueType type, uint64_t* cursor,
                         ScanOptions* options) {
  if (!ParseScanCursor(ctx, 2, cursor)) return false;
  std::string error = ParseScanOptions(ctx, 3, false, options);
  if (error.empty()) return true;
  engine::MetaRecord meta;
  Status s = engine::LoadCollectionForRead(&ctx.engine, rocksdb::ReadOptions(), ctx.db, ctx.args[1],
                                           type, &meta);
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) {
    ReplyScanPage(ctx, 0, engine::MemberPage(), false);
  } else if (!s.ok()) {
    ReplyError(ctx, s);
  } else {
    ctx.reply.Error(error);
  }
  return false;
}

// Cursors of a collection scan resume only the key version they were handed out for.
std::string CollectionScanScope(int db, std::string_view key, uint64_t version) {
  std::string scope = std::to_string(db) + ":" + std::to_string(version) + ":";
  scope.append(key);
  return scope;
}

}  // namespace

void CollectionScanCommand(CommandContext& ctx, engine::ValueType type, bool with_values,
                           const CollectionScanFn& scan) {
  uint64_t cursor;
  ScanOptions opts;
  if (!ParseCollectionScan(ctx, type, &cursor, &opts)) return;
  auto resume = [&](uint64_t version) {
    return ScanCursorTable::Global().Lookup(cursor,
                                            CollectionScanScope(ctx.db, ctx.args[1], version));
  };
  std::optional<std::string_view> match;
  if (opts.match) match = *opts.match;
  engine::MemberPage page;
  uint64_t version = 0;
  Status s = scan(resume, ScanBudget(opts.count), match, &page, &version);
  CountLookup(ctx, !s.IsNotFound());
  if (s.IsNotFound()) return ReplyScanPage(ctx, 0, engine::MemberPage(), with_values);
  if (!s.ok()) return ReplyError(ctx, s);
  uint64_t next = SaveScanCursor(CollectionScanScope(ctx.db, ctx.args[1], version), page.next);
  ReplyScanPage(ctx, next, page, with_values);
}

}  // namespace redrock::server
