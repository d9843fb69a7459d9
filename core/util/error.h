#pragma once
// Typed errors for every core API: what went wrong, where (file), and why.
#include <stdexcept>
#include <string>

namespace headscope::core {

enum class ErrorCode
{
    InvalidArgument, // bad parameter from the caller (exit code 2 in the CLI)
    FileNotFound,
    InvalidFile,     // unreadable, corrupt, truncated or inconsistent input file
    Unsupported,     // valid input we do not handle (architecture, dtype, ...)
    ShapeMismatch,   // tensor or mask shape that does not fit the model
    Cancelled,       // the progress callback asked to stop
    OutOfMemory,     // the job does not fit in (GPU or host) memory; the GUI offers the CPU
    Runtime,         // anything else (device errors)
};

struct Error
{
    ErrorCode code = ErrorCode::Runtime;
    std::string message; // one sentence for the user
    std::string path;    // the file concerned, if any
    std::string detail;  // extra context (line, tensor name, ...), may be empty

    /// "path: message (detail)" as shown in logs, the CLI and the GUI.
    std::string toString() const;
    /// True for errors caused by the input files (CLI exit code 3).
    bool isInputError() const;
};

/// Thrown inside core implementation files; public functions convert it to Result<T>.
class ErrorException : public std::runtime_error
{
public:
    explicit ErrorException(Error error);
    const Error& error() const { return m_error; }

private:
    Error m_error;
};

/// Throws an ErrorException built from the parts.
[[noreturn]] void fail(ErrorCode code, std::string message, std::string path = {}, std::string detail = {});

const char* errorCodeName(ErrorCode code);

} // namespace headscope::core
