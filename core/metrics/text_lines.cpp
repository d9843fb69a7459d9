#include "metrics/text_lines.h"

#include "text/unicode_text.h"

#include <fstream>
#include <iterator>

namespace headscope::core {
namespace {

// Offset of the first byte that is not part of valid UTF-8 (Python's strict decoder), or npos.
size_t firstInvalidUtf8(std::string_view s)
{
    size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        int len = 0;
        char32_t cp = 0, minimum = 0;
        if ((b & 0xE0) == 0xC0) len = 2, cp = b & 0x1F, minimum = 0x80;
        else if ((b & 0xF0) == 0xE0) len = 3, cp = b & 0x0F, minimum = 0x800;
        else if ((b & 0xF8) == 0xF0) len = 4, cp = b & 0x07, minimum = 0x10000;
        if (len == 0 || i + len > s.size()) return i;
        for (int k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (c & 0x3F);
        }
        if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return std::string_view::npos;
}

} // namespace

std::string rstripUnicode(std::string_view text)
{
    std::u32string s = unicode::decodeUtf8(std::string(text));
    size_t end = s.size();
    while (end > 0 && unicode::isSplitSpace(s[end - 1])) --end;
    if (end == s.size()) return std::string(text);
    s.resize(end);
    return unicode::encodeUtf8(s);
}

Result<std::vector<std::string>> readTextLines(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{ErrorCode::FileNotFound, "cannot open the text file", path, {}};
    const std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) return Error{ErrorCode::InvalidFile, "cannot read the text file", path, {}};

    std::vector<std::string> lines;
    size_t start = 0;
    while (start < data.size()) {
        size_t end = data.find('\n', start);
        if (end == std::string::npos) end = data.size();
        const std::string_view line(data.data() + start, end - start);
        const size_t bad = firstInvalidUtf8(line);
        if (bad != std::string_view::npos)
            return Error{ErrorCode::InvalidFile, "the text file is not valid UTF-8", path,
                         "line " + std::to_string(lines.size() + 1) + ", byte " + std::to_string(bad + 1)};
        lines.push_back(rstripUnicode(line));
        start = end + 1;
    }
    return lines;
}

} // namespace headscope::core
