#include "report/json_text.h"

namespace headscope::core::report {

namespace {

bool isScalar(const Json& j)
{
    return !j.is_object() && !j.is_array();
}

std::string scalarText(const Json& j)
{
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void append(std::string& out, const Json& j, int indent)
{
    if (isScalar(j)) {
        out += scalarText(j);
        return;
    }
    if (j.empty()) {
        out += j.is_object() ? "{}" : "[]";
        return;
    }
    if (j.is_array()) {
        bool flat = true;
        for (const auto& element : j)
            flat = flat && isScalar(element);
        if (flat) {
            out += '[';
            bool first = true;
            for (const auto& element : j) {
                if (!first) out += ", ";
                first = false;
                out += scalarText(element);
            }
            out += ']';
            return;
        }
    }
    const std::string pad(size_t(indent) + 2, ' ');
    out += j.is_object() ? "{\n" : "[\n";
    bool first = true;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ",\n";
        first = false;
        out += pad;
        if (j.is_object()) {
            out += scalarText(Json(it.key()));
            out += ": ";
        }
        append(out, it.value(), indent + 2);
    }
    out += '\n';
    out += std::string(size_t(indent), ' ');
    out += j.is_object() ? '}' : ']';
}

} // namespace

std::string formatJson(const Json& j)
{
    std::string out;
    append(out, j, 0);
    out += '\n';
    return out;
}

} // namespace headscope::core::report
