#pragma once
// The JSON document a subcommand writes with --json (schema and keys: docs/cli.md).
#include "report/json_text.h"

#include <string>

namespace headscope::cli {

using Json = core::report::Json;

/// Writes the document to path ("-" = stdout); throws CliError (exit 1) when it cannot.
void writeJsonOutput(const Json& j, const std::string& path);

} // namespace headscope::cli
