#pragma once
// HeadScope's JSON text: one object per document, indented for reading, with arrays of numbers
// on one line. The CLI and File > Export both write through formatJson, so that the same result
// gives the same bytes.
#include <nlohmann/json.hpp>
#include <string>

namespace headscope::core::report {

/// Insertion-ordered JSON, so that documents read in the order docs/cli.md describes them.
using Json = nlohmann::ordered_json;

/// Formats j with two-space indentation; arrays of scalars stay on one line (matrix rows, ids).
/// Invalid UTF-8 in strings is replaced by U+FFFD; NaN and infinities become null.
std::string formatJson(const Json& j);

} // namespace headscope::core::report
