#include "json_output.h"

#include "cli_error.h"

#include <cstdio>
#include <fstream>

namespace headscope::cli {

void writeJsonOutput(const Json& j, const std::string& path)
{
    const std::string text = core::report::formatJson(j);
    if (path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return;
    }
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw CliError(ExitRuntime, path + ": cannot open the JSON output file for writing");
    file.write(text.data(), std::streamsize(text.size()));
    file.close();
    if (!file) throw CliError(ExitRuntime, path + ": could not write the JSON output file");
}

} // namespace headscope::cli
