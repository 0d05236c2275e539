// Registration blocks of the server/ families that RegisterConnectionCommands and
// RegisterServerCommands pull in, plus small helpers they share. Internal to server/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/hash_type.h"
#include "engine/set_type.h"
#include "engine/zset_type.h"
#include "server/command.h"

namespace redrock::server {

void RegisterClientCommands(CommandTable* table);   // server/client_family.cc
void RegisterConfigCommands(CommandTable* table);   // server/config_family.cc
void RegisterCommandCommands(CommandTable* table);  // server/command_family.cc
void RegisterInfoCommand(CommandTable* table);      // server/info.cc

class Server;
class Config;

// Encoding limits for hash, set and sorted set writes, from the configuration
// (server/hash_family.cc, server/set_family.cc, server/zset_family.cc).
engine::HashEncodingLimits HashLimits(const Config& config);
engine::SetEncodingLimits SetLimits(const Config& config);
engine::ZSetLimits ZSetLimits(const Config& config);

// The INFO text for the requested sections (none = the default sections).
std::string GenerateInfo(Server& server, const std::vector<std::string>& sections);

// True when a and b are equal ignoring ASCII case.
bool EqualsNoCase(std::string_view a, std::string_view b);

// Client names (and library names) are printable ASCII without spaces.
bool ValidClientName(std::string_view name);

// Replies with a HELP text: the first line names the command, then one entry per line, as
// Redis's addReplyHelp does ("CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:").
void ReplyHelp(protocol::ReplyWriter& w, std::string_view command,
               const std::vector<std::string_view>& lines);

}  // namespace redrock::server
