#pragma once
// A dataset tokenised once for a model, reused by every analysis.
#include "data/dataset.h"
#include "text/wordpiece_tokenizer.h"

#include <cstdint>
#include <vector>

namespace headscope::core {

struct EncodedExample
{
    std::vector<int64_t> inputIds;
    std::vector<int64_t> tokenTypeIds;
    int label = -1;
};

struct EncodedDataset
{
    std::vector<EncodedExample> examples;
    int64_t nTokens = 0; // non-padding tokens over all examples
    int maxLength = 0;
    size_t size() const { return examples.size(); }
};

/// Tokenises every example ([CLS] a [SEP] (b [SEP]), longest-first truncation to maxLength).
EncodedDataset encodeDataset(const WordPieceTokenizer& tokenizer, const Dataset& dataset, int maxLength);

/// Batches as lists of example indices: sorted by length (less padding) or in file order.
std::vector<std::vector<size_t>> makeBatches(const EncodedDataset& data, int batchSize, bool sortByLength);

} // namespace headscope::core
