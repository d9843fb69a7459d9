#include "json_output.h"

#include "cli_error.h"

#include "util/atomic_file.h"

#include <cstdio>

namespace headscope::cli {

void writeJsonOutput(const Json& j, const std::string& path)
{
    const std::string text = core::report::formatJson(j);
    if (path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return;
    }
    // Atomic: a failed or interrupted run leaves the previous output file as it was.
    const auto written = core::writeFileAtomically(path, text);
    if (!written)
        throw CliError(ExitRuntime, written.error().toString());
}

} // namespace headscope::cli
