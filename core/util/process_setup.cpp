#include "util/process_setup.h"

#include <cstdlib>
#include <unistd.h>

namespace headscope::core {

void ensurePassiveOpenMpWait(int argc, char** argv)
{
    (void)argc;
    if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("HEADSCOPE_NO_REEXEC") != nullptr)
        return;
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    // A second exec could only happen if the variable did not survive; guard anyway.
    setenv("HEADSCOPE_NO_REEXEC", "1", 1);
    execv("/proc/self/exe", argv);
    // exec failed (no /proc?): carry on with the default policy.
}

} // namespace headscope::core
