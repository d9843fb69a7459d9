#include "text/unicode_text.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <unordered_map>

namespace headscope::core::unicode {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Hangul syllables decompose algorithmically (Unicode 3.12).
constexpr char32_t kHangulBase = 0xAC00, kJamoL = 0x1100, kJamoV = 0x1161, kJamoT = 0x11A7;
constexpr int kCountV = 21, kCountT = 28, kCountN = kCountV * kCountT, kCountS = 19 * kCountN;

bool isHangulSyllable(char32_t cp)
{
    return cp >= kHangulBase && cp < kHangulBase + kCountS;
}

const Decomposition* findDecomposition(char32_t cp)
{
    // Below the first entry (all of ASCII and Latin-1's symbols): nothing to search.
    if (kDecompositionCount == 0 || cp < kDecompositions[0].cp) return nullptr;
    const Decomposition* end = kDecompositions + kDecompositionCount;
    const Decomposition* it = std::lower_bound(kDecompositions, end, cp,
                                               [](const Decomposition& d, char32_t c) { return d.cp < c; });
    return it != end && it->cp == cp ? it : nullptr;
}

void appendNfd(char32_t cp, std::u32string& out)
{
    if (isHangulSyllable(cp)) {
        const int s = static_cast<int>(cp - kHangulBase);
        out.push_back(kJamoL + s / kCountN);
        out.push_back(kJamoV + (s % kCountN) / kCountT);
        if (s % kCountT != 0) out.push_back(kJamoT + s % kCountT);
        return;
    }
    const Decomposition* d = findDecomposition(cp);
    if (!d) {
        out.push_back(cp);
        return;
    }
    appendNfd(d->first, out);
    if (d->second != 0) appendNfd(d->second, out);
}

int combiningClass(char32_t cp)
{
    if (cp < 0x300) return 0;
    const CombiningRange* end = kCombiningRanges + kCombiningRangeCount;
    const CombiningRange* it = std::upper_bound(
        kCombiningRanges, end, cp, [](char32_t c, const CombiningRange& r) { return c < r.first; });
    if (it == kCombiningRanges) return 0;
    --it;
    return cp <= it->last ? it->ccc : 0;
}

// Full canonical decomposition with the canonical ordering of combining marks.
std::u32string nfd(const std::u32string& text)
{
    std::u32string out;
    out.reserve(text.size());
    for (char32_t cp : text)
        appendNfd(cp, out);
    // Stable sort of each run of non-starters by combining class (insertion sort: runs are short).
    for (size_t i = 1; i < out.size(); ++i) {
        const int ccc = combiningClass(out[i]);
        if (ccc == 0) continue;
        size_t j = i;
        while (j > 0 && combiningClass(out[j - 1]) > ccc) {
            std::swap(out[j - 1], out[j]);
            --j;
        }
    }
    return out;
}

uint64_t pairKey(char32_t a, char32_t b)
{
    return (uint64_t(a) << 21) | b;
}

const std::unordered_map<uint64_t, char32_t>& compositions()
{
    static const std::unordered_map<uint64_t, char32_t> map = [] {
        std::unordered_map<uint64_t, char32_t> m;
        for (size_t i = 0; i < kDecompositionCount; ++i)
            if (kDecompositions[i].composable)
                m.emplace(pairKey(kDecompositions[i].first, kDecompositions[i].second),
                          kDecompositions[i].cp);
        return m;
    }();
    return map;
}

char32_t composePair(char32_t a, char32_t b)
{
    if (a >= kJamoL && a < kJamoL + 19 && b >= kJamoV && b < kJamoV + kCountV)
        return kHangulBase + ((a - kJamoL) * kCountV + (b - kJamoV)) * kCountT;
    if (isHangulSyllable(a) && (a - kHangulBase) % kCountT == 0 && b > kJamoT && b < kJamoT + kCountT)
        return a + (b - kJamoT);
    const auto& m = compositions();
    auto it = m.find(pairKey(a, b));
    return it == m.end() ? 0 : it->second;
}

char32_t simpleLower(char32_t cp)
{
    if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
    const LowerRange* end = kLowerRanges + kLowerRangeCount;
    // Last range whose first <= cp.
    const LowerRange* it =
        std::upper_bound(kLowerRanges, end, cp, [](char32_t c, const LowerRange& r) { return c < r.first; });
    if (it == kLowerRanges) return cp;
    --it;
    if (cp > it->last || (cp - it->first) % it->stride != 0) return cp;
    return static_cast<char32_t>(static_cast<int64_t>(cp) + it->delta);
}

// Whether some upper-case letter lower-cases to cp (approximates "is a cased lower-case letter").
bool isLowerTarget(char32_t cp)
{
    for (size_t i = 0; i < kLowerRangeCount; ++i) {
        const LowerRange& r = kLowerRanges[i];
        const int64_t first = int64_t(r.first) + r.delta, last = int64_t(r.last) + r.delta;
        if (int64_t(cp) >= first && int64_t(cp) <= last && (int64_t(cp) - first) % r.stride == 0) return true;
    }
    return false;
}

// Python's _PyUnicode_IsCased, approximated by the lower-case table.
bool isCased(char32_t cp)
{
    return simpleLower(cp) != cp || isLowerTarget(cp) || cp == 0x3C2 || cp == 0xDF;
}

// Python's _PyUnicode_IsCaseIgnorable: Mn, Cf, Lm/Sk modifiers and the mid-word punctuation.
bool isCaseIgnorable(char32_t cp)
{
    static const char32_t kMidWord[] = {0x27,   0x2E,   0x3A,   0x5E,   0x60,   0xA8,   0xAD,   0xAF,  0xB4,
                                        0xB7,   0xB8,   0x374,  0x375,  0x37A,  0x384,  0x385,  0x387, 0x2018,
                                        0x2019, 0x2024, 0x2027, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A};
    if (std::binary_search(std::begin(kMidWord), std::end(kMidWord), cp)) return true;
    if (cp >= 0x2B0 && cp <= 0x2FF) return true;
    return charKind(cp) == Mark;
}

// Python's handle_capital_sigma: final form when preceded by a cased letter and not followed by one.
char32_t lowerSigma(const std::u32string& text, size_t i)
{
    size_t j = i;
    while (j > 0 && isCaseIgnorable(text[j - 1]))
        --j;
    bool final = j > 0 && isCased(text[j - 1]);
    if (final) {
        size_t k = i + 1;
        while (k < text.size() && isCaseIgnorable(text[k]))
            ++k;
        final = k == text.size() || !isCased(text[k]);
    }
    return final ? 0x3C2 : 0x3C3;
}

} // namespace

std::u32string decodeUtf8(const std::string& text)
{
    std::u32string out;
    out.reserve(text.size());
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        const unsigned char b = s[i];
        if (b < 0x80) {
            out.push_back(b);
            ++i;
            continue;
        }
        int len = 0;
        char32_t cp = 0, minimum = 0;
        if ((b & 0xE0) == 0xC0) {
            len = 2, cp = b & 0x1F, minimum = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3, cp = b & 0x0F, minimum = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4, cp = b & 0x07, minimum = 0x10000;
        }
        bool ok = len > 0 && i + len <= n;
        for (int k = 1; ok && k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (ok && (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
        if (ok) {
            out.push_back(cp);
            i += len;
        } else {
            out.push_back(kReplacement);
            ++i;
        }
    }
    return out;
}

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string encodeUtf8(const std::u32string& text)
{
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : text)
        appendUtf8(out, cp);
    return out;
}

namespace {

CharKind searchCharKind(char32_t cp)
{
    const CategoryRange* end = kCategoryRanges + kCategoryRangeCount;
    const CategoryRange* it = std::upper_bound(
        kCategoryRanges, end, cp, [](char32_t c, const CategoryRange& r) { return c < r.first; });
    if (it == kCategoryRanges) return Other;
    --it;
    return cp <= it->last ? it->kind : Other;
}

GeneralClass searchGeneralClass(char32_t cp)
{
    const GeneralClassRange* end = kGeneralClassRanges + kGeneralClassRangeCount;
    const GeneralClassRange* it = std::upper_bound(
        kGeneralClassRanges, end, cp, [](char32_t c, const GeneralClassRange& r) { return c < r.first; });
    if (it == kGeneralClassRanges) return GcOther;
    --it;
    return cp <= it->last ? it->cls : GcOther;
}

// ASCII, most of every text, from 128-entry tables made once by the same searches.
template <class T, T (*search)(char32_t)>
T asciiOrSearch(char32_t cp)
{
    static const std::array<T, 128> ascii = [] {
        std::array<T, 128> t{};
        for (char32_t c = 0; c < 128; ++c)
            t[c] = search(c);
        return t;
    }();
    return cp < 128 ? ascii[cp] : search(cp);
}

} // namespace

CharKind charKind(char32_t cp)
{
    return asciiOrSearch<CharKind, searchCharKind>(cp);
}

GeneralClass generalClass(char32_t cp)
{
    return asciiOrSearch<GeneralClass, searchGeneralClass>(cp);
}

bool isWhitespace(char32_t cp)
{
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') return true;
    return cp > 0x7F && charKind(cp) == Space;
}

bool isControl(char32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r') return false;
    return charKind(cp) == Ctrl;
}

bool isPunctuation(char32_t cp)
{
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
        (cp >= 123 && cp <= 126))
        return true;
    return cp > 0x7F && charKind(cp) == Punct;
}

bool isChineseChar(char32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool isSplitSpace(char32_t cp)
{
    if ((cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0x2028 ||
        cp == 0x2029)
        return true;
    return cp > 0x7F && charKind(cp) == Space;
}

std::u32string toLower(const std::u32string& text)
{
    std::u32string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t cp = text[i];
        if (cp == 0x130) {
            out.push_back('i');
            out.push_back(0x307);
        } else if (cp == 0x3A3) {
            out.push_back(lowerSigma(text, i));
        } else {
            out.push_back(simpleLower(cp));
        }
    }
    return out;
}

std::u32string stripAccents(const std::u32string& text)
{
    std::u32string out;
    for (char32_t cp : nfd(text))
        if (charKind(cp) != Mark) out.push_back(cp);
    return out;
}

std::u32string composeNfc(const std::u32string& text)
{
    // Fast path: ASCII is always in NFC.
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; })) return text;
    std::u32string out = nfd(text);
    // Canonical composition (UAX #15): a character joins the last starter unless a character
    // in between blocks it (starter, or combining class >= its own).
    size_t starter = std::u32string::npos;
    int lastCcc = -1;
    size_t kept = 0;
    for (size_t i = 0; i < out.size(); ++i) {
        const char32_t cp = out[i];
        const int ccc = combiningClass(cp);
        if (starter != std::u32string::npos) {
            const bool blocked = kept > starter + 1 && (lastCcc == 0 || lastCcc >= ccc);
            if (!blocked) {
                if (char32_t composite = composePair(out[starter], cp)) {
                    out[starter] = composite;
                    continue;
                }
            }
        }
        if (ccc == 0) starter = kept;
        lastCcc = ccc;
        out[kept++] = cp;
    }
    out.resize(kept);
    return out;
}

} // namespace headscope::core::unicode
