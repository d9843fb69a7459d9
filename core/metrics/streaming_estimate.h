#pragma once
// Estimates of a final number from the part of a dataset evaluated so far.
//
// A streaming evaluation visits the examples in a random (stratified) order, so the n examples
// done are a sample drawn without replacement from the N of the dataset. The quantity of
// interest is the number the full run will report, a property of this finite population; the
// intervals below therefore carry the finite-population correction (N - n) / (N - 1) and are
// also clipped to the values that the remaining N - n examples can still reach, so they shrink
// to the exact value when n == N.
#include "metrics/statistics.h"

#include <cstdint>

namespace headscope::core {

struct StreamingEstimate
{
    double value = 0.0;   // point estimate of the final number (unbiased under random order)
    Interval interval;    // 95% (or the z given) interval for the final number
    int64_t n = 0;        // examples behind it
    int64_t population = 0;
    bool exact() const { return n >= population; }
    double width() const { return interval.high - interval.low; }
};

/// Final accuracy of N examples, nCorrect of the first n right: Wilson score interval with
/// the effective sample size n / fpc, intersected with [nCorrect / N, (nCorrect + N - n) / N].
StreamingEstimate estimateFinalAccuracy(int64_t nCorrect, int64_t n, int64_t population,
                                        double z = 1.959963984540054);

/// Final change of accuracy (current minus baseline) from paired outcomes of n examples:
/// baselineOnly = right with the baseline and wrong now, currentOnly = the reverse. Wald
/// interval on the table with 1/2 added to every cell (Agresti & Min 2005, which keeps a
/// non-zero width when no prediction has changed yet), times the finite-population correction,
/// intersected with what the remaining examples can still change.
StreamingEstimate estimateFinalPairedDelta(int64_t baselineOnly, int64_t currentOnly, int64_t n,
                                           int64_t population, double z = 1.959963984540054);

} // namespace headscope::core
