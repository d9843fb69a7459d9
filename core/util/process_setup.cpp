#include "util/process_setup.h"

#include <dlfcn.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <strings.h>
#include <unistd.h>

namespace headscope::core {

namespace {

// OpenBLAS's kernels for this CPU, by name ("Haswell", "SkylakeX", "Prescott", ...); empty when
// libblas.so.3 is not OpenBLAS.
std::string openBlasCoreName()
{
    using CoreName = char* (*)();
    const auto fn = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    const char* name = fn ? fn() : nullptr;
    return name ? std::string(name) : std::string();
}

// OpenBLAS 0.3.21 (Debian 12) does not know some recent CPUs (virtualised Xeons among them) and
// falls back to its Prescott (SSE3) kernels although the CPU has AVX2 and FMA: matrix products
// then run at a third to a half of the speed. Its Haswell kernels need exactly AVX2 and FMA.
bool openBlasMissesAvx2()
{
#if defined(__x86_64__) || defined(__i386__)
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return false;
#else
    return false; // the kernel names below are x86's
#endif
    const std::string core = openBlasCoreName();
    for (const char* old : {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Katmai",
                            "Coppermine", "Northwood", "Banias", "Atom"})
        if (strcasecmp(core.c_str(), old) == 0)
            return true;
    return false;
}

} // namespace

void ensurePassiveOpenMpWait(int argc, char** argv)
{
    (void)argc;
    if (std::getenv("HEADSCOPE_NO_REEXEC") != nullptr)
        return;
    bool changed = false;
    if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        changed = true;
    }
    if (std::getenv("OPENBLAS_CORETYPE") == nullptr && openBlasMissesAvx2()) {
        setenv("OPENBLAS_CORETYPE", "Haswell", 1);
        setenv("HEADSCOPE_OPENBLAS_CORE_FROM", openBlasCoreName().c_str(), 1); // for the speed check's log
        changed = true;
    }
    if (!changed)
        return;
    // A second exec could only happen if the variables did not survive; guard anyway.
    setenv("HEADSCOPE_NO_REEXEC", "1", 1);
    execv("/proc/self/exe", argv);
    // exec failed (no /proc?): carry on with the defaults.
}

void limitMallocArenas(int n)
{
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, n);
#else
    (void)n;
#endif
}

std::string blasKernelNote()
{
    const std::string core = openBlasCoreName();
    if (core.empty())
        return {};
    const char* from = std::getenv("HEADSCOPE_OPENBLAS_CORE_FROM");
    return from && *from ? core + " kernels (OpenBLAS chose " + std::string(from) +
                               " on this AVX2 CPU; set OPENBLAS_CORETYPE to choose)"
                         : core + " kernels";
}

} // namespace headscope::core
