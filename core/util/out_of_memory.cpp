#include "util/out_of_memory.h"

#include <regex>

namespace headscope::core {

namespace {

// The first capture of pattern in text, or "?" when torch's wording changed.
std::string capture(const std::string& text, const std::regex& pattern)
{
    std::smatch match;
    return std::regex_search(text, match, pattern) ? match[1].str() : std::string("?");
}

std::string firstLine(const std::string& text)
{
    return text.substr(0, text.find('\n'));
}

// The start of every GPU out-of-memory message below; isGpuOutOfMemory looks for it.
const char* const kGpuPrefix = "the job does not fit in GPU memory";

} // namespace

std::optional<Error> outOfMemoryError(const std::string& what)
{
    if (what.find("CUDA out of memory") != std::string::npos) {
        // torch 1.x: "Tried to allocate 2.00 GiB (GPU 0; ...; 1.20 GiB free; ...)";
        // torch 2.x: "... GPU 0 has a total capacity of 79.15 GiB of which 1.20 GiB is free."
        static const std::regex need(R"(Tried to allocate ([0-9.]+ ?[KMGT]?i?B))");
        static const std::regex freeNew(R"(of which ([0-9.]+ ?[KMGT]?i?B) is free)");
        static const std::regex freeOld(R"(([0-9.]+ ?[KMGT]?i?B) free)");
        std::string freeBytes = capture(what, freeNew);
        if (freeBytes == "?")
            freeBytes = capture(what, freeOld);
        return Error{ErrorCode::OutOfMemory,
                     std::string(kGpuPrefix) + " (need " + capture(what, need) + ", free " + freeBytes +
                         "); run it on the CPU",
                     {}, firstLine(what)};
    }
    if (what.find("CUBLAS_STATUS_ALLOC_FAILED") != std::string::npos) {
        // cuBLAS could not allocate its handle or workspace: the caching allocator had taken
        // what was left of the GPU ("CUDA error: CUBLAS_STATUS_ALLOC_FAILED when calling cublasCreate").
        return Error{ErrorCode::OutOfMemory,
                     std::string(kGpuPrefix) + " (cuBLAS could not allocate its workspace); run it on the CPU", {},
                     firstLine(what)};
    }
    if (what.find("can't allocate memory") != std::string::npos) {
        // DefaultCPUAllocator: "can't allocate memory: you tried to allocate 123 bytes. Error code 12 ..."
        static const std::regex need(R"(tried to allocate ([0-9]+) bytes)");
        return Error{ErrorCode::OutOfMemory,
                     "the job does not fit in memory (need " + capture(what, need) + " bytes more)", {},
                     firstLine(what)};
    }
    return std::nullopt;
}

bool isGpuOutOfMemory(const Error& error)
{
    return error.code == ErrorCode::OutOfMemory && error.message.rfind(kGpuPrefix, 0) == 0;
}

} // namespace headscope::core
