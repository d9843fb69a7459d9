#pragma once
// Largest absolute logit differences: between two engine runs, and between an engine run and
// the float64 reference encoder on the same tokenised examples.
#include "analysis/encoded_dataset.h"
#include "reference_encoder.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace headscope::testing {

/// Infinity when the shapes differ or there is nothing to compare.
inline double maxLogitDiff(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b)
{
    if (a.size() != b.size() || a.empty())
        return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t c = 0; c < a[i].size(); ++c)
            worst = std::max(worst, std::fabs(double(a[i][c]) - double(b[i][c])));
    return worst;
}

/// got[i] against the reference encoder's logits for data.examples[i]; infinity on a count mismatch.
inline double maxOracleLogitDiff(const std::vector<std::vector<float>>& got, const TinyBertModel& ref,
                                 const core::EncodedDataset& data)
{
    if (got.size() != data.size())
        return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        const auto want = referenceLogits(ref, {data.examples[i].inputIds, data.examples[i].tokenTypeIds});
        for (size_t c = 0; c < want.size(); ++c)
            worst = std::max(worst, std::fabs(double(got[i][c]) - want[c]));
    }
    return worst;
}

} // namespace headscope::testing
