#pragma once
// JSON output: one object per run, indented for reading, with arrays of numbers on one line.
#include <nlohmann/json.hpp>
#include <string>

namespace headscope::cli {

/// Insertion-ordered JSON, so that documents read in the order docs/cli.md describes them.
using Json = nlohmann::ordered_json;

/// Formats j with two-space indentation; arrays of scalars stay on one line (matrix rows, ids).
/// Invalid UTF-8 in strings is replaced by U+FFFD; NaN and infinities become null.
std::string formatJson(const Json& j);

/// Writes the document to path ("-" = stdout); throws CliError (exit 1) when it cannot.
void writeJsonOutput(const Json& j, const std::string& path);

} // namespace headscope::cli
