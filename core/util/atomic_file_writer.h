#pragma once
// AtomicFileWriter: writes a file so that readers, and a crash, see either the old content or
// the complete new one, never a part. Most callers want writeFileAtomically (atomic_file.h).
//
//   AtomicFileWriter writer(path);
//   if (auto opened = writer.open(); !opened) return opened;
//   writer.stream() << text;
//   return writer.commit();          // without commit() the destructor discards the write
#include "util/result.h"

#include <iosfwd>
#include <memory>
#include <string>

namespace headscope::core {

class AtomicFileWriter
{
public:
    explicit AtomicFileWriter(std::string path);
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    /// Creates the temporary next to the target (removing stale ones left by dead processes).
    Result<bool> open();
    /// The stream to write into; valid between open() and commit()/discard().
    std::ostream& stream();
    /// Flushes and syncs the temporary, renames it over the target and syncs the folder.
    Result<bool> commit();
    /// Drops the temporary; the target is left as it was.
    void discard();

    const std::string& path() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace headscope::core
