// SORT and SORT_RO, as Redis 7.0 runs them: the elements of a list, set or sorted set,
// sorted as numbers (or bytes with ALPHA), by themselves or BY the values of other keys
// (`weight_*`, `hash_*->field`; a pattern without '*' means "do not sort"), cut with LIMIT,
// replaced by GET patterns (`#` is the element itself), returned or STOREd as a list.
//
// Differences: a set's "unsorted" order (BY nosort without STORE) is member byte order here
// and hash order in Redis; ALPHA compares bytes, as Redis does under the C locale.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/hash_type.h"
#include "engine/key_locks.h"
#include "engine/keyspace.h"
#include "engine/list_type.h"
#include "engine/numbers.h"
#include "engine/set_type.h"
#include "engine/string_type.h"
#include "engine/value_io.h"
#include "engine/write_batch.h"
#include "engine/zset_type.h"
#include "server/arg_parse.h"
#include "server/blocking.h"
#include "server/command.h"
#include "server/notify.h"
#include "server/server.h"

namespace redrock::server {

namespace {

using engine::MetaRecord;
using engine::ValueType;

// The value a BY or GET pattern names for one element: `#` is the element; otherwise the
// first '*' is replaced by the element and the result names a string key, or a hash field
// when "->field" follows the '*'. nullopt when the pattern has no '*' or nothing is there.
std::optional<std::string> LookupByPattern(CommandContext& ctx, std::string_view pattern,
                                           std::string_view element) {
  if (pattern == "#") return std::string(element);
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t key_end = pattern.size();
  std::string_view field;
  const size_t arrow = pattern.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < pattern.size()) {
    field = pattern.substr(arrow + 2);
    key_end = arrow;
  }
  std::string key(pattern.substr(0, star));
  key.append(element);
  key.append(pattern.substr(star + 1, key_end - star - 1));
  if (!field.empty()) {
    std::optional<std::string> value;
    if (!engine::HashType(&ctx.engine).Get(ctx.db, key, field, &value).ok()) return std::nullopt;
    return value;
  }
  std::string value;
  if (!engine::StringType(&ctx.engine).Get(ctx.db, key, &value).ok()) return std::nullopt;
  return value;
}

// Redis's numeric weight: strtod must take the whole string (an empty one is 0), not NaN,
// not out of range.
bool ParseWeight(const std::string& s, double* out) {
  errno = 0;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*out);
}

struct Item {
  std::string element;
  double score = 0;
  std::optional<std::string> by;  // ALPHA with BY: what the element sorts by
};

// The elements of (db, key) in their own order: a list's, a sorted set's by score, a set's
// by member bytes. *type is the key's type; NotFound when it is missing.
Status LoadElements(CommandContext& ctx, std::string_view key, ValueType* type,
                    std::vector<std::string>* out) {
  MetaRecord meta;
  REDROCK_RETURN_IF_ERROR(engine::Keyspace(&ctx.engine).GetLive(ctx.db, key, &meta));
  *type = meta.type;
  auto add = [out](std::string_view e) { out->emplace_back(e); };
  auto reserve = [out](uint64_t n) { out->reserve(n); };
  switch (meta.type) {
    case ValueType::kList:
      return engine::ListType(&ctx.engine).Range(ctx.db, key, 0, -1, reserve, add);
    case ValueType::kSet:
      return engine::SetType(&ctx.engine).Members(ctx.db, key, reserve, add);
    case ValueType::kZSet: {
      std::vector<engine::ScoredMember> members;
      REDROCK_RETURN_IF_ERROR(
          engine::ZSetType(&ctx.engine).Range(ctx.db, key, engine::ZRangeSpec(), &members));
      for (auto& m : members)
        out->push_back(std::move(m.member));
      return Status::OK();
    }
    default:
      return Status::WrongType();
  }
}

// STORE: `values` as a list at `dst` (replacing whatever was there), or no key when empty.
Status StoreList(CommandContext& ctx, std::string_view dst,
                 const std::vector<std::string>& values) {
  engine::KeyLockGuard guard(ctx.engine.locks(), ctx.db, dst);
  MetaRecord old;
  bool present = false;
  REDROCK_RETURN_IF_ERROR(engine::Keyspace(&ctx.engine).ReadMeta(ctx.db, dst, &old, &present));
  engine::Batch batch(&ctx.engine);
  if (values.empty()) {
    if (!present) return Status::OK();
    batch.DeleteMeta(ctx.db, dst, old);
    return batch.Commit();
  }
  engine::StoredValueWriter writer(&ctx.engine, &batch, ctx.db, std::string(dst), 0,
                                   present ? &old : nullptr);
  REDROCK_RETURN_IF_ERROR(writer.Begin(ValueType::kList, values.size()));
  for (const std::string& v : values) {
    engine::ValueElement e;
    e.member = v;
    REDROCK_RETURN_IF_ERROR(writer.Add(e));
  }
  REDROCK_RETURN_IF_ERROR(writer.End());
  return batch.Commit();
}

void SortGeneric(CommandContext& ctx, bool readonly) {
  const protocol::Request& args = ctx.args;
  bool desc = false, alpha = false, dontsort = false;
  int64_t limit_start = 0, limit_count = -1;
  std::optional<std::string> by, store;
  std::vector<std::string> gets;
  for (size_t j = 2; j < args.size(); j++) {
    const size_t left = args.size() - j - 1;
    if (ArgIs(args[j], "ASC")) {
      desc = false;
    } else if (ArgIs(args[j], "DESC")) {
      desc = true;
    } else if (ArgIs(args[j], "ALPHA")) {
      alpha = true;
    } else if (ArgIs(args[j], "LIMIT") && left >= 2) {
      if (!ParseInt64(args[j + 1], &limit_start) || !ParseInt64(args[j + 2], &limit_count)) {
        return ctx.reply.Error("ERR value is not an integer or out of range");
      }
      j += 2;
    } else if (!readonly && ArgIs(args[j], "STORE") && left >= 1) {
      store = args[++j];
    } else if (ArgIs(args[j], "BY") && left >= 1) {
      by = args[++j];
      dontsort = by->find('*') == std::string::npos;
    } else if (ArgIs(args[j], "GET") && left >= 1) {
      gets.push_back(args[++j]);
    } else {
      return ctx.reply.Error(kErrSyntax);
    }
  }

  ValueType type = ValueType::kList;
  std::vector<std::string> elements;
  Status s = LoadElements(ctx, args[1], &type, &elements);
  if (s.IsNotFound()) {
    type = ValueType::kList;  // a missing key sorts as an empty list
  } else if (!s.ok()) {
    return ReplyError(ctx, s);
  }
  // A set has no order of its own: what is stored must not depend on it (Redis does the
  // same for STORE and scripts).
  if (dontsort && type == ValueType::kSet && store) {
    dontsort = false;
    alpha = true;
    by.reset();
  }

  // LIMIT, with Redis's clamping.
  const int64_t n = static_cast<int64_t>(elements.size());
  int64_t start = std::min(std::max<int64_t>(limit_start, 0), n);
  const int64_t count = std::min(std::max<int64_t>(limit_count, -1), n);
  int64_t end = count < 0 ? n - 1 : start + count - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;

  std::vector<Item> items(elements.size());
  for (size_t i = 0; i < elements.size(); i++)
    items[i].element = std::move(elements[i]);
  bool conversion_error = false;
  if (dontsort) {
    // Lists and sorted sets keep their order, read from the other end with DESC.
    if (desc && type != ValueType::kSet) std::reverse(items.begin(), items.end());
  } else {
    for (Item& item : items) {
      std::optional<std::string> weight;
      if (by) {
        weight = LookupByPattern(ctx, *by, item.element);
        if (!weight) continue;  // sorts as 0, or first with ALPHA
      }
      if (alpha) {
        if (by) item.by = std::move(weight);
      } else if (!ParseWeight(by ? *weight : item.element, &item.score)) {
        conversion_error = true;
      }
    }
    const bool by_pattern = by.has_value();
    std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
      int cmp;
      if (!alpha) {
        cmp = a.score < b.score ? -1 : (a.score > b.score ? 1 : a.element.compare(b.element));
      } else if (by_pattern) {
        if (!a.by || !b.by) {
          cmp = a.by.has_value() == b.by.has_value() ? 0 : (a.by ? 1 : -1);
        } else {
          cmp = a.by->compare(*b.by);
        }
      } else {
        cmp = a.element.compare(b.element);
      }
      return desc ? cmp > 0 : cmp < 0;
    });
  }
  if (conversion_error)
    return ctx.reply.Error("ERR One or more scores can't be converted into double");

  const int64_t selected = end - start + 1;
  const int64_t outputlen = gets.empty() ? selected : static_cast<int64_t>(gets.size()) * selected;
  if (!store) {
    ctx.reply.ArrayHeader(static_cast<size_t>(outputlen));
    for (int64_t j = start; j <= end; j++) {
      const std::string& e = items[static_cast<size_t>(j)].element;
      if (gets.empty()) ctx.reply.Bulk(e);
      for (const std::string& pattern : gets) {
        std::optional<std::string> v = LookupByPattern(ctx, pattern, e);
        if (v) {
          ctx.reply.Bulk(*v);
        } else {
          ctx.reply.Null();
        }
      }
    }
    return;
  }
  std::vector<std::string> values;
  for (int64_t j = start; j <= end; j++) {
    const std::string& e = items[static_cast<size_t>(j)].element;
    if (gets.empty()) values.push_back(e);
    for (const std::string& pattern : gets)
      values.push_back(LookupByPattern(ctx, pattern, e).value_or(""));
  }
  const bool existed = !KeyWouldBeNew(ctx, ctx.db, *store);
  s = StoreList(ctx, *store, values);
  if (!s.ok()) return ReplyError(ctx, s);
  if (!values.empty()) {
    NotifyKeyspaceEvent(ctx, kNotifyList, "sortstore", *store);
    ctx.server.blocking().Signal(ctx.db, *store);
  } else if (existed) {
    NotifyKeyspaceEvent(ctx, kNotifyGeneric, "del", *store);
  }
  ctx.reply.Integer(outputlen);
}

void SortCommand(CommandContext& ctx) {
  SortGeneric(ctx, false);
}

void SortRoCommand(CommandContext& ctx) {
  SortGeneric(ctx, true);
}

// The sorted key, and the destination of every STORE (the last one counts), skipping the
// arguments of LIMIT, BY and GET as Redis's sortGetKeys does.
void SortKeys(const CommandSpec& spec, const protocol::Request& args,
              std::vector<size_t>* positions, std::vector<const KeySpec*>* specs) {
  positions->push_back(1);
  if (specs != nullptr) specs->push_back(&spec.key_specs[0]);
  size_t store = 0;
  for (size_t j = 2; j < args.size(); j++) {
    if (ArgIs(args[j], "LIMIT")) {
      j += 2;
    } else if (ArgIs(args[j], "GET") || ArgIs(args[j], "BY")) {
      j += 1;
    } else if (ArgIs(args[j], "STORE") && j + 1 < args.size()) {
      store = ++j;
    }
  }
  if (store != 0 && spec.key_specs.size() > 1) {
    positions->push_back(store);
    if (specs != nullptr) specs->push_back(&spec.key_specs[1]);
  }
}

}  // namespace

void RegisterSortCommands(CommandTable* table) {
  CommandSpec sort = MakeCommandSpec(
      "sort", -2, kCmdWrite | kCmdDenyOom, {1, 1, 1}, SortCommand, "generic",
      "Sort the elements in a list, set or sorted set, optionally storing the result.", "1.0.0",
      {"@write", "@set", "@sortedset", "@list", "@slow", "@dangerous"},
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).");
  sort.key_specs = {SingleKeySpec(1, {"RO", "access"}),
                    KeywordSpec("STORE", 2, {"OW", "update", "incomplete"})};
  sort.find_keys = SortKeys;
  table->Register(std::move(sort));
  CommandSpec sort_ro = MakeCommandSpec(
      "sort_ro", -2, kCmdReadOnly, {1, 1, 1}, SortRoCommand, "generic",
      "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", "7.0.0",
      {"@read", "@set", "@sortedset", "@list", "@slow", "@dangerous"},
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the "
      "number of returned elements. When the elements are not sorted, complexity is O(N).");
  sort_ro.key_specs = {SingleKeySpec(1, {"RO", "access"})};
  table->Register(std::move(sort_ro));
}

}  // namespace redrock::server
