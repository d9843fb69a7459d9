#pragma once
// Result<T>: a value or an Error. Public core functions return it instead of throwing.
//
//   auto cfg = loadModelConfig(dir + "/config.json");
//   if (!cfg) { log(cfg.error().toString()); return; }
//   use(cfg.value());
#include "util/error.h"
#include "util/out_of_memory.h"

#include <functional>
#include <optional>
#include <utility>

namespace headscope::core {

template <class T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { check(); return *m_value; }
    T& value() & { check(); return *m_value; }
    T&& value() && { check(); return std::move(*m_value); }
    const T* operator->() const { check(); return &*m_value; }
    T* operator->() { check(); return &*m_value; }
    const T& operator*() const& { check(); return *m_value; }

    const Error& error() const { return m_error; }

private:
    void check() const
    {
        if (!m_value)
            throw ErrorException(m_error);
    }
    std::optional<T> m_value;
    Error m_error;
};

/// Runs fn (which may throw ErrorException or std::exception) and wraps its outcome.
template <class Fn>
auto captureResult(Fn&& fn) -> Result<decltype(fn())>
{
    try {
        return fn();
    } catch (const ErrorException& e) {
        return e.error();
    } catch (const std::bad_alloc&) {
        return Error{ErrorCode::OutOfMemory, "out of memory", {}, {}};
    } catch (const std::exception& e) {
        if (auto oom = outOfMemoryError(e.what())) // c10::OutOfMemoryError and friends
            return *oom;
        return Error{ErrorCode::Runtime, e.what(), {}, {}};
    }
}

/// Progress callback of long operations: return false to cancel.
using Progress = std::function<bool(int64_t done, int64_t total)>;

} // namespace headscope::core
