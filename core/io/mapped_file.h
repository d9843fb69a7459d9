#pragma once
// Read-only POSIX memory mapping of a whole file (private helper of the readers in core/io).
#include <cstddef>
#include <string>

namespace headscope::core {

class MappedFile
{
public:
    /// Maps the file read-only; throws ErrorException (FileNotFound, InvalidFile) on failure.
    /// An empty file gives size() == 0 and data() == nullptr (mmap cannot map 0 bytes).
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::byte* data() const { return m_data; }
    size_t size() const { return m_size; }

private:
    const std::byte* m_data = nullptr;
    size_t m_size = 0;
};

} // namespace headscope::core
