#pragma once
// Exit codes of headscope-cli and the errors that carry them.
#include "util/result.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace headscope::cli {

enum ExitCode : int
{
    ExitOk = 0,
    ExitRuntime = 1,      // anything else (device, out of memory, output not writable)
    ExitBadArguments = 2, // parse errors and bad option values
    ExitBadInput = 3,     // unreadable or invalid input file
    ExitInterrupted = 130 // Ctrl-C
};

/// A problem found by the CLI itself (a bad option value, ...) with the exit code to return.
class CliError : public std::runtime_error
{
public:
    CliError(int exitCode, const std::string& message) : std::runtime_error(message), m_exitCode(exitCode) {}
    int exitCode() const { return m_exitCode; }

private:
    int m_exitCode;
};

/// Shorthand for a bad option value (exit code 2).
inline CliError badArgument(const std::string& message)
{
    return CliError(ExitBadArguments, message);
}

/// The exit code for a core error: 3 for input files, 2 for bad arguments, 130 when cancelled.
inline int exitCodeFor(const core::Error& error)
{
    if (error.code == core::ErrorCode::Cancelled) return ExitInterrupted;
    if (error.code == core::ErrorCode::InvalidArgument) return ExitBadArguments;
    if (error.isInputError()) return ExitBadInput;
    return ExitRuntime;
}

/// The value of a core result; its error is rethrown (main turns it into an exit code).
template <class T> T unwrap(core::Result<T>&& result)
{
    if (!result) throw core::ErrorException(result.error());
    return std::move(result).value();
}

} // namespace headscope::cli
