#pragma once
// Turns LibTorch's out-of-memory reports (c10::OutOfMemoryError and the CPU allocator's error,
// caught as std::exception by captureResult) into ErrorCode::OutOfMemory errors that say what
// to do. Torch-free: it reads the exception's message.
//
//   catch (const std::exception& e) {
//       if (auto oom = outOfMemoryError(e.what())) return *oom;   // "... run it on the CPU"
//   }
#include "util/error.h"

#include <optional>
#include <string>

namespace headscope::core {

/// The OutOfMemory error for an out-of-memory message from LibTorch, nullopt for other messages.
/// CUDA: "the job does not fit in GPU memory (need 2.00 GiB, free 1.20 GiB); run it on the CPU".
std::optional<Error> outOfMemoryError(const std::string& what);

/// True for an error of outOfMemoryError that came from the GPU (CUDA's caching allocator or a
/// cuBLAS workspace): the job ran on a GPU, and the CPU may still run it.
bool isGpuOutOfMemory(const Error& error);

} // namespace headscope::core
