#pragma once
// sacreBLEU's tokenizers for BLEU: 13a (mteval-v13a, the default), intl (mteval-v14
// international), char and none. Output tokens are separated by single spaces.
//
//   std::string t = bleuTokenize("Prices rose by 3.5% in 2019.", BleuTokenizer::Mteval13a);
//   // "Prices rose by 3.5 % in 2019 ."
#include <optional>
#include <string>
#include <string_view>

namespace headscope::core {

enum class BleuTokenizer
{
    Mteval13a, // "13a"
    Intl,      // "intl"
    Char,      // "char"
    None,      // "none": text as is (BLEU still splits it on whitespace)
};

/// "13a", "intl", "char" or "none" -> tokenizer; nullopt for anything else.
std::optional<BleuTokenizer> parseBleuTokenizer(std::string_view name);
/// The name sacreBLEU writes in its signature ("13a", "intl", "char", "none").
const char* bleuTokenizerName(BleuTokenizer tokenizer);

/// Tokenizes one UTF-8 line (invalid bytes become U+FFFD). Whitespace is Python's str.split():
/// runs collapse to one space, none at either end, except for None, which returns the input.
std::string bleuTokenize(std::string_view line, BleuTokenizer tokenizer);

} // namespace headscope::core
