#include "util/memory_budget.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace headscope::core {

namespace {

std::string readSmallFile(const char* path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<int64_t> parseBytes(const std::string& text)
{
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    const long long value = std::strtoll(begin, &end, 10);
    if (end == begin || errno != 0 || value < 0)
        return std::nullopt; // also "max": no limit
    return int64_t(value);
}

std::optional<int64_t> memAvailableBytes(const std::string& meminfo)
{
    std::istringstream lines(meminfo);
    std::string key;
    long long kib = 0;
    std::string unit;
    while (lines >> key >> kib) {
        std::getline(lines, unit);
        if (key == "MemAvailable:")
            return int64_t(kib) * 1024;
    }
    return std::nullopt;
}

} // namespace

std::optional<int64_t> availableMemoryBytes(const std::string& meminfo, const std::string& cgroupMax,
                                            const std::string& cgroupCurrent)
{
    std::optional<int64_t> available = memAvailableBytes(meminfo);
    const auto limit = parseBytes(cgroupMax);
    if (limit) {
        const int64_t used = parseBytes(cgroupCurrent).value_or(0);
        const int64_t room = used < *limit ? *limit - used : 0;
        if (!available || room < *available)
            available = room;
    }
    return available;
}

std::optional<int64_t> availableMemoryBytes()
{
    return availableMemoryBytes(readSmallFile("/proc/meminfo"), readSmallFile("/sys/fs/cgroup/memory.max"),
                                readSmallFile("/sys/fs/cgroup/memory.current"));
}

std::string formatBytes(int64_t bytes)
{
    const double b = double(bytes);
    char text[32];
    if (b >= 1e8) // 0.1 GB and up, so that two sizes in one message share a unit
        std::snprintf(text, sizeof text, "%.1f GB", b / 1e9);
    else if (b >= 1e6)
        std::snprintf(text, sizeof text, "%.0f MB", b / 1e6);
    else if (b >= 1e3)
        std::snprintf(text, sizeof text, "%.0f kB", b / 1e3);
    else
        std::snprintf(text, sizeof text, "%lld B", static_cast<long long>(bytes));
    return text;
}

Result<bool> checkMemoryNeed(const std::string& file, int64_t neededBytes, const std::string& how)
{
    std::optional<int64_t> available;
    if (const char* knob = std::getenv(kMemoryLimitEnv); knob && *knob)
        available = parseBytes(knob);
    else
        available = availableMemoryBytes();
    if (!available || neededBytes <= *available)
        return true;
    return Error{ErrorCode::OutOfMemory,
                 "needs " + formatBytes(neededBytes) + " " + how + ", only " + formatBytes(*available) +
                     " of memory is available",
                 file, {}};
}

} // namespace headscope::core
