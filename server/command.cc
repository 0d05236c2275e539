// Command table: registration, case-insensitive lookup and key positions.
#include "server/command.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

#include "engine/numbers.h"

namespace redrock::server {

namespace {

char ToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

void LowerInPlace(std::string* s) {
  for (char& c : *s)
    c = ToLower(c);
}

// FNV-1a, one byte at a time, so Find can hash while it lower-cases.
constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ULL;
constexpr uint64_t kFnvPrime = 0x100000001b3ULL;

uint64_t NameHash(std::string_view lower) {
  uint64_t h = kFnvBasis;
  for (char c : lower)
    h = (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
  return h;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

}  // namespace

CommandTable::CommandTable(const CommandTable& other)
    : commands_(other.commands_), next_id_(other.next_id_) {
  RebuildIndex();
}

CommandTable& CommandTable::operator=(const CommandTable& other) {
  if (this != &other) {
    commands_ = other.commands_;
    next_id_ = other.next_id_;
    RebuildIndex();
  }
  return *this;
}

void CommandTable::RebuildIndex() {
  // At most a quarter full: probe runs stay short.
  index_.assign(std::bit_ceil(std::max<size_t>(64, 4 * commands_.size())), Slot{});
  for (const auto& [name, spec] : commands_)
    IndexInsert(&spec);
}

void CommandTable::IndexInsert(const CommandSpec* spec) {
  if (4 * commands_.size() > index_.size()) return RebuildIndex();  // also the first insert
  const uint64_t h = NameHash(spec->name);
  const size_t mask = index_.size() - 1;
  size_t i = h & mask;
  while (index_[i].spec != nullptr && index_[i].spec != spec)
    i = (i + 1) & mask;
  index_[i] = Slot{h, spec};
}

void CommandTable::Register(CommandSpec spec) {
  LowerInPlace(&spec.name);
  spec.id = next_id_++;
  for (CommandSpec& sub : spec.subcommands) {
    LowerInPlace(&sub.name);
    // Subcommands are named "parent|sub", as COMMAND INFO and error messages show them.
    if (sub.name.find('|') == std::string::npos) sub.name = spec.name + "|" + sub.name;
    sub.id = next_id_++;
    if (sub.group.empty()) sub.group = spec.group;
  }
  std::string key = spec.name;
  auto [it, inserted] = commands_.insert_or_assign(std::move(key), std::move(spec));
  (void)inserted;
  IndexInsert(&it->second);
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  // Lower-case into a stack buffer, hashing on the way: this runs once per request.
  char buf[32];
  if (name.size() > sizeof(buf) || index_.empty()) return nullptr;  // no name is that long
  uint64_t h = kFnvBasis;
  for (size_t i = 0; i < name.size(); ++i) {
    buf[i] = ToLower(name[i]);
    h = (h ^ static_cast<unsigned char>(buf[i])) * kFnvPrime;
  }
  const std::string_view lower(buf, name.size());
  const size_t mask = index_.size() - 1;
  for (size_t i = h & mask; index_[i].spec != nullptr; i = (i + 1) & mask) {
    if (index_[i].hash == h && index_[i].spec->name == lower) return index_[i].spec;
  }
  return nullptr;
}

const CommandSpec* CommandTable::FindSub(const CommandSpec& parent, std::string_view sub) const {
  const size_t prefix = parent.name.size() + 1;
  for (const CommandSpec& spec : parent.subcommands) {
    if (spec.name.size() > prefix &&
        EqualsNoCase(std::string_view(spec.name).substr(prefix), sub)) {
      return &spec;
    }
  }
  return nullptr;
}

KeySpec SingleKeySpec(int index, std::vector<std::string> flags) {
  KeySpec k;
  k.flags = std::move(flags);
  k.begin_index = index;
  return k;
}

KeySpec NumKeysSpec(int numkeys_index, std::vector<std::string> flags) {
  KeySpec k;
  k.flags = std::move(flags);
  k.begin_index = numkeys_index;
  k.keynum = true;
  return k;
}

KeySpec KeywordSpec(std::string keyword, int startfrom, std::vector<std::string> flags) {
  KeySpec k;
  k.flags = std::move(flags);
  k.keyword = std::move(keyword);
  k.keyword_startfrom = startfrom;
  k.last_key = -1;
  return k;
}

CommandSpec MakeCommandSpec(std::string name, int arity, uint32_t flags, KeyRange keys,
                            CommandHandler handler, std::string group, std::string summary,
                            std::string since, std::vector<std::string> acl, std::string complexity,
                            std::vector<std::string> tips) {
  CommandSpec spec;
  spec.name = std::move(name);
  spec.arity = arity;
  spec.flags = flags;
  spec.first_key = keys.first;
  spec.last_key = keys.last;
  spec.key_step = keys.step;
  spec.handler = handler;
  spec.group = std::move(group);
  spec.summary = std::move(summary);
  spec.since = std::move(since);
  spec.acl_categories = std::move(acl);
  spec.complexity = std::move(complexity);
  spec.tips = std::move(tips);
  return spec;
}

CommandSpec WithKeySpecs(CommandSpec spec, std::vector<KeySpec> key_specs) {
  spec.key_specs = std::move(key_specs);
  return spec;
}

namespace {

// Where a "keyword" spec's search finds its keyword, as Redis's getKeysUsingKeySpecs looks
// for it (from startfrom towards the end, or backwards down to argument 2); -1 = absent.
int64_t FindKeyword(const KeySpec& k, const protocol::Request& args) {
  const int64_t argc = static_cast<int64_t>(args.size());
  const int64_t start = k.keyword_startfrom > 0 ? k.keyword_startfrom : argc + k.keyword_startfrom;
  const int64_t end = k.keyword_startfrom > 0 ? argc - 1 : 1;
  for (int64_t i = start; i != end; i += start <= end ? 1 : -1) {
    if (i >= argc || i < 1) break;
    if (EqualsNoCase(args[i], k.keyword)) return i;
  }
  return -1;
}

bool IsIncomplete(const KeySpec& k) {
  return std::find(k.flags.begin(), k.flags.end(), "incomplete") != k.flags.end();
}

// Redis's getKeysUsingKeySpecs: false when a spec does not fit the arguments (a count that
// is not a number, negative, or reaches past the end) or an "incomplete" spec found keys,
// which makes Redis fall back.
bool KeysFromSpecs(const std::vector<KeySpec>& key_specs, const protocol::Request& args,
                   std::vector<size_t>* positions, std::vector<const KeySpec*>* specs) {
  const int64_t argc = static_cast<int64_t>(args.size());
  for (const KeySpec& k : key_specs) {
    int64_t begin = k.begin_index;
    if (!k.keyword.empty()) {
      const int64_t at = FindKeyword(k, args);
      if (at < 0) continue;
      begin = at + 1;
    }
    if (begin >= argc) return false;
    int64_t first = begin, last, step;
    if (k.keynum) {
      if (begin + k.keynum_index >= argc) return false;
      int64_t numkeys;
      if (!ParseInt64(args[begin + k.keynum_index], &numkeys) || numkeys < 0) return false;
      first += k.first_key;
      // Redis adds the count as an int: a count past 2^31 wraps as it does there.
      last = first + static_cast<int>(numkeys) - 1;
      step = k.key_step;
    } else {
      last = k.last_key >= 0 ? first + k.last_key : argc + k.last_key;
      step = k.key_step;
    }
    if (last >= argc || last < first || first >= argc) return false;
    for (int64_t i = first; i <= last; i += step) {
      positions->push_back(static_cast<size_t>(i));
      if (specs != nullptr) specs->push_back(&k);
    }
    if (IsIncomplete(k)) return false;
  }
  return true;
}

// Redis 7.0's genericGetKeys, the getkeys procedure of every numkeys command: the count is
// read with atoi (leading blanks, a sign and trailing junk pass; overflow wraps), the
// counted keys come first and the destination (a "range" spec's key) last.
void KeysFromNumKeysFallback(const std::vector<KeySpec>& key_specs, const protocol::Request& args,
                             std::vector<size_t>* positions, std::vector<const KeySpec*>* specs) {
  const KeySpec* counted = nullptr;
  const KeySpec* dest = nullptr;
  for (const KeySpec& k : key_specs)
    (k.keynum ? counted : dest) = &k;
  if (counted == nullptr) return;
  const int64_t argc = static_cast<int64_t>(args.size());
  const int64_t count_at = counted->begin_index + counted->keynum_index;
  const int64_t first = counted->begin_index + counted->first_key;
  if (count_at >= argc) return;
  const int num = static_cast<int>(std::strtol(args[count_at].c_str(), nullptr, 10));
  if (num < 1 || num > (argc - first) / counted->key_step) return;
  for (int i = 0; i < num; i++)
    positions->push_back(static_cast<size_t>(first + i * counted->key_step));
  if (dest != nullptr) positions->push_back(static_cast<size_t>(dest->begin_index));
  if (specs != nullptr) specs->assign(positions->size(), nullptr);
}

}  // namespace

std::vector<size_t> CommandTable::KeyPositions(const CommandSpec& spec,
                                               const protocol::Request& args,
                                               std::vector<const KeySpec*>* specs) {
  std::vector<size_t> positions;
  if (specs != nullptr) specs->clear();
  if (!spec.key_specs.empty()) {
    if (KeysFromSpecs(spec.key_specs, args, &positions, specs)) return positions;
    positions.clear();
    if (specs != nullptr) specs->clear();
    if (spec.find_keys != nullptr) {
      spec.find_keys(spec, args, &positions, specs);
      return positions;
    }
    KeysFromNumKeysFallback(spec.key_specs, args, &positions, specs);
    return positions;
  }
  if (spec.first_key <= 0) return positions;
  const int64_t argc = static_cast<int64_t>(args.size());
  const int64_t first = spec.first_key;
  // A negative last key counts from the end: -1 is the last argument, -2 the one before...
  const int64_t last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  const int64_t step = std::max(spec.key_step, 1);
  for (int64_t i = first; i <= last && i < argc; i += step) {
    positions.push_back(static_cast<size_t>(i));
  }
  return positions;
}

}  // namespace redrock::server
