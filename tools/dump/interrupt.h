// Ctrl-C and SIGTERM for the dump tools: the first signal only raises a flag, so the work
// stops at its next check and removes its temporary files; a second signal ends the process
// at once.
#pragma once

namespace redrock::dump {

// Installs the handler for SIGINT, SIGTERM and SIGHUP.
void InstallInterruptHandler();
// True once a signal arrived.
bool Interrupted();

}  // namespace redrock::dump
