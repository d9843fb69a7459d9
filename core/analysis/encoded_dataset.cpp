#include "analysis/encoded_dataset.h"

#include <algorithm>
#include <numeric>

namespace headscope::core {

EncodedDataset encodeDataset(const WordPieceTokenizer& tokenizer, const Dataset& dataset, int maxLength)
{
    EncodedDataset out;
    out.maxLength = maxLength;
    out.examples.reserve(dataset.examples.size());
    for (const auto& ex : dataset.examples) {
        Encoding enc = tokenizer.encode(ex.textA, ex.textB, maxLength);
        EncodedExample e;
        e.inputIds = std::move(enc.inputIds);
        e.tokenTypeIds = std::move(enc.tokenTypeIds);
        e.label = ex.label;
        out.nTokens += int64_t(e.inputIds.size());
        out.examples.push_back(std::move(e));
    }
    return out;
}

std::vector<std::vector<size_t>> makeBatches(const EncodedDataset& data, int batchSize, bool sortByLength)
{
    std::vector<size_t> order(data.examples.size());
    std::iota(order.begin(), order.end(), size_t(0));
    if (sortByLength)
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return data.examples[a].inputIds.size() < data.examples[b].inputIds.size();
        });
    const size_t bs = size_t(std::max(1, batchSize));
    std::vector<std::vector<size_t>> batches;
    for (size_t i = 0; i < order.size(); i += bs)
        batches.emplace_back(order.begin() + long(i), order.begin() + long(std::min(order.size(), i + bs)));
    return batches;
}

} // namespace headscope::core
