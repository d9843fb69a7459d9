#pragma once
// `--session FILE` of the analysis subcommands: the command's results are added to a HeadScope
// session file (created when absent) that the GUI opens with File > Open Session, so that a
// sweep run on a server shows up in the heatmaps at home.
#include "json_output.h"

#include <string>

namespace headscope::cli {

/// Adds every result of doc["results"] as a complete entry (source "cli") to the session at
/// path, with the model and dataset of doc (paths and content hashes). Refuses (CliError,
/// exit 3) a session about another model or dataset, and an unreadable session file: it is
/// never overwritten. Written atomically.
void appendToSession(const std::string& path, const Json& doc);

} // namespace headscope::cli
