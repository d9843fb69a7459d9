#pragma once
// Private: Unicode data generated from Python's unicodedata (see gen_unicode_tables.py).
#include <cstddef>
#include <cstdint>

namespace headscope::core::unicode {

enum CharKind : uint8_t
{
    Other = 0,
    Space, // \t \n \r, Zs
    Ctrl,  // other C* categories
    Punct, // P*
    Mark,  // Mn
};

struct CategoryRange
{
    char32_t first, last;
    CharKind kind;
};

// Code points first, first + stride, ..., last lower-case to cp + delta.
struct LowerRange
{
    char32_t first, last;
    int32_t delta;
    int32_t stride;
};

struct CombiningRange
{
    char32_t first, last;
    uint8_t ccc; // canonical combining class
};

struct Decomposition
{
    char32_t cp, first, second; // second == 0 for singletons
    uint8_t composable;         // NFC recomposes first + second into cp
};

// Major general category, for sacreBLEU's intl tokenizer (regex's \p{N}, \p{P}, \p{S}).
enum GeneralClass : uint8_t
{
    GcOther = 0,
    GcNumber, // N*
    GcPunct,  // P*
    GcSymbol, // S*
};

struct GeneralClassRange
{
    char32_t first, last;
    GeneralClass cls;
};

extern const CategoryRange kCategoryRanges[];
extern const size_t kCategoryRangeCount;
extern const LowerRange kLowerRanges[];
extern const size_t kLowerRangeCount;
extern const CombiningRange kCombiningRanges[];
extern const size_t kCombiningRangeCount;
extern const Decomposition kDecompositions[];
extern const size_t kDecompositionCount;
extern const GeneralClassRange kGeneralClassRanges[];
extern const size_t kGeneralClassRangeCount;

} // namespace headscope::core::unicode
