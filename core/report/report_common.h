#pragma once
// Helpers shared by the report .cpp files (not part of the public API).
#include "report/json_text.h"
#include "util/error.h"
#include "util/result.h"

#include <exception>
#include <stdexcept>
#include <string>

namespace headscope::core::report {

/// A finite number, or null.
Json number(double v);
/// null -> NaN.
double numberFrom(const Json& j);

/// An enum from its name through the parse function of its header; unknown names throw.
template <class E>
E parseName(const Json& j, bool (*parse)(const std::string&, E&))
{
    const std::string name = j.get<std::string>();
    E out{};
    if (!parse(name, out))
        throw std::invalid_argument("unknown value \"" + name + "\"");
    return out;
}

/// The value of a nested reader's result; its error is rethrown for the outer readJson.
template <class T>
T valueOrThrow(Result<T> r)
{
    if (!r)
        throw std::invalid_argument(r.error().message + (r.error().detail.empty() ? "" : ": " + r.error().detail));
    return std::move(r).value();
}

/// Runs a reader; a missing key, a wrong type or a bad value becomes an InvalidFile error that
/// names the result kind and what was wrong.
template <class T, class Fn>
Result<T> readJson(const char* what, Fn&& fn)
{
    try {
        return fn();
    } catch (const std::exception& e) {
        return Error{ErrorCode::InvalidFile, std::string("malformed ") + what + " result", {}, e.what()};
    }
}

} // namespace headscope::core::report
