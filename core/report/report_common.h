#pragma once
// Helpers shared by the report .cpp files (not part of the public API).
#include "analysis/compare.h"
#include "report/json_text.h"
#include "util/error.h"
#include "util/result.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace headscope::core::report {

/// A finite number, or null.
Json number(double v);
/// null -> NaN.
double numberFrom(const Json& j);

/// {"pearson", "spearman" (null when undefined), "n"} and back.
Json correlationJson(const Correlation& c);
Correlation correlationFromJson(const Json& j);

/// An integer of type I. nlohmann's get<I>() casts a float such as 1e30 (undefined behaviour)
/// and wraps integers out of I's range; a file passed around may hold either.
template <class I>
I integerFrom(const Json& j)
{
    if (!j.is_number_integer())
        throw std::invalid_argument(std::string("expected an integer, found ") + j.type_name());
    if (j.is_number_unsigned()) {
        const uint64_t v = j.get<uint64_t>();
        if (v > uint64_t(std::numeric_limits<I>::max()))
            throw std::out_of_range("integer " + j.dump() + " is out of range");
        return I(v);
    }
    const int64_t v = j.get<int64_t>();
    if (v < 0 ? (std::is_unsigned_v<I> || v < int64_t(std::numeric_limits<I>::min()))
              : uint64_t(v) > uint64_t(std::numeric_limits<I>::max()))
        throw std::out_of_range("integer " + j.dump() + " is out of range");
    return I(v);
}

/// A list of integers of type I (integerFrom for each).
template <class I>
std::vector<I> integersFrom(const Json& j)
{
    if (!j.is_array())
        throw std::invalid_argument(std::string("expected a list of integers, found ") + j.type_name());
    std::vector<I> out;
    out.reserve(j.size());
    for (const Json& v : j)
        out.push_back(integerFrom<I>(v));
    return out;
}

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
