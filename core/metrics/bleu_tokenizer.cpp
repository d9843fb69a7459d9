#include "metrics/bleu_tokenizer.h"

#include "text/unicode_text.h"

namespace headscope::core {
namespace {

namespace uc = unicode;

void replaceAll(std::u32string& s, const std::u32string& from, const std::u32string& to)
{
    // Python's str.replace: non-overlapping, left to right.
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::u32string::npos) {
        s.replace(pos, from.size(), to);
        pos += to.size();
    }
}

bool isAsciiDigit(char32_t c) { return c >= U'0' && c <= U'9'; }

// re.sub of a two-character pattern (X)(Y): matches never overlap and scanning resumes after
// a match, exactly as Python's re does for a fixed-width pattern.
template <class IsX, class IsY>
std::u32string substitutePairs(const std::u32string& s, IsX isX, IsY isY, bool spaceBefore)
{
    std::u32string out;
    out.reserve(s.size() + s.size() / 2);
    size_t i = 0;
    while (i < s.size()) {
        if (i + 1 < s.size() && isX(s[i]) && isY(s[i + 1])) {
            if (spaceBefore) { // " \1 \2"
                out.push_back(U' ');
                out.push_back(s[i]);
                out.push_back(U' ');
                out.push_back(s[i + 1]);
            } else { // "\1 \2 "
                out.push_back(s[i]);
                out.push_back(U' ');
                out.push_back(s[i + 1]);
                out.push_back(U' ');
            }
            i += 2;
        } else {
            out.push_back(s[i]);
            ++i;
        }
    }
    return out;
}

// ' '.join(s.split()) with Python's notion of whitespace.
std::string joinWords(const std::u32string& s)
{
    std::string out;
    out.reserve(s.size());
    bool inWord = false;
    for (char32_t c : s) {
        if (uc::isSplitSpace(c)) {
            inWord = false;
            continue;
        }
        if (!inWord && !out.empty()) out.push_back(' ');
        inWord = true;
        uc::appendUtf8(out, c);
    }
    return out;
}

// mteval-v13a's "language-dependent" class: ASCII symbols and punctuation other than
// apostrophe, comma, hyphen and period (the regex [\{-\~\[-\` -\&\(-\+\:-\@\/]).
bool is13aSymbol(char32_t c)
{
    return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) ||
           (c >= 0x28 && c <= 0x2B) || (c >= 0x3A && c <= 0x40) || c == 0x2F;
}

std::string tokenize13a(std::u32string line)
{
    replaceAll(line, U"<skipped>", U"");
    replaceAll(line, U"-\n", U"");
    replaceAll(line, U"\n", U" ");
    if (line.find(U'&') != std::u32string::npos) {
        replaceAll(line, U"&quot;", U"\"");
        replaceAll(line, U"&amp;", U"&");
        replaceAll(line, U"&lt;", U"<");
        replaceAll(line, U"&gt;", U">");
    }
    std::u32string s;
    s.reserve(line.size() * 2 + 2);
    s.push_back(U' ');
    for (char32_t c : line) {
        if (is13aSymbol(c)) {
            s.push_back(U' ');
            s.push_back(c);
            s.push_back(U' ');
        } else {
            s.push_back(c);
        }
    }
    s.push_back(U' ');
    const auto isPeriodComma = [](char32_t c) { return c == U'.' || c == U','; };
    const auto notDigit = [](char32_t c) { return !isAsciiDigit(c); };
    // Period and comma split off unless between digits; a dash after a digit splits off.
    s = substitutePairs(s, notDigit, isPeriodComma, false);
    s = substitutePairs(s, isPeriodComma, notDigit, true);
    s = substitutePairs(s, isAsciiDigit, [](char32_t c) { return c == U'-'; }, false);
    return joinWords(s);
}

std::string tokenizeIntl(const std::u32string& line)
{
    const auto isPunct = [](char32_t c) { return uc::generalClass(c) == uc::GcPunct; };
    const auto notNumber = [](char32_t c) { return uc::generalClass(c) != uc::GcNumber; };
    std::u32string s = substitutePairs(line, notNumber, isPunct, false);
    s = substitutePairs(s, isPunct, notNumber, true);
    std::u32string out;
    out.reserve(s.size() + 8);
    for (char32_t c : s) {
        if (uc::generalClass(c) == uc::GcSymbol) {
            out.push_back(U' ');
            out.push_back(c);
            out.push_back(U' ');
        } else {
            out.push_back(c);
        }
    }
    return joinWords(out);
}

std::string tokenizeChars(const std::u32string& line)
{
    std::u32string s;
    s.reserve(line.size() * 2);
    for (char32_t c : line) {
        s.push_back(c);
        s.push_back(U' ');
    }
    return joinWords(s);
}

} // namespace

std::optional<BleuTokenizer> parseBleuTokenizer(std::string_view name)
{
    if (name == "13a") return BleuTokenizer::Mteval13a;
    if (name == "intl") return BleuTokenizer::Intl;
    if (name == "char") return BleuTokenizer::Char;
    if (name == "none") return BleuTokenizer::None;
    return std::nullopt;
}

const char* bleuTokenizerName(BleuTokenizer tokenizer)
{
    switch (tokenizer) {
    case BleuTokenizer::Mteval13a: return "13a";
    case BleuTokenizer::Intl: return "intl";
    case BleuTokenizer::Char: return "char";
    case BleuTokenizer::None: return "none";
    }
    return "none";
}

std::string bleuTokenize(std::string_view line, BleuTokenizer tokenizer)
{
    if (tokenizer == BleuTokenizer::None) return std::string(line);
    const std::u32string text = uc::decodeUtf8(std::string(line));
    switch (tokenizer) {
    case BleuTokenizer::Mteval13a: return tokenize13a(text);
    case BleuTokenizer::Intl: return tokenizeIntl(text);
    case BleuTokenizer::Char: return tokenizeChars(text);
    case BleuTokenizer::None: break;
    }
    return std::string(line);
}

} // namespace headscope::core
