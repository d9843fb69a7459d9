#pragma once
// Tokenises a sentence with a vocabulary a fuzz target just accepted, so that what the loader
// stored (ids, prefixes, special tokens, limits) is used as the program would use it.
#include "text/wordpiece_tokenizer.h"

#include <cstdlib>
#include <string>

namespace headscope::fuzz {

inline void tokenizeSample(const core::WordPieceTokenizer& tok, const std::string& text)
{
    const std::string sample = text.empty() ? std::string("Hello, World! [CLS] naïve 東京 unaffable") : text;
    for (const std::string& token : tok.tokenize(sample))
        (void)tok.tokenToId(token);
    // The pair path (special tokens, truncation of both segments) on two short slices: the whole
    // text was tokenised above, and tokenising it twice more added time but no coverage.
    const std::string first = sample.substr(0, 96);
    const std::string second = sample.size() > 96 ? sample.substr(96, 96) : sample;
    const core::Encoding e = tok.encode(first, second, 16);
    if (e.inputIds.size() != e.tokens.size() || e.inputIds.size() != e.tokenTypeIds.size())
        std::abort();
    for (int64_t id : e.inputIds)
        (void)tok.idToToken(id);
}

/// The part before the first NUL (the file) and after it (a text to tokenise, may be empty).
inline std::pair<std::string, std::string> splitAtNul(const uint8_t* data, size_t size)
{
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t split = input.find('\0');
    if (split == std::string::npos)
        return {input, std::string()};
    return {input.substr(0, split), input.substr(split + 1)};
}

} // namespace headscope::fuzz
