// COMMAND and its subcommands (COUNT, INFO, LIST, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP), with
// Redis 7's reply shapes, all derived from the command table.
#include "engine/glob.h"
#include "server/families.h"
#include "server/server.h"

namespace redrock::server {

namespace {

// Not a registration flag: COMMAND INFO reports it for commands whose key positions depend
// on their arguments (a numkeys key spec), as Redis derives it.
constexpr uint32_t kMovableKeys = 1u << 31;

// Redis 7 flag names, in the order COMMAND INFO lists them.
constexpr std::pair<uint32_t, std::string_view> kFlagNames[] = {
    {kCmdWrite, "write"},
    {kCmdReadOnly, "readonly"},
    {kCmdDenyOom, "denyoom"},
    {kCmdAdmin, "admin"},
    {kCmdPubSub, "pubsub"},
    {kCmdNoScript, "noscript"},
    {kCmdBlocking, "blocking"},
    {kCmdLoading, "loading"},
    {kCmdStale, "stale"},
    {kCmdSkipMonitor, "skip_monitor"},
    {kCmdSkipSlowlog, "skip_slowlog"},
    {kCmdFast, "fast"},
    {kCmdNoAuth, "no_auth"},
    {kCmdNoAsyncLoading, "no_async_loading"},
    {kCmdNoMulti, "no_multi"},
    {kMovableKeys, "movablekeys"},
    {kCmdAllowBusy, "allow_busy"},
};

// ACL categories in Redis's table order.
constexpr std::string_view kCategories[] = {
    "keyspace", "read",   "write",       "set",       "sortedset",  "list",        "hash",
    "string",   "bitmap", "hyperloglog", "geo",       "stream",     "pubsub",      "admin",
    "fast",     "slow",   "blocking",    "dangerous", "connection", "transaction", "scripting",
};

// The command's categories: the declared ones plus those its flags imply, as Redis's
// setImplicitACLCategories adds them.
std::vector<std::string_view> Categories(const CommandSpec& spec) {
  auto declared = [&](std::string_view cat) {
    for (const std::string& c : spec.acl_categories) {
      std::string_view name = c;
      if (!name.empty() && name[0] == '@') name.remove_prefix(1);
      if (EqualsNoCase(name, cat)) return true;
    }
    return false;
  };
  // The command group implies its data-type category (GET in "string" is @string).
  static constexpr std::pair<std::string_view, std::string_view> kGroupCategory[] = {
      {"string", "string"},
      {"generic", "keyspace"},
      {"list", "list"},
      {"hash", "hash"},
      {"set", "set"},
      {"sorted-set", "sortedset"},
      {"stream", "stream"},
      {"geo", "geo"},
      {"hyperloglog", "hyperloglog"},
      {"bitmap", "bitmap"},
      {"pubsub", "pubsub"},
      {"transactions", "transaction"},
      {"scripting", "scripting"},
      {"connection", "connection"},
  };
  std::string_view group_cat;
  for (const auto& [group, cat] : kGroupCategory) {
    if (spec.group == group && spec.subcommands.empty()) group_cat = cat;
  }
  const uint32_t f = spec.flags;
  const bool fast = declared("fast") || (f & kCmdFast);
  std::vector<std::string_view> out;
  for (std::string_view cat : kCategories) {
    bool has = declared(cat) || cat == group_cat;
    if (cat == "write") has = has || (f & kCmdWrite);
    if (cat == "read") has = has || ((f & kCmdReadOnly) && !declared("scripting"));
    if (cat == "admin" || cat == "dangerous") has = has || (f & kCmdAdmin);
    if (cat == "pubsub") has = has || (f & kCmdPubSub);
    if (cat == "fast") has = fast;
    if (cat == "blocking") has = has || (f & kCmdBlocking);
    if (cat == "slow") has = has || !fast;
    if (has) out.push_back(cat);
  }
  return out;
}

bool HasMovableKeys(const CommandSpec& spec) {
  if (spec.find_keys != nullptr) return true;
  for (const KeySpec& k : spec.key_specs) {
    if (k.keynum || !k.keyword.empty()) return true;
  }
  return false;
}

// Key-spec flags of a command without declared key specs: what it does to its keys, from
// its read/write flags.
std::vector<std::string> KeyFlags(const CommandSpec& spec) {
  if (spec.flags & kCmdWrite) return {"RW", "update"};
  return {"RO", "access"};
}

// The key specs COMMAND INFO shows: the declared ones, or one "range" spec made from the
// legacy first/last/step triple.
std::vector<KeySpec> InfoKeySpecs(const CommandSpec& spec) {
  if (!spec.key_specs.empty()) return spec.key_specs;
  if (spec.first_key <= 0) return {};
  KeySpec k;
  k.flags = KeyFlags(spec);
  k.begin_index = spec.first_key;
  // Relative to the first key; negative values count from the end, as in the table.
  k.last_key = spec.last_key >= 0 ? spec.last_key - spec.first_key : spec.last_key;
  k.key_step = spec.key_step;
  return {k};
}

void ReplyKeySpec(protocol::ReplyWriter& w, const KeySpec& k) {
  w.MapHeader(3);
  w.Bulk("flags");
  w.SetHeader(k.flags.size());
  for (const std::string& f : k.flags)
    w.SimpleString(f);
  w.Bulk("begin_search");
  w.MapHeader(2);
  w.Bulk("type");
  if (k.keyword.empty()) {
    w.Bulk("index");
    w.Bulk("spec");
    w.MapHeader(1);
    w.Bulk("index");
    w.Integer(k.begin_index);
  } else {
    w.Bulk("keyword");
    w.Bulk("spec");
    w.MapHeader(2);
    w.Bulk("keyword");
    w.Bulk(k.keyword);
    w.Bulk("startfrom");
    w.Integer(k.keyword_startfrom);
  }
  w.Bulk("find_keys");
  w.MapHeader(2);
  w.Bulk("type");
  w.Bulk(k.keynum ? "keynum" : "range");
  w.Bulk("spec");
  w.MapHeader(3);
  if (k.keynum) {
    w.Bulk("keynumidx");
    w.Integer(k.keynum_index);
    w.Bulk("firstkey");
    w.Integer(k.first_key);
    w.Bulk("keystep");
    w.Integer(k.key_step);
  } else {
    w.Bulk("lastkey");
    w.Integer(k.last_key);
    w.Bulk("keystep");
    w.Integer(k.key_step);
    w.Bulk("limit");
    w.Integer(0);
  }
}

void ReplyInfo(protocol::ReplyWriter& w, const CommandSpec* spec) {
  if (spec == nullptr) {
    w.Null();
    return;
  }
  w.ArrayHeader(10);
  w.Bulk(spec->name);
  w.Integer(spec->arity);
  const uint32_t flags = spec->flags | (HasMovableKeys(*spec) ? kMovableKeys : 0);
  size_t nflags = 0;
  for (const auto& [bit, name] : kFlagNames)
    nflags += (flags & bit) ? 1 : 0;
  w.SetHeader(nflags);
  for (const auto& [bit, name] : kFlagNames) {
    if (flags & bit) w.SimpleString(name);
  }
  const bool legacy_keys = spec->first_key > 0;
  w.Integer(legacy_keys ? spec->first_key : 0);
  w.Integer(legacy_keys ? spec->last_key : 0);
  w.Integer(legacy_keys ? spec->key_step : 0);
  std::vector<std::string_view> cats = Categories(*spec);
  w.SetHeader(cats.size());
  std::string category;
  for (std::string_view cat : cats) {
    category.assign(1, '@');
    category += cat;
    w.SimpleString(category);
  }
  w.SetHeader(spec->tips.size());
  for (const std::string& tip : spec->tips)
    w.Bulk(tip);
  std::vector<KeySpec> key_specs = InfoKeySpecs(*spec);
  w.ArrayHeader(key_specs.size());
  for (const KeySpec& k : key_specs)
    ReplyKeySpec(w, k);
  w.ArrayHeader(spec->subcommands.size());
  for (const CommandSpec& sub : spec->subcommands)
    ReplyInfo(w, &sub);
}

void ReplyDocs(protocol::ReplyWriter& w, const CommandSpec& spec) {
  const bool has_complexity = !spec.complexity.empty();
  const bool has_subs = !spec.subcommands.empty();
  w.MapHeader(3 + (has_complexity ? 1 : 0) + (has_subs ? 1 : 0));
  w.Bulk("summary");
  w.Bulk(spec.summary);
  w.Bulk("since");
  w.Bulk(spec.since);
  w.Bulk("group");
  w.Bulk(spec.group);
  if (has_complexity) {
    w.Bulk("complexity");
    w.Bulk(spec.complexity);
  }
  if (has_subs) {
    w.Bulk("subcommands");
    w.MapHeader(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) {
      w.Bulk(sub.name);
      ReplyDocs(w, sub);
    }
  }
}

// Finds "get", "config|get" (COMMAND INFO / DOCS names).
const CommandSpec* LookupByFullName(const CommandTable& table, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  const CommandSpec* parent = table.Find(name.substr(0, bar));
  return parent == nullptr ? nullptr : table.FindSub(*parent, name.substr(bar + 1));
}

void CommandAll(CommandContext& ctx) {
  const auto& all = ctx.server.commands().all();
  ctx.reply.ArrayHeader(all.size());
  for (const auto& [name, spec] : all)
    ReplyInfo(ctx.reply, &spec);
}

void CommandCount(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(ctx.server.commands().size()));
}

void CommandInfo(CommandContext& ctx) {
  if (ctx.args.size() == 2) {
    CommandAll(ctx);
    return;
  }
  ctx.reply.ArrayHeader(ctx.args.size() - 2);
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    ReplyInfo(ctx.reply, LookupByFullName(ctx.server.commands(), ctx.args[i]));
  }
}

void CommandDocs(CommandContext& ctx) {
  const CommandTable& table = ctx.server.commands();
  if (ctx.args.size() == 2) {
    ctx.reply.MapHeader(table.size());
    for (const auto& [name, spec] : table.all()) {
      ctx.reply.Bulk(name);
      ReplyDocs(ctx.reply, spec);
    }
    return;
  }
  std::vector<const CommandSpec*> found;
  for (size_t i = 2; i < ctx.args.size(); ++i) {
    if (const CommandSpec* spec = LookupByFullName(table, ctx.args[i])) found.push_back(spec);
  }
  ctx.reply.MapHeader(found.size());
  for (const CommandSpec* spec : found) {
    ctx.reply.Bulk(spec->name);
    ReplyDocs(ctx.reply, *spec);
  }
}

void CommandList(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view arg;
  if (ctx.args.size() == 5 && EqualsNoCase(ctx.args[2], "filterby")) {
    arg = ctx.args[4];
    if (EqualsNoCase(ctx.args[3], "module")) {
      filter = Filter::kModule;
    } else if (EqualsNoCase(ctx.args[3], "aclcat")) {
      filter = Filter::kAclCat;
    } else if (EqualsNoCase(ctx.args[3], "pattern")) {
      filter = Filter::kPattern;
    } else {
      ctx.reply.Error(kErrSyntax);
      return;
    }
  } else if (ctx.args.size() != 2) {
    ctx.reply.Error(kErrSyntax);
    return;
  }
  std::vector<std::string_view> names;
  auto consider = [&](const CommandSpec& spec) {
    switch (filter) {
      case Filter::kNone:
        names.push_back(spec.name);
        break;
      case Filter::kModule:
        break;  // no modules
      case Filter::kAclCat:
        for (std::string_view cat : Categories(spec)) {
          if (EqualsNoCase(cat, arg)) {
            names.push_back(spec.name);
            break;
          }
        }
        break;
      case Filter::kPattern:
        if (GlobMatch(arg, spec.name, true)) names.push_back(spec.name);
        break;
    }
  };
  for (const auto& [name, spec] : ctx.server.commands().all()) {
    consider(spec);
    for (const CommandSpec& sub : spec.subcommands)
      consider(sub);
  }
  ctx.reply.ArrayHeader(names.size());
  for (std::string_view n : names)
    ctx.reply.Bulk(n);
}

void GetKeys(CommandContext& ctx, bool with_flags) {
  protocol::Request target(ctx.args.begin() + 2, ctx.args.end());
  const CommandTable& table = ctx.server.commands();
  const CommandSpec* spec = table.Find(target[0]);
  if (spec != nullptr && !spec->subcommands.empty() && target.size() >= 2) {
    spec = table.FindSub(*spec, target[1]);
  }
  const int64_t argc = static_cast<int64_t>(target.size());
  if (spec == nullptr) {
    ctx.reply.Error("ERR Invalid command specified");
  } else if (!spec->has_keys()) {
    ctx.reply.Error("ERR The command has no key arguments");
  } else if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    ctx.reply.Error("ERR Invalid number of arguments specified for command");
  } else {
    std::vector<const KeySpec*> specs;
    std::vector<size_t> positions = CommandTable::KeyPositions(*spec, target, &specs);
    if (positions.empty()) {
      ctx.reply.Error("ERR Invalid arguments specified for command");
      return;
    }
    const std::vector<std::string> legacy_flags = KeyFlags(*spec);
    ctx.reply.ArrayHeader(positions.size());
    for (size_t i = 0; i < positions.size(); i++) {
      if (with_flags) {
        ctx.reply.ArrayHeader(2);
        ctx.reply.Bulk(target[positions[i]]);
        // Declared specs carry their flags; Redis's numkeys fallback reports none.
        static const std::vector<std::string> kNoFlags;
        const std::vector<std::string>& kf = spec->key_specs.empty() ? legacy_flags
                                             : specs[i] != nullptr   ? specs[i]->flags
                                                                     : kNoFlags;
        ctx.reply.SetHeader(kf.size());
        for (const std::string& f : kf)
          ctx.reply.SimpleString(f);
      } else {
        ctx.reply.Bulk(target[positions[i]]);
      }
    }
  }
}

void CommandGetKeys(CommandContext& ctx) {
  GetKeys(ctx, false);
}
void CommandGetKeysAndFlags(CommandContext& ctx) {
  GetKeys(ctx, true);
}

void CommandHelp(CommandContext& ctx) {
  ReplyHelp(ctx.reply, ctx.args[0],
            {
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>",
                "    Return the keys and the access flags from a full Redis command.",
            });
}

CommandSpec Sub(std::string name, int arity, CommandHandler handler, std::string summary,
                std::string since, std::vector<std::string> tips = {}) {
  CommandSpec s;
  s.name = std::move(name);
  s.arity = arity;
  s.flags = kCmdLoading | kCmdStale;
  s.first_key = 0;
  s.last_key = 0;
  s.key_step = 0;
  s.handler = handler;
  s.group = "server";
  s.summary = std::move(summary);
  s.since = std::move(since);
  s.acl_categories = {"@connection"};
  s.tips = std::move(tips);
  s.complexity = "O(N) where N is the number of commands to look up";
  return s;
}

}  // namespace

void RegisterCommandCommands(CommandTable* table) {
  CommandSpec command = Sub("command", -1, CommandAll, "Get array of Redis command details",
                            "2.8.13", {"nondeterministic_output_order"});
  command.complexity = "O(N) where N is the total number of Redis commands";
  command.subcommands = {
      Sub("count", 2, CommandCount, "Get total number of Redis commands", "2.8.13"),
      Sub("info", -2, CommandInfo,
          "Get array of specific Redis command details, or all when no "
          "argument is given.",
          "2.8.13", {"nondeterministic_output_order"}),
      Sub("list", -2, CommandList, "Get an array of Redis command names", "7.0.0",
          {"nondeterministic_output_order"}),
      Sub("docs", -2, CommandDocs, "Get array of specific Redis command documentation", "7.0.0",
          {"nondeterministic_output_order"}),
      Sub("getkeys", -4, CommandGetKeys, "Extract keys given a full Redis command", "2.8.13"),
      Sub("getkeysandflags", -4, CommandGetKeysAndFlags,
          "Extract keys and access flags given a full Redis command", "7.0.0"),
      Sub("help", 2, CommandHelp, "Show helpful text about the different subcommands", "5.0.0"),
  };
  table->Register(std::move(command));
}

}  // namespace redrock::server
