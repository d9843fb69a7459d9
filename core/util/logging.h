#pragma once
// spdlog setup shared by the GUI and the CLI: console (stderr) + rotating file.
#include <string>

namespace headscope::core {

/// Installs the default logger "headscope": stderr at `consoleLevel` ("info", "warn", ...) and a
/// rotating file (5 x 2 MiB) in logDir when it is not empty. Returns the log file path or "".
std::string initLogging(const std::string& logDir, const std::string& consoleLevel = "info");

} // namespace headscope::core
