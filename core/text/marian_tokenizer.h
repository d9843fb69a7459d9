#pragma once
// Marian's tokenizer with Hugging Face MarianTokenizer semantics: SentencePiece pieces
// (source.spm for the source, target.spm for the target) mapped to ids through vocab.json.
//
//   auto tok = MarianTokenizer::fromModelDir("models/opus-mt-en-de", config);
//   std::vector<int64_t> ids = tok->encodeSource("Hello world.");  // pieces' ids + </s>
//   std::string text = tok->decodeTarget(generatedIds);           // special tokens skipped
//
// Immutable after loading; copies share the SentencePiece models and may be used from
// several threads at once.
#include "io/seq2seq_config.h"
#include "util/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

class MarianTokenizer
{
public:
    struct State; // the SentencePiece processors and the vocabulary (marian_tokenizer.cpp)

    /// Reads source.spm, target.spm and vocab.json. Errors name the file: missing or unreadable
    /// files, special tokens (</s>, <unk>, <pad>) absent or disagreeing with config.json, ids
    /// outside the vocabulary, or a SentencePiece model whose pieces are mostly not in vocab.json.
    static Result<MarianTokenizer> fromModelDir(const std::string& dir, const Seq2SeqConfig& config);

    /// SentencePiece pieces of a source sentence (a leading ">>xx<<" language code kept whole).
    std::vector<std::string> sourcePieces(const std::string& text) const;
    std::vector<std::string> targetPieces(const std::string& text) const;
    /// Ids of the pieces (unknown pieces -> <unk>) followed by </s>.
    std::vector<int64_t> encodeSource(const std::string& text) const;
    std::vector<int64_t> encodeTarget(const std::string& text) const;
    /// Text of target ids, special tokens (</s>, <pad>, <unk>) skipped, as decode(skip_special_tokens=True).
    std::string decodeTarget(const std::vector<int64_t>& ids) const;

    int64_t tokenToId(const std::string& piece) const; // <unk>'s id when absent
    /// The piece of an id ("" outside the vocabulary).
    const std::string& idToToken(int64_t id) const;
    size_t vocabSize() const;
    int64_t eosId() const;
    int64_t padId() const;
    int64_t unkId() const;
    const std::string& vocabPath() const;

    MarianTokenizer();
    ~MarianTokenizer();
    MarianTokenizer(const MarianTokenizer&);
    MarianTokenizer& operator=(const MarianTokenizer&);
    MarianTokenizer(MarianTokenizer&&) noexcept;
    MarianTokenizer& operator=(MarianTokenizer&&) noexcept;

private:
    std::shared_ptr<const State> m_state;
};

} // namespace headscope::core
