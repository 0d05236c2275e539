// Every command family's registration block, in one place: adding a family means one line
// here and one declaration in command.h.
#include "server/command.h"

namespace redrock::server {

void RegisterAllCommands(CommandTable* table) {
  RegisterConnectionCommands(table);
  RegisterServerCommands(table);
  RegisterStringCommands(table);
  RegisterKeyCommands(table);
  RegisterMultiCommands(table);
  RegisterPubSubCommands(table);
  RegisterHashCommands(table);
  RegisterSetCommands(table);
  RegisterListCommands(table);
  RegisterZSetCommands(table);
  RegisterDumpCommands(table);
  RegisterMigrateCommand(table);
  RegisterSnapshotCommands(table);
  RegisterSlowLogCommand(table);
  RegisterSortCommands(table);
}

}  // namespace redrock::server
