#pragma once
// How much memory a load may still take, and the one check that refuses a load that would not
// fit before anything is allocated.
//
//   auto fits = checkMemoryNeed("model.safetensors", neededBytes, "in float32");
//   if (!fits) return fits.error();   // "model.safetensors: needs 1.4 GB in float32, only 0.9 GB ..."
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace headscope::core {

/// Operations and test knob: when set to a byte count it replaces the measured available memory.
inline constexpr const char* kMemoryLimitEnv = "HEADSCOPE_MEMORY_LIMIT_BYTES";

/// Bytes that can still be allocated: MemAvailable (/proc/meminfo), lowered to the room left
/// under the cgroup v2 limit (memory.max - memory.current); nullopt when neither can be read.
std::optional<int64_t> availableMemoryBytes();

/// The same from given file contents (empty = absent), so the parsing can be tested.
std::optional<int64_t> availableMemoryBytes(const std::string& meminfo, const std::string& cgroupMax,
                                            const std::string& cgroupCurrent);

/// "1.4 GB", "0.9 GB", "85 MB", "12 kB", "512 B" (decimal units, as file managers show sizes).
std::string formatBytes(int64_t bytes);

/// An OutOfMemory error naming file and both sizes when neededBytes exceeds what is available
/// (HEADSCOPE_MEMORY_LIMIT_BYTES if set, else availableMemoryBytes()); true otherwise.
Result<bool> checkMemoryNeed(const std::string& file, int64_t neededBytes, const std::string& how);

} // namespace headscope::core
