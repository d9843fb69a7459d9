#pragma once
// Private: n-gram counting shared by BLEU, tokenized BLEU and chrF++'s word n-grams.
#include <string>
#include <unordered_map>
#include <vector>

namespace headscope::core::detail {

// Keys are the n-gram's tokens joined by one space: tokens never contain whitespace, so
// n-grams of different orders never collide.
using NgramCounts = std::unordered_map<std::string, long long>;

inline std::string joinTokens(const std::vector<std::string>& tokens, size_t first, size_t n)
{
    std::string key = tokens[first];
    for (size_t k = 1; k < n; ++k) {
        key.push_back(' ');
        key += tokens[first + k];
    }
    return key;
}

/// Counts of the n-grams of order n.
inline NgramCounts wordNgrams(const std::vector<std::string>& tokens, size_t n)
{
    NgramCounts counts;
    if (n == 0 || tokens.size() < n) return counts;
    for (size_t i = 0; i + n <= tokens.size(); ++i) ++counts[joinTokens(tokens, i, n)];
    return counts;
}

/// Counts of all n-grams of orders 1..maxOrder in one map.
inline NgramCounts allWordNgrams(const std::vector<std::string>& tokens, size_t maxOrder)
{
    NgramCounts counts;
    for (size_t n = 1; n <= maxOrder; ++n)
        for (size_t i = 0; i + n <= tokens.size(); ++i) ++counts[joinTokens(tokens, i, n)];
    return counts;
}

/// Order of an n-gram key (1 + the number of spaces).
inline size_t ngramOrder(const std::string& key)
{
    size_t n = 1;
    for (char c : key) n += c == ' ' ? 1 : 0;
    return n;
}

/// sacreBLEU's closest reference length: smallest |hyp - ref|, ties go to the shorter.
inline long long closestRefLength(long long hypLen, const std::vector<long long>& refLens)
{
    long long bestDiff = -1, best = -1;
    for (long long len : refLens) {
        const long long diff = hypLen > len ? hypLen - len : len - hypLen;
        if (bestDiff < 0 || diff < bestDiff) {
            bestDiff = diff;
            best = len;
        } else if (diff == bestDiff && len < best) {
            best = len;
        }
    }
    return best;
}

} // namespace headscope::core::detail
