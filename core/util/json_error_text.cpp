#include "util/json_error_text.h"

namespace headscope::core {

std::string jsonErrorText(const std::exception& e)
{
    const std::string text = e.what();
    if (text.rfind("[json.exception.", 0) != 0)
        return text;
    const size_t end = text.find("] ");
    return end == std::string::npos ? text : text.substr(end + 2);
}

} // namespace headscope::core
