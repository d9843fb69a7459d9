#include "util/logging.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <system_error>
#include <vector>

namespace headscope::core {

namespace {

constexpr const char* kLoggerName = "headscope";
constexpr const char* kLogFileName = "headscope.log";
constexpr size_t kMaxFileBytes = 2 * 1024 * 1024;
// spdlog keeps this many rotated files besides the current one: 5 files of 2 MiB at most.
constexpr size_t kRotatedFiles = 4;
// Time with milliseconds, level (coloured on a terminal), thread id, message.
constexpr const char* kPattern = "[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] [t%t] %v";

// spdlog::level::from_str maps unknown names to "off", which would silence the console.
bool parseLevel(const std::string& name, spdlog::level::level_enum& out)
{
    if (name == "warn") {
        out = spdlog::level::warn;
        return true;
    }
    if (name == "error") {
        out = spdlog::level::err;
        return true;
    }
    for (int i = 0; i < spdlog::level::n_levels; ++i) {
        const auto level = static_cast<spdlog::level::level_enum>(i);
        if (spdlog::level::to_string_view(level) == name) {
            out = level;
            return true;
        }
    }
    return false;
}

} // namespace

std::string initLogging(const std::string& logDir, const std::string& consoleLevel)
{
    spdlog::level::level_enum level = spdlog::level::info;
    const bool levelKnown = parseLevel(consoleLevel, level);

    auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    console->set_level(level);
    std::vector<spdlog::sink_ptr> sinks{console};

    // Problems with the log file must not stop the program: they go to the console instead.
    std::string filePath;
    std::string fileProblem;
    if (!logDir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(logDir, ec);
        if (ec) {
            fileProblem = logDir + ": cannot create the log directory (" + ec.message() + ")";
        } else {
            const std::filesystem::path path =
                std::filesystem::absolute(std::filesystem::path(logDir) / kLogFileName, ec);
            try {
                auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                    path.string(), kMaxFileBytes, kRotatedFiles);
                // The file keeps more detail than the console: it is what users attach to bug reports.
                file->set_level(std::min(level, spdlog::level::debug));
                sinks.push_back(file);
                filePath = path.string();
            } catch (const spdlog::spdlog_ex& e) {
                fileProblem = path.string() + ": cannot open the log file (" + e.what() + ")";
            }
        }
    }

    // Calling twice (tests, a second window) replaces the logger instead of throwing "exists".
    spdlog::drop(kLoggerName);
    auto logger = std::make_shared<spdlog::logger>(kLoggerName, sinks.begin(), sinks.end());
    logger->set_pattern(kPattern);
    logger->set_level(sinks.size() > 1 ? std::min(level, spdlog::level::debug) : level);
    // Flush often enough that a crash leaves the last steps in the file; logging is not hot.
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);

    if (!levelKnown)
        spdlog::warn(
            "unknown log level '{}', using info (known: trace, debug, info, warn, error, critical, off)",
            consoleLevel);
    if (!fileProblem.empty())
        spdlog::warn("{}; logging to the console only", fileProblem);
    else if (!filePath.empty())
        spdlog::debug("logging to {}", filePath);
    return filePath;
}

} // namespace headscope::core
