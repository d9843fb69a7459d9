#pragma once
// Process-level settings that must be in place before LibTorch's OpenMP runtime and OpenBLAS
// start.
#include <string>

namespace headscope::core {

/// libgomp's worker threads spin for a long time between parallel regions by default; with
/// OpenBLAS's own threads (or a second process) on the same 2 cores that spinning made
/// evaluations up to 10x slower here. libgomp reads OMP_WAIT_POLICY only when it is loaded, so
/// when the variable is unset this sets it to PASSIVE and re-executes the program with the same
/// arguments. Call it first thing in main(); it returns normally when nothing needs doing or the
/// re-exec is impossible.
/// In the same re-exec: when OpenBLAS fell back to pre-AVX2 kernels (Prescott, ...) on a CPU
/// with AVX2 and FMA (OpenBLAS 0.3.21 does not recognise some recent CPUs), OPENBLAS_CORETYPE
/// is set to Haswell, whose kernels need just those; an OPENBLAS_CORETYPE already set is kept.
void ensurePassiveOpenMpWait(int argc, char** argv);

/// Caps glibc's malloc arenas at n (mallopt M_ARENA_MAX). By default glibc gives each thread
/// that allocates (job runner, OpenMP and OpenBLAS threads) an arena of its own, up to 8 per
/// core, and pages freed in them stay with the process: over about 5,000 actions of the GUI
/// soak, in the same state at both readings, resident memory grew 6.1% with the default arenas
/// and fell 1.3% with two. For long-running processes (the GUI); call it before threads start.
void limitMallocArenas(int n);

/// "Haswell kernels" (with what OpenBLAS had chosen when the line above overrode it); empty
/// when the BLAS is not OpenBLAS.
std::string blasKernelNote();

} // namespace headscope::core
