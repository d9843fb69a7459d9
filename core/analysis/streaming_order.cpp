#include "analysis/streaming_order.h"

#include "demo/demo_random.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace headscope::core {

int streamingStrataCount(size_t nExamples, int batchSize)
{
    const size_t perStratum = size_t(std::max(1, batchSize)) * 8;
    return int(std::clamp<size_t>(nExamples / perStratum, 1, 16));
}

std::vector<std::vector<size_t>> makeStreamingBatches(const EncodedDataset& data, int batchSize, uint64_t seed)
{
    const size_t n = data.examples.size();
    const size_t bs = size_t(std::max(1, batchSize));
    std::vector<size_t> byLength(n);
    std::iota(byLength.begin(), byLength.end(), size_t(0));
    std::stable_sort(byLength.begin(), byLength.end(), [&](size_t a, size_t b) {
        return data.examples[a].inputIds.size() < data.examples[b].inputIds.size();
    });

    // The order is fixed by this file's generator (splitmix64), so the CLI, the GUI and every
    // platform visit the same examples first.
    DemoRandom rng(seed ^ 0x5eed0f5747eaULL);
    const size_t nStrata = size_t(streamingStrataCount(n, batchSize));
    struct Scheduled
    {
        double key;
        size_t stratum;
        std::vector<size_t> batch;
    };
    std::vector<Scheduled> all;
    for (size_t s = 0; s < nStrata; ++s) {
        std::vector<size_t> stratum(byLength.begin() + long(s * n / nStrata),
                                    byLength.begin() + long((s + 1) * n / nStrata));
        rng.shuffle(stratum);
        const size_t nBatches = (stratum.size() + bs - 1) / bs;
        const double phase = rng.unit();
        for (size_t b = 0; b < nBatches; ++b) {
            Scheduled item;
            // Batch b of a stratum of k batches is due at (b + phase) / k: every stratum
            // advances at the same relative pace.
            item.key = (double(b) + phase) / double(nBatches);
            item.stratum = s;
            item.batch.assign(stratum.begin() + long(b * bs),
                              stratum.begin() + long(std::min(stratum.size(), (b + 1) * bs)));
            all.push_back(std::move(item));
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const Scheduled& a, const Scheduled& b) {
        return std::tie(a.key, a.stratum) < std::tie(b.key, b.stratum);
    });
    std::vector<std::vector<size_t>> batches;
    batches.reserve(all.size());
    for (auto& item : all)
        batches.push_back(std::move(item.batch));
    return batches;
}

std::vector<std::vector<size_t>> cutBatches(const std::vector<std::vector<size_t>>& batches, int batchSize)
{
    const size_t bs = size_t(std::max(1, batchSize));
    std::vector<std::vector<size_t>> out;
    for (const auto& b : batches)
        for (size_t i = 0; i < b.size(); i += bs)
            out.emplace_back(b.begin() + long(i), b.begin() + long(std::min(b.size(), i + bs)));
    return out;
}

std::vector<std::vector<size_t>> takeExamples(const std::vector<std::vector<size_t>>& batches, size_t count)
{
    std::vector<std::vector<size_t>> out;
    size_t taken = 0;
    for (const auto& b : batches) {
        if (taken >= count)
            break;
        const size_t k = std::min(b.size(), count - taken);
        out.emplace_back(b.begin(), b.begin() + long(k));
        taken += k;
    }
    return out;
}

} // namespace headscope::core
