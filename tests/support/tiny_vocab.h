#pragma once
// The fixed WordPiece vocabulary of the tiny test models, a generator of small TSV datasets made
// of its words, and a plain reference tokenizer (independent of core/text).
//
//   auto rows = writeTinyDataset(dir + "/train.tsv", 40, /*pairs=*/false, /*seed=*/7);
//   ReferenceInput in = referenceEncode(tinyVocab(), rows[0].textA, rows[0].textB, 64);
#include "reference_input.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::testing {

/// [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, punctuation, ~70 lowercase words, "##" pieces.
const std::vector<std::string>& tinyVocab();
/// Writes vocab.txt, one token a line.
void writeVocabFile(const std::string& path, const std::vector<std::string>& vocab);

struct TinyExample
{
    std::string textA;
    std::string textB; // empty for single-sentence rows
    int label = 0;
};

/// Writes "sentence<TAB>label" (or "a<TAB>b<TAB>label" when pairs) lines, no header; every
/// seventh row is long (50..90 words); some words are capitalised or need "##" pieces.
/// Returns the rows written, in file order.
std::vector<TinyExample> writeTinyDataset(const std::string& path, int n, bool pairs, uint64_t seed);

/// BERT's basic + WordPiece tokenization for ASCII and Latin-1 text: lower-case, strip accents,
/// split on spaces and punctuation, greedy longest match ([UNK] for a word with no full split).
std::vector<int64_t> referenceTokenize(const std::vector<std::string>& vocab, const std::string& text);
/// [CLS] a [SEP] (b [SEP]) with token types 0/1, truncated to maxLength like BERT's
/// run_classifier (pair: drop from the end of the longer side, b on ties).
ReferenceInput referenceEncode(const std::vector<std::string>& vocab, const std::string& textA,
                               const std::string& textB, int maxLength);

} // namespace headscope::testing
