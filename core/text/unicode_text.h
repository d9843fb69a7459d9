#pragma once
// Private: the Unicode operations BertTokenizer borrows from Python (str.lower, NFD/NFC,
// character categories), backed by the tables in unicode_tables.cpp.
#include "text/unicode_tables.h"

#include <string>

namespace headscope::core::unicode {

/// Decodes UTF-8; each invalid or truncated byte sequence becomes U+FFFD.
std::u32string decodeUtf8(const std::string& text);
/// Appends one code point encoded as UTF-8.
void appendUtf8(std::string& out, char32_t cp);
std::string encodeUtf8(const std::u32string& text);

/// Space, Ctrl, Punct, Mark or Other (Python's unicodedata.category, grouped).
CharKind charKind(char32_t cp);
/// Number, punctuation, symbol or other (the first letter of unicodedata.category).
GeneralClass generalClass(char32_t cp);
/// BertTokenizer's _is_whitespace: space, \t, \n, \r and Zs.
bool isWhitespace(char32_t cp);
/// BertTokenizer's _is_control: categories C* except \t, \n, \r.
bool isControl(char32_t cp);
/// BertTokenizer's _is_punctuation: ASCII symbols 33-47, 58-64, 91-96, 123-126 and P*.
bool isPunctuation(char32_t cp);
/// BertTokenizer's _is_chinese_char: the CJK Unified Ideograph blocks.
bool isChineseChar(char32_t cp);
/// Characters Python's str.split() treats as separators once the text has been cleaned.
bool isSplitSpace(char32_t cp);

/// Python's str.lower(): simple mappings, U+0130 -> "i\u0307", final sigma.
std::u32string toLower(const std::u32string& text);
/// NFD, then drops nonspacing marks (Mn), as BertTokenizer's _run_strip_accents.
std::u32string stripAccents(const std::u32string& text);
/// NFC for text in canonical order: singletons are replaced, base + mark pairs composed.
std::u32string composeNfc(const std::u32string& text);

} // namespace headscope::core::unicode
