// Argument parsing helpers.
#include "server/arg_parse.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cctype>
#include <limits>

#include "engine/engine.h"
#include "engine/numbers.h"
#include "server/server.h"

namespace redrock::server {

bool ArgIs(std::string_view arg, std::string_view option) {
  return arg.size() == option.size() &&
         std::equal(arg.begin(), arg.end(), option.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

bool ParseIntArg(CommandContext& ctx, size_t index, int64_t* out) {
  return ParseIntArg(ctx, index, out, kErrNotInteger);
}

bool ParseIntArg(CommandContext& ctx, size_t index, int64_t* out, std::string_view error) {
  if (index < ctx.args.size() && ParseInt64(ctx.args[index], out)) return true;
  ctx.reply.Error(error);
  return false;
}

bool ParseRandomCountArg(CommandContext& ctx, size_t index, int64_t* count) {
  if (!ParseIntArg(ctx, index, count)) return false;
  if (*count != std::numeric_limits<int64_t>::min()) return true;
  ctx.reply.Error(
      "ERR value is out of range, value must between -9223372036854775807 and "
      "9223372036854775807");
  return false;
}

bool ParseLongDoubleArg(CommandContext& ctx, size_t index, long double* out) {
  if (index < ctx.args.size() && ParseLongDouble(ctx.args[index], out)) return true;
  ctx.reply.Error(kErrNotFloat);
  return false;
}

bool ParseDbArg(CommandContext& ctx, size_t index, int* db) {
  int64_t n;
  if (!ParseIntArg(ctx, index, &n)) return false;
  if (n < 0 || n >= ctx.engine.databases()) {
    ctx.reply.Error(kErrDbIndex);
    return false;
  }
  *db = static_cast<int>(n);
  return true;
}

void ReplyError(CommandContext& ctx, const Status& status) {
  switch (status.code()) {
    case Status::Code::kWrongType:
    case Status::Code::kInvalidArgument:
      ctx.reply.Error(status.message());
      return;
    case Status::Code::kNotFound:
      ctx.reply.Error(kErrNoSuchKey);
      return;
    default:
      spdlog::error("{} failed: {}", CommandName(ctx), status.ToString());
      ctx.reply.Error("ERR " + status.ToString());
      return;
  }
}

std::string CommandName(const CommandContext& ctx) {
  std::string name = ctx.args.empty() ? "" : ctx.args[0];
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return name;
}

void CountLookup(CommandContext& ctx, bool hit) {
  if (hit) {
    ctx.server.KeyspaceHit();
  } else {
    ctx.server.KeyspaceMiss();
  }
}

}  // namespace redrock::server
