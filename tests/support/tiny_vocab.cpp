#include "tiny_vocab.h"

#include "tiny_random.h"
#include "util/error.h"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace headscope::testing {

using core::ErrorCode;
using core::fail;

const std::vector<std::string>& tinyVocab()
{
    static const std::vector<std::string> vocab = {
        "[PAD]", "[UNK]",  "[CLS]", "[SEP]", "[MASK]", ".",      ",",      "!",     "?",     "'",    "-",
        "the",   "a",      "an",    "and",   "or",     "but",    "not",    "very",  "is",    "was",  "are",
        "be",    "it",     "this",  "that",  "movie",  "film",   "story",  "music", "actor", "plot", "scene",
        "good",  "bad",    "great", "fine",  "awful",  "boring", "funny",  "sad",   "happy", "love", "hate",
        "like",  "really", "quite", "too",   "so",     "with",   "of",     "in",    "on",    "to",   "for",
        "i",     "you",    "we",    "they",  "he",     "she",    "my",     "their", "dog",   "cat",  "house",
        "road",  "night",  "day",   "time",  "play",   "walk",   "make",   "see",   "end",   "long", "short",
        "##s",   "##ing",  "##ed",  "##ly",  "##er",   "##est",  "##ness", "##y",   "##ful",
    };
    return vocab;
}

void writeVocabFile(const std::string& path, const std::vector<std::string>& vocab)
{
    std::ofstream out(path, std::ios::trunc);
    if (!out) fail(ErrorCode::FileNotFound, "cannot create vocabulary file", path);
    for (const auto& token : vocab)
        out << token << '\n';
}

namespace {

// Words of tinyVocab() that form sentences (no specials, punctuation or pieces).
std::vector<std::string> sentenceWords()
{
    std::vector<std::string> words;
    for (const auto& t : tinyVocab())
        if (std::isalpha(static_cast<unsigned char>(t[0]))) words.push_back(t);
    return words;
}

std::string makeSentence(TinyRandom& rng, int nWords)
{
    static const std::vector<std::string> words = sentenceWords();
    static const std::vector<std::string> suffixes = {"s", "ing", "ed", "ly", "ness", "ful"};
    static const std::vector<std::string> ends = {".", "!", "?", " ."};
    std::string s;
    for (int i = 0; i < nWords; ++i) {
        std::string w = words[rng.below(words.size())];
        if (rng.below(6) == 0) w += suffixes[rng.below(suffixes.size())]; // needs a "##" piece
        if (i == 0 || rng.below(15) == 0) w[0] = char(std::toupper(static_cast<unsigned char>(w[0])));
        if (i > 0) s += (rng.below(12) == 0) ? " , " : " ";
        s += w;
    }
    return s + ends[rng.below(ends.size())];
}

} // namespace

std::vector<TinyExample> writeTinyDataset(const std::string& path, int n, bool pairs, uint64_t seed)
{
    TinyRandom rng(seed ^ 0x7461626c65ULL);
    std::vector<TinyExample> rows;
    std::ofstream out(path, std::ios::trunc);
    if (!out) fail(ErrorCode::FileNotFound, "cannot create dataset file", path);
    for (int i = 0; i < n; ++i) {
        const bool isLong = i % 7 == 6;
        const auto length = [&] { return int(isLong ? 50 + rng.below(41) : 3 + rng.below(10)); };
        TinyExample row;
        row.textA = makeSentence(rng, length());
        if (pairs) row.textB = makeSentence(rng, length());
        row.label = int(rng.below(2));
        out << row.textA << '\t';
        if (pairs) out << row.textB << '\t';
        out << row.label << '\n';
        rows.push_back(std::move(row));
    }
    return rows;
}

namespace {

// Next code point of UTF-8 text (invalid bytes come back as themselves).
uint32_t nextCodePoint(const std::string& text, size_t& i)
{
    const auto byte = [&](size_t k) { return uint32_t(static_cast<unsigned char>(text[k])); };
    const uint32_t b0 = byte(i);
    const int extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC0 ? 1 : 0;
    if (extra == 0 || i + size_t(extra) >= text.size()) {
        ++i;
        return b0;
    }
    uint32_t cp = b0 & (0x3Fu >> extra);
    for (int k = 1; k <= extra; ++k)
        cp = (cp << 6) | (byte(i + size_t(k)) & 0x3F);
    i += size_t(extra) + 1;
    return cp;
}

std::string toUtf8(uint32_t cp)
{
    std::string out;
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
    return out;
}

// Lower-cased, accent-stripped form of Latin-1 letters (what BERT's basic tokenizer does with
// NFD + dropping combining marks); other code points unchanged.
std::string normalizeLetter(uint32_t cp)
{
    static const char* const latin1 = "aaaaaa?ceeeeiiii?nooooo??uuuuy??aaaaaa?ceeeeiiii?nooooo??uuuuy?y";
    if (cp < 0x80) return std::string(1, char(std::tolower(int(cp))));
    if (cp >= 0xC0 && cp <= 0xFF && latin1[cp - 0xC0] != '?') return std::string(1, latin1[cp - 0xC0]);
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) cp += 0x20;
    return toUtf8(cp);
}

bool isPunctuation(uint32_t cp)
{
    if (cp < 0x80) return std::ispunct(int(cp)) != 0;
    return cp == 0xA1 || cp == 0xA7 || cp == 0xAB || cp == 0xB6 || cp == 0xB7 || cp == 0xBB || cp == 0xBF ||
           (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) || (cp >= 0x3001 && cp <= 0x3003);
}

bool isSpace(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x3000;
}

} // namespace

std::vector<int64_t> referenceTokenize(const std::vector<std::string>& vocab, const std::string& text)
{
    std::vector<std::string> words;
    std::string current;
    const auto flush = [&] {
        if (!current.empty()) words.push_back(current);
        current.clear();
    };
    for (size_t i = 0; i < text.size();) {
        const uint32_t cp = nextCodePoint(text, i);
        if (isSpace(cp)) {
            flush();
        } else if (isPunctuation(cp)) {
            flush();
            words.push_back(toUtf8(cp));
        } else if (cp >= 0x20 && cp != 0x7F) {
            current += normalizeLetter(cp);
        }
    }
    flush();

    const auto idOf = [&](const std::string& piece) -> int64_t {
        const auto it = std::find(vocab.begin(), vocab.end(), piece);
        return it == vocab.end() ? -1 : int64_t(it - vocab.begin());
    };
    const int64_t unk = idOf("[UNK]");
    std::vector<int64_t> ids;
    for (const auto& w : words) {
        std::vector<int64_t> pieces;
        size_t start = 0;
        bool ok = true;
        while (start < w.size()) {
            int64_t found = -1;
            size_t end = w.size();
            for (; end > start; --end) {
                found = idOf((start > 0 ? "##" : "") + w.substr(start, end - start));
                if (found >= 0) break;
            }
            if (found < 0) {
                ok = false;
                break;
            }
            pieces.push_back(found);
            start = end;
        }
        if (ok)
            ids.insert(ids.end(), pieces.begin(), pieces.end());
        else
            ids.push_back(unk);
    }
    return ids;
}

ReferenceInput referenceEncode(const std::vector<std::string>& vocab, const std::string& textA,
                               const std::string& textB, int maxLength)
{
    std::vector<int64_t> a = referenceTokenize(vocab, textA);
    std::vector<int64_t> b = referenceTokenize(vocab, textB);
    const bool pair = !textB.empty();
    const size_t budget = size_t(std::max(0, maxLength - (pair ? 3 : 2)));
    while (a.size() + b.size() > budget) {
        if (a.size() > b.size())
            a.pop_back();
        else
            b.pop_back();
    }
    ReferenceInput in;
    const auto cls = int64_t(std::find(vocab.begin(), vocab.end(), "[CLS]") - vocab.begin());
    const auto sep = int64_t(std::find(vocab.begin(), vocab.end(), "[SEP]") - vocab.begin());
    in.ids.push_back(cls);
    in.ids.insert(in.ids.end(), a.begin(), a.end());
    in.ids.push_back(sep);
    in.typeIds.assign(in.ids.size(), 0);
    if (pair) {
        in.ids.insert(in.ids.end(), b.begin(), b.end());
        in.ids.push_back(sep);
        in.typeIds.resize(in.ids.size(), 1);
    }
    return in;
}

} // namespace headscope::testing
