#pragma once
// WordPiece tokenizer with Hugging Face BertTokenizer semantics.
//
//   auto tok = WordPieceTokenizer::fromModelDir("models/bert");   // vocab.txt or tokenizer.json
//   Encoding e = tok->encode("A sentence.", std::nullopt, 128);
#include "util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace headscope::core {

struct Encoding
{
    std::vector<std::string> tokens;   // with [CLS] / [SEP]
    std::vector<int64_t> inputIds;
    std::vector<int64_t> tokenTypeIds; // 0 for text A (and its [CLS]/[SEP]), 1 for text B
};

struct TokenizerOptions
{
    bool doLowerCase = true;
    /// Unset: follows doLowerCase, as BertTokenizer does.
    std::optional<bool> stripAccents;
    bool tokenizeChineseChars = true;
    int maxInputCharsPerWord = 100;
    int modelMaxLength = 512;
};

class WordPieceTokenizer
{
public:
    /// Reads vocab.txt, or tokenizer.json (model type WordPiece) when there is no vocab.txt;
    /// tokenizer_config.json (do_lower_case, strip_accents, model_max_length) when present.
    static Result<WordPieceTokenizer> fromModelDir(const std::string& dir);
    static Result<WordPieceTokenizer> fromVocabTxt(const std::string& path, TokenizerOptions options);
    static Result<WordPieceTokenizer> fromTokenizerJson(const std::string& path);

    /// Basic + WordPiece tokenisation, no special tokens.
    std::vector<std::string> tokenize(const std::string& text) const;
    /// [CLS] a [SEP] (b [SEP]), truncated longest-first so that the total is <= maxLength
    /// (maxLength <= 0 means the options' modelMaxLength).
    Encoding encode(const std::string& textA, const std::optional<std::string>& textB, int maxLength = 0) const;

    int64_t tokenToId(const std::string& token) const; // [UNK]'s id when absent
    const std::string& idToToken(int64_t id) const;
    size_t vocabSize() const { return m_idToToken.size(); }
    const TokenizerOptions& options() const { return m_options; }
    int64_t clsId() const { return m_clsId; }
    int64_t sepId() const { return m_sepId; }
    int64_t padId() const { return m_padId; }
    int64_t unkId() const { return m_unkId; }

private:
    std::vector<std::string> basicTokenize(const std::string& text) const;
    void wordpiece(const std::string& word, std::vector<std::string>& out) const;
    void finishVocab(const std::string& path);
    void addToken(const std::string& token, int64_t id);
    void tokenizeSegment(const std::string& text, std::vector<std::string>& out) const;

    TokenizerOptions m_options;
    std::unordered_map<std::string, int64_t> m_tokenToId;
    std::vector<std::string> m_idToToken;
    std::string m_continuingPrefix = "##";
    std::string m_unkToken = "[UNK]";
    int64_t m_clsId = 0, m_sepId = 0, m_padId = 0, m_unkId = 0;
    std::vector<std::string> m_specialTokens; // kept whole when they appear in the text
    bool m_cleanText = true;
    bool m_normalizeNfc = true; // BertTokenizer (slow) applies NFC; the tokenizers library does not
    size_t m_maxTokenChars = 0; // longest vocabulary entry in code points, bounds the greedy search
};

} // namespace headscope::core
