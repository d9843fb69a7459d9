#include "metrics/streaming_estimate.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace headscope::core {

namespace {

/// (N - n) / (N - 1): the variance factor of sampling n of N without replacement.
double finitePopulationCorrection(int64_t n, int64_t population)
{
    if (population <= 1)
        return 0.0;
    return std::clamp(double(population - n) / double(population - 1), 0.0, 1.0);
}

Interval clip(Interval i, double low, double high)
{
    i.low = std::clamp(i.low, low, high);
    i.high = std::clamp(i.high, low, high);
    return i;
}

} // namespace

StreamingEstimate estimateFinalAccuracy(int64_t nCorrect, int64_t n, int64_t population, double z)
{
    StreamingEstimate e;
    population = std::max<int64_t>(population, 0);
    n = std::clamp<int64_t>(n, 0, population);
    nCorrect = std::clamp<int64_t>(nCorrect, 0, n);
    e.n = n;
    e.population = population;
    if (population == 0)
        return e;
    const double N = double(population);
    // What the N - n examples still to come can do: all wrong, all right.
    const double reachLow = double(nCorrect) / N;
    const double reachHigh = double(nCorrect + population - n) / N;
    if (n == 0) {
        e.value = 0.5 * (reachLow + reachHigh);
        e.interval = {reachLow, reachHigh};
        return e;
    }
    const double p = double(nCorrect) / double(n);
    e.value = p;
    const double fpc = finitePopulationCorrection(n, population);
    if (fpc <= 0.0) {
        e.interval = {p, p};
        return e;
    }
    const double nEff = double(n) / fpc;
    const double z2 = z * z;
    const double denom = 1.0 + z2 / nEff;
    const double centre = (p + z2 / (2.0 * nEff)) / denom;
    const double half = z / denom * std::sqrt(p * (1.0 - p) / nEff + z2 / (4.0 * nEff * nEff));
    e.interval = clip({centre - half, centre + half}, reachLow, reachHigh);
    return e;
}

StreamingEstimate estimateFinalPairedDelta(int64_t baselineOnly, int64_t currentOnly, int64_t n, int64_t population,
                                           double z)
{
    StreamingEstimate e;
    population = std::max<int64_t>(population, 0);
    n = std::clamp<int64_t>(n, 0, population);
    baselineOnly = std::clamp<int64_t>(baselineOnly, 0, n);
    currentOnly = std::clamp<int64_t>(currentOnly, 0, n - baselineOnly);
    e.n = n;
    e.population = population;
    if (population == 0)
        return e;
    const double N = double(population);
    const double rest = double(population - n);
    const double sumSoFar = double(currentOnly - baselineOnly);
    // Every example still to come adds -1, 0 or +1 to the sum of paired differences.
    const double reachLow = (sumSoFar - rest) / N;
    const double reachHigh = (sumSoFar + rest) / N;
    if (n == 0) {
        e.value = 0.0;
        e.interval = {reachLow, reachHigh};
        return e;
    }
    e.value = sumSoFar / double(n);
    const double fpc = finitePopulationCorrection(n, population);
    if (fpc <= 0.0) {
        e.interval = {e.value, e.value};
        return e;
    }
    // Agresti-Min: half an observation added to each of the four cells of the paired table.
    const double nAdj = double(n) + 2.0;
    const double b = double(baselineOnly) + 0.5;
    const double c = double(currentOnly) + 0.5;
    const double diff = (c - b) / nAdj;
    const double variance = std::max(0.0, ((b + c) / nAdj - diff * diff) / nAdj) * fpc;
    const double half = z * std::sqrt(variance);
    e.interval = clip({diff - half, diff + half}, reachLow, reachHigh);
    return e;
}

} // namespace headscope::core
