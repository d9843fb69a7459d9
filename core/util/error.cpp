#include "util/error.h"

namespace headscope::core {

std::string Error::toString() const
{
    std::string s;
    if (!path.empty())
        s = path + ": ";
    s += message;
    if (!detail.empty())
        s += " (" + detail + ")";
    return s;
}

bool Error::isInputError() const
{
    return code == ErrorCode::FileNotFound || code == ErrorCode::InvalidFile || code == ErrorCode::Unsupported ||
           code == ErrorCode::ShapeMismatch;
}

ErrorException::ErrorException(Error error) : std::runtime_error(error.toString()), m_error(std::move(error)) {}

void fail(ErrorCode code, std::string message, std::string path, std::string detail)
{
    throw ErrorException(Error{code, std::move(message), std::move(path), std::move(detail)});
}

const char* errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::FileNotFound: return "file_not_found";
    case ErrorCode::InvalidFile: return "invalid_file";
    case ErrorCode::Unsupported: return "unsupported";
    case ErrorCode::ShapeMismatch: return "shape_mismatch";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::OutOfMemory: return "out_of_memory";
    case ErrorCode::Runtime: return "runtime";
    }
    return "runtime";
}

} // namespace headscope::core
