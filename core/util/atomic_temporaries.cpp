#include "util/atomic_temporaries.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <signal.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace headscope::core::atomic {

namespace {

std::string prefixOf(const SplitPath& target, const std::string& kind)
{
    return "." + target.name + ".headscope-" + kind + "-";
}

// The pid in "<prefix><pid>-<n>", or -1 when the name has another shape.
long pidOf(const std::string& entry, const std::string& prefix)
{
    if (entry.compare(0, prefix.size(), prefix) != 0)
        return -1;
    const char* begin = entry.c_str() + prefix.size();
    char* end = nullptr;
    errno = 0;
    const long pid = std::strtol(begin, &end, 10);
    if (errno != 0 || end == begin || *end != '-' || pid <= 0)
        return -1;
    return pid;
}

// EPERM means the process exists under another user: alive.
bool processAlive(long pid)
{
    return ::kill(pid_t(pid), 0) == 0 || errno != ESRCH;
}

template <class Visit>
void forEachStale(const SplitPath& target, const std::string& kind, Visit&& visit)
{
    const std::string prefix = prefixOf(target, kind);
    std::error_code ec;
    for (fs::directory_iterator it(target.dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string entry = it->path().filename().string();
        const long pid = pidOf(entry, prefix);
        if (pid > 0 && !processAlive(pid))
            if (!visit(it->path()))
                return;
    }
}

} // namespace

SplitPath splitPath(const std::string& path)
{
    fs::path p(path);
    while (!p.empty() && !p.has_filename() && p.has_parent_path() && p != p.root_path())
        p = p.parent_path(); // "out/" -> "out"
    SplitPath split;
    split.name = p.filename().string();
    split.dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    return split;
}

std::string temporaryPath(const SplitPath& target, const std::string& kind)
{
    static std::atomic<unsigned> counter{0};
    return (fs::path(target.dir) / (prefixOf(target, kind) + std::to_string(::getpid()) + "-" +
                                    std::to_string(counter.fetch_add(1))))
        .string();
}

int removeStaleTemporaries(const SplitPath& target, const std::string& kind)
{
    int removed = 0;
    forEachStale(target, kind, [&](const fs::path& stale) {
        std::error_code ec;
        fs::remove_all(stale, ec);
        if (ec) {
            spdlog::warn("cannot remove the stale temporary {}: {}", stale.string(), ec.message());
        } else {
            spdlog::info("removed {}, left by an interrupted write", stale.string());
            ++removed;
        }
        return true;
    });
    return removed;
}

std::string findStaleTemporary(const SplitPath& target, const std::string& kind)
{
    std::string found;
    forEachStale(target, kind, [&](const fs::path& stale) {
        found = stale.string();
        return false;
    });
    return found;
}

void syncDirectory(const std::string& dir)
{
    // Best effort: the data are already synced, and some file systems refuse fsync on folders.
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

} // namespace headscope::core::atomic
