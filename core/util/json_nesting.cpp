#include "util/json_nesting.h"

#include "util/error.h"

namespace headscope::core {

void checkJsonNesting(std::string_view text, const std::string& path, const std::string& what)
{
    int depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i; // the escaped character cannot end the string
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonNesting)
                fail(ErrorCode::InvalidFile, what + " nests arrays or objects too deeply", path,
                     "more than " + std::to_string(kMaxJsonNesting) + " levels at byte " + std::to_string(i));
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

} // namespace headscope::core
