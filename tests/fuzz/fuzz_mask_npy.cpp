// Fuzzes the .npy mask reader (magic, version, header dict, shape, dtype, data length).
#include "mask_checks.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace headscope::core;
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    auto set = maskFromNpy(bytes, "fuzz/mask.npy");
    if (set)
        headscope::fuzz::useMaskSet(*set);
    return 0;
}
