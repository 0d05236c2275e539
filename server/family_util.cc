// Helpers shared by the server/ command families.
#include "server/families.h"

namespace redrock::server {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool ValidClientName(std::string_view name) {
  for (char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

void ReplyHelp(protocol::ReplyWriter& w, std::string_view command,
               const std::vector<std::string_view>& lines) {
  std::string upper(command);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  w.ArrayHeader(lines.size() + 3);
  w.SimpleString(upper + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines)
    w.SimpleString(line);
  w.SimpleString("HELP");
  w.SimpleString("    Prints this help.");
}

}  // namespace redrock::server
