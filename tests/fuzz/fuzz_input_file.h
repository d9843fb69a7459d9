#pragma once
// A scratch file holding the current fuzz input, for parsers whose public API takes a path
// (they map or stream the file themselves, and that reading is part of what is fuzzed).
// One per process and suffix; /dev/shm keeps the per-input write off the disk.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace headscope::fuzz {

class FuzzInputFile
{
public:
    explicit FuzzInputFile(const std::string& suffix)
    {
        const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        m_path = std::string(dir) + "/headscope-fuzz-" + std::to_string(getpid()) + suffix;
    }
    ~FuzzInputFile() { std::remove(m_path.c_str()); }
    FuzzInputFile(const FuzzInputFile&) = delete;
    FuzzInputFile& operator=(const FuzzInputFile&) = delete;

    /// Replaces the file's content with the input; returns its path.
    const std::string& write(const uint8_t* data, size_t size)
    {
        std::FILE* f = std::fopen(m_path.c_str(), "wb");
        if (!f)
            std::abort(); // the harness cannot work without its scratch file
        if (size > 0 && std::fwrite(data, 1, size, f) != size)
            std::abort();
        std::fclose(f);
        return m_path;
    }

private:
    std::string m_path;
};

} // namespace headscope::fuzz
