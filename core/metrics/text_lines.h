#pragma once
// Text files read as the sacrebleu command reads them.
#include "util/result.h"

#include <string>
#include <vector>

namespace headscope::core {

/// UTF-8 lines split on '\n' only, each with trailing whitespace removed (Python's
/// str.rstrip()); a final line without '\n' counts, an empty file has no lines. Invalid UTF-8
/// is an error naming the file and the line; a byte-order mark is kept, as Python's "utf-8".
Result<std::vector<std::string>> readTextLines(const std::string& path);

/// Python's str.rstrip() on UTF-8 text.
std::string rstripUnicode(std::string_view text);

} // namespace headscope::core
