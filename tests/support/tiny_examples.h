#pragma once
// Already-tokenised random examples over the tiny vocabulary, for tests that feed the engine
// directly (no tokenizer in between).
#include "analysis/encoded_dataset.h"
#include "tiny_random.h"
#include "tiny_vocab.h"

namespace headscope::testing {

/// Appends one example of `length` tokens: [CLS], random word ids (ids 5 and up), [SEP];
/// segment 0; a label of 0 or 1 drawn after the ids. Counts its tokens in data.nTokens.
inline void appendRandomExample(core::EncodedDataset& data, TinyRandom& rng, int length)
{
    const int64_t vocab = int64_t(tinyVocab().size());
    core::EncodedExample e;
    e.inputIds.push_back(2);
    for (int t = 0; t < length - 2; ++t)
        e.inputIds.push_back(5 + int64_t(rng.below(uint64_t(vocab - 5))));
    e.inputIds.push_back(3);
    e.tokenTypeIds.assign(e.inputIds.size(), 0);
    e.label = int(rng.below(2));
    data.nTokens += int64_t(e.inputIds.size());
    data.examples.push_back(std::move(e));
}

} // namespace headscope::testing
