#pragma once
// Names of the temporaries of atomic writes, and the removal of those left by dead processes.
// Internal to core/util/atomic_file*.cpp.
#include <string>

namespace headscope::core::atomic {

/// The parent folder of path ("." for a bare name) and its last component, without a trailing '/'.
struct SplitPath
{
    std::string dir;
    std::string name;
};
SplitPath splitPath(const std::string& path);

/// "<dir>/.<name>.headscope-<kind>-<pid>-<n>", n unique within this process.
std::string temporaryPath(const SplitPath& target, const std::string& kind);

/// Removes dir/.<name>.headscope-<kind>-<pid>-* whose process is gone; returns how many.
int removeStaleTemporaries(const SplitPath& target, const std::string& kind);

/// The stale "<kind>" temporary of target left by a dead process, or "" if there is none.
std::string findStaleTemporary(const SplitPath& target, const std::string& kind);

/// fsync of a folder, so that a rename inside it survives a power cut.
void syncDirectory(const std::string& dir);

} // namespace headscope::core::atomic
