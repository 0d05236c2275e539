// Command table: registration, case-insensitive lookup and key positions.
#include "server/command.h"

#include <algorithm>

namespace redrock::server {

namespace {

char ToLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

void LowerInPlace(std::string* s) {
  for (char& c : *s)
    c = ToLower(c);
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
  index_.clear();
  for (const auto& [name, spec] : commands_)
    index_[name] = &spec;
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
  index_[it->first] = &it->second;
}

const CommandSpec* CommandTable::Find(std::string_view name) const {
  // Lower-case into a stack buffer: this runs once per request.
  char buf[32] = {};
  if (name.size() > sizeof(buf)) return nullptr;  // no command name is that long
  for (size_t i = 0; i < name.size(); ++i)
    buf[i] = ToLower(name[i]);
  auto it = index_.find(std::string_view(buf, name.size()));
  return it == index_.end() ? nullptr : it->second;
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

std::vector<size_t> CommandTable::KeyPositions(const CommandSpec& spec,
                                               const protocol::Request& args) {
  std::vector<size_t> positions;
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
