#pragma once
// Atomic writes of files and folders, used by every writer in core/ and app/: after a crash, a
// kill -9 or a full disk the target holds its old content or the complete new one, and no
// temporary is left behind (details and the folder swap's limits: docs/reliability.md).
//
//   auto written = writeFileAtomically(path, [&](std::ostream& out) -> Result<bool> {
//       out << text;
//       return true;                  // an Error here abandons the write
//   });
//   if (!written) show(written.error().toString());   // "x.json: cannot write the file: No space left on device"
#include "util/result.h"

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace headscope::core {

/// Writes a file's content; returning an Error (or throwing) abandons the write.
using FileFill = std::function<Result<bool>(std::ostream& out)>;
/// Fills a folder given its temporary path.
using DirectoryFill = std::function<Result<bool>(const std::string& dir)>;

/// Replaces path with what fill writes, atomically; on any error the old file is untouched.
Result<bool> writeFileAtomically(const std::string& path, const FileFill& fill);

/// Replaces path with bytes, atomically.
Result<bool> writeFileAtomically(const std::string& path, std::string_view bytes);

/// Replaces the folder dir with what fill writes into a sibling temporary folder.
Result<bool> writeDirectoryAtomically(const std::string& dir, const DirectoryFill& fill);

/// True when name is a temporary of writeFileAtomically or writeDirectoryAtomically.
bool isAtomicWriteTemporary(const std::string& name);

} // namespace headscope::core
