#pragma once
// A bound on the nesting of JSON text, checked before parsing. nlohmann parses any depth, but
// copying or dumping a value (as error messages and readers do) recurses once per level: a
// few hundred kilobytes of "[[[[..." would overflow the stack. HeadScope's and Hugging Face's
// files nest a few levels; the limit is far above that.
#include <string>
#include <string_view>

namespace headscope::core {

/// The deepest nesting any JSON reader accepts.
constexpr int kMaxJsonNesting = 100;

/// Throws ErrorException (InvalidFile, naming path and what) when arrays and objects in text
/// nest deeper than kMaxJsonNesting; brackets inside strings do not count.
void checkJsonNesting(std::string_view text, const std::string& path, const std::string& what);

} // namespace headscope::core
