#pragma once
// Ctrl-C handling: the first SIGINT sets a flag that the progress callbacks read (the core then
// stops with Cancelled); a second one ends the process at once.

namespace headscope::cli {

/// Installs the SIGINT handler.
void installInterruptHandler();
/// True once Ctrl-C was pressed.
bool interrupted();
/// Throws a Cancelled core error when Ctrl-C was pressed (for steps without progress callbacks).
void throwIfInterrupted();

} // namespace headscope::cli
