#include "util/atomic_file_writer.h"

#include "util/atomic_temporaries.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <ostream>
#include <streambuf>
#include <sys/stat.h>
#include <unistd.h>

namespace headscope::core {

namespace {

const char* const kTempKind = "tmp";

// A stream buffer over a file descriptor that remembers the first write error (errno), so that
// the caller can name it ("No space left on device", "File too large").
class FdOutputBuffer : public std::streambuf
{
public:
    explicit FdOutputBuffer(int fd) : m_fd(fd) { setp(m_buffer, m_buffer + sizeof m_buffer); }
    int error() const { return m_errno; }

protected:
    int_type overflow(int_type ch) override
    {
        if (!flushBuffer())
            return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }

    std::streamsize xsputn(const char* s, std::streamsize n) override
    {
        if (n <= epptr() - pptr()) {
            std::memcpy(pptr(), s, size_t(n));
            pbump(int(n));
            return n;
        }
        if (!flushBuffer() || !writeAll(s, size_t(n)))
            return 0;
        return n;
    }

    int sync() override { return flushBuffer() ? 0 : -1; }

private:
    bool flushBuffer()
    {
        const size_t n = size_t(pptr() - pbase());
        setp(m_buffer, m_buffer + sizeof m_buffer);
        return writeAll(m_buffer, n);
    }

    bool writeAll(const char* data, size_t n)
    {
        if (m_errno != 0)
            return false;
        while (n > 0) {
            const ssize_t written = ::write(m_fd, data, n);
            if (written < 0) {
                if (errno == EINTR)
                    continue;
                m_errno = errno;
                return false;
            }
            data += written;
            n -= size_t(written);
        }
        return true;
    }

    int m_fd;
    int m_errno = 0;
    char m_buffer[64 * 1024];
};

Error writeError(const std::string& path, const std::string& what, int errnoValue)
{
    return Error{ErrorCode::Runtime, what + ": " + std::strerror(errnoValue), path, {}};
}

} // namespace

struct AtomicFileWriter::Impl
{
    std::string path;
    atomic::SplitPath target;
    int fd = -1;
    bool unnamed = false;   // O_TMPFILE: the kernel frees it if we die before commit
    std::string namedTemp;  // the temporary's name once it has one
    std::unique_ptr<FdOutputBuffer> buffer;
    std::unique_ptr<std::ostream> stream;

    void closeFd()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }

    void removeNamedTemp()
    {
        if (!namedTemp.empty())
            ::unlink(namedTemp.c_str());
        namedTemp.clear();
    }
};

AtomicFileWriter::AtomicFileWriter(std::string path) : m_impl(std::make_unique<Impl>())
{
    m_impl->path = std::move(path);
    m_impl->target = atomic::splitPath(m_impl->path);
}

AtomicFileWriter::~AtomicFileWriter() { discard(); }

const std::string& AtomicFileWriter::path() const { return m_impl->path; }

Result<bool> AtomicFileWriter::open()
{
    Impl& d = *m_impl;
    discard();
    if (d.target.name.empty() || d.target.name == "." || d.target.name == "..")
        return Error{ErrorCode::InvalidArgument, "not a file name", d.path, {}};
    struct stat targetStat {};
    const bool exists = ::stat(d.path.c_str(), &targetStat) == 0;
    if (exists && S_ISDIR(targetStat.st_mode))
        return Error{ErrorCode::InvalidArgument, "cannot write the file: it is a folder", d.path, {}};
    atomic::removeStaleTemporaries(d.target, kTempKind);

    // Mode 0666 less the umask for a new file, like std::ofstream.
    d.fd = ::open(d.target.dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    d.unnamed = d.fd >= 0;
    if (d.fd < 0) {
        if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
            return writeError(d.path, "cannot write the file", errno);
        // No O_TMPFILE on this file system: a named temporary (removed by the next write if we die).
        d.namedTemp = atomic::temporaryPath(d.target, kTempKind);
        d.fd = ::open(d.namedTemp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (d.fd < 0) {
            const int err = errno;
            d.namedTemp.clear();
            return writeError(d.path, "cannot write the file", err);
        }
    }
    if (exists && ::fchmod(d.fd, targetStat.st_mode & 07777) != 0) {
        const int err = errno;
        discard();
        return writeError(d.path, "cannot keep the file's permissions", err);
    }
    d.buffer = std::make_unique<FdOutputBuffer>(d.fd);
    d.stream = std::make_unique<std::ostream>(d.buffer.get());
    return true;
}

std::ostream& AtomicFileWriter::stream()
{
    if (!m_impl->stream)
        throw ErrorException(Error{ErrorCode::Runtime, "the file is not open for writing", m_impl->path, {}});
    return *m_impl->stream;
}

Result<bool> AtomicFileWriter::commit()
{
    Impl& d = *m_impl;
    if (!d.stream)
        return Error{ErrorCode::Runtime, "the file is not open for writing", d.path, {}};
    d.stream->flush();
    if (d.buffer->error() != 0 || !*d.stream) {
        const int err = d.buffer->error() != 0 ? d.buffer->error() : EIO;
        discard();
        return writeError(d.path, "cannot write the file", err);
    }
    if (::fsync(d.fd) != 0) {
        const int err = errno;
        discard();
        return writeError(d.path, "cannot write the file", err);
    }
    if (d.unnamed) {
        // Give the unnamed file a name next to the target (rename needs one). /proc/self/fd
        // works without the CAP_DAC_READ_SEARCH that linkat(AT_EMPTY_PATH) needs.
        const std::string fdPath = "/proc/self/fd/" + std::to_string(d.fd);
        for (int attempt = 0; d.namedTemp.empty(); ++attempt) {
            const std::string name = atomic::temporaryPath(d.target, kTempKind);
            if (::linkat(AT_FDCWD, fdPath.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
                d.namedTemp = name;
            } else if (errno != EEXIST || attempt > 100) {
                const int err = errno;
                discard();
                return writeError(d.path, "cannot write the file", err);
            }
        }
    }
    if (::close(d.fd) != 0) {
        const int err = errno;
        d.fd = -1;
        discard();
        return writeError(d.path, "cannot write the file", err);
    }
    d.fd = -1;
    if (::rename(d.namedTemp.c_str(), d.path.c_str()) != 0) {
        const int err = errno;
        discard();
        return writeError(d.path, "cannot replace the file", err);
    }
    d.namedTemp.clear();
    d.stream.reset();
    d.buffer.reset();
    atomic::syncDirectory(d.target.dir);
    return true;
}

void AtomicFileWriter::discard()
{
    Impl& d = *m_impl;
    d.stream.reset();
    d.buffer.reset();
    d.closeFd();
    d.removeNamedTemp();
    d.unnamed = false;
}

} // namespace headscope::core
