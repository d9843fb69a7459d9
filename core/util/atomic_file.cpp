#include "util/atomic_file.h"

#include "util/atomic_file_writer.h"
#include "util/atomic_temporaries.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <ostream>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace headscope::core {

namespace {

const char* const kPartialKind = "partial";
const char* const kOldKind = "old";

// A kill between the two renames of the fallback swap leaves the target missing and the old
// folder aside: put it back before anything else.
void restoreInterruptedSwap(const std::string& dir, const atomic::SplitPath& target)
{
    std::error_code ec;
    if (fs::exists(dir, ec))
        return;
    const std::string old = atomic::findStaleTemporary(target, kOldKind);
    if (old.empty())
        return;
    if (::rename(old.c_str(), dir.c_str()) == 0)
        spdlog::warn("restored {} from {}, left by an interrupted write", dir, old);
}

// Swaps the complete new folder into place. RENAME_EXCHANGE does it in one step; file systems
// without it get two renames, with a short window in which dir is missing (restored by the
// next write if we die in it).
void swapIntoPlace(const std::string& partial, const std::string& dir, const atomic::SplitPath& target)
{
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) {
        if (::rename(partial.c_str(), dir.c_str()) != 0)
            fail(ErrorCode::Runtime, std::string("cannot create the folder: ") + std::strerror(errno), dir);
        return;
    }
    if (!S_ISDIR(st.st_mode))
        fail(ErrorCode::InvalidArgument, "cannot replace it by a folder: it is a file", dir);
    if (::renameat2(AT_FDCWD, partial.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) == 0) {
        std::error_code ec;
        fs::remove_all(partial, ec); // now the old folder
        if (ec)
            spdlog::warn("cannot remove the previous content of {} ({}): {}", dir, partial, ec.message());
        return;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        fail(ErrorCode::Runtime, std::string("cannot replace the folder: ") + std::strerror(errno), dir);
    const std::string old = atomic::temporaryPath(target, kOldKind);
    if (::rename(dir.c_str(), old.c_str()) != 0)
        fail(ErrorCode::Runtime, std::string("cannot replace the folder: ") + std::strerror(errno), dir);
    if (::rename(partial.c_str(), dir.c_str()) != 0) {
        const int err = errno;
        ::rename(old.c_str(), dir.c_str());
        fail(ErrorCode::Runtime, std::string("cannot replace the folder: ") + std::strerror(err), dir);
    }
    std::error_code ec;
    fs::remove_all(old, ec);
    if (ec)
        spdlog::warn("cannot remove the previous content of {} ({}): {}", dir, old, ec.message());
}

} // namespace

Result<bool> writeFileAtomically(const std::string& path, const FileFill& fill)
{
    AtomicFileWriter writer(path); // discards the temporary on every early return or exception
    return captureResult([&]() -> bool {
        if (auto opened = writer.open(); !opened)
            throw ErrorException(opened.error());
        if (auto filled = fill(writer.stream()); !filled)
            throw ErrorException(filled.error());
        if (auto committed = writer.commit(); !committed)
            throw ErrorException(committed.error());
        return true;
    });
}

Result<bool> writeFileAtomically(const std::string& path, std::string_view bytes)
{
    return writeFileAtomically(path, [bytes](std::ostream& out) -> Result<bool> {
        out.write(bytes.data(), std::streamsize(bytes.size()));
        return true;
    });
}

Result<bool> writeDirectoryAtomically(const std::string& dir, const DirectoryFill& fill)
{
    const atomic::SplitPath target = atomic::splitPath(dir);
    std::string partial;
    auto result = captureResult([&]() -> bool {
        if (target.name.empty() || target.name == "." || target.name == "..")
            fail(ErrorCode::InvalidArgument, "not a folder name", dir);
        std::error_code ec;
        fs::create_directories(target.dir, ec);
        if (ec)
            fail(ErrorCode::Runtime, "cannot create the folder: " + ec.message(), target.dir);
        restoreInterruptedSwap(dir, target);
        atomic::removeStaleTemporaries(target, kPartialKind);
        atomic::removeStaleTemporaries(target, kOldKind);

        partial = atomic::temporaryPath(target, kPartialKind);
        if (::mkdir(partial.c_str(), 0777) != 0)
            fail(ErrorCode::Runtime, std::string("cannot create the folder: ") + std::strerror(errno), dir);
        struct stat st {};
        if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
            ::chmod(partial.c_str(), st.st_mode & 07777);
        if (auto filled = fill(partial); !filled)
            throw ErrorException(filled.error());
        atomic::syncDirectory(partial);
        swapIntoPlace(partial, dir, target);
        partial.clear();
        atomic::syncDirectory(target.dir);
        return true;
    });
    if (!partial.empty()) {
        std::error_code ec;
        fs::remove_all(partial, ec);
    }
    return result;
}

bool isAtomicWriteTemporary(const std::string& name)
{
    if (name.empty() || name[0] != '.')
        return false;
    for (const char* kind : {".headscope-tmp-", ".headscope-partial-", ".headscope-old-"})
        if (name.find(kind) != std::string::npos)
            return true;
    return false;
}

} // namespace headscope::core
