#pragma once
// Process-level settings that must be in place before LibTorch's OpenMP runtime starts.

namespace headscope::core {

/// libgomp's worker threads spin for a long time between parallel regions by default; with
/// OpenBLAS's own threads (or a second process) on the same 2 cores that spinning made
/// evaluations up to 10x slower here. libgomp reads OMP_WAIT_POLICY only when it is loaded, so
/// when the variable is unset this sets it to PASSIVE and re-executes the program with the same
/// arguments. Call it first thing in main(); it returns normally when nothing needs doing or the
/// re-exec is impossible.
void ensurePassiveOpenMpWait(int argc, char** argv);

} // namespace headscope::core
