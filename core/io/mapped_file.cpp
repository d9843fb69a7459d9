#include "io/mapped_file.h"

#include "util/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace headscope::core {

namespace {

// Closes the descriptor on every path out of the constructor; the mapping outlives it.
struct FdGuard
{
    int fd = -1;
    ~FdGuard()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

MappedFile::MappedFile(const std::string& path)
{
    FdGuard guard;
    guard.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (guard.fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            fail(ErrorCode::FileNotFound, "file not found", path);
        fail(ErrorCode::InvalidFile, "cannot open file", path, std::strerror(err));
    }
    struct stat st {};
    if (::fstat(guard.fd, &st) != 0)
        fail(ErrorCode::InvalidFile, "cannot stat file", path, std::strerror(errno));
    if (!S_ISREG(st.st_mode))
        fail(ErrorCode::InvalidFile, "not a regular file", path);
    m_size = static_cast<size_t>(st.st_size);
    if (m_size == 0)
        return;
    void* addr = ::mmap(nullptr, m_size, PROT_READ, MAP_SHARED, guard.fd, 0);
    if (addr == MAP_FAILED)
        fail(ErrorCode::InvalidFile, "cannot memory-map file", path, std::strerror(errno));
    m_data = static_cast<const std::byte*>(addr);
}

MappedFile::~MappedFile()
{
    if (m_data)
        ::munmap(const_cast<std::byte*>(m_data), m_size);
}

} // namespace headscope::core
