#include "metrics/paired_bootstrap.h"

#include <algorithm>
#include <limits>
#include <random>

namespace headscope::core {
namespace {

// Uniform index in [0, n) by rejection: unbiased and defined by mt19937_64 alone, unlike
// std::uniform_int_distribution whose algorithm differs between standard libraries.
uint64_t uniformIndex(std::mt19937_64& rng, uint64_t n)
{
    const uint64_t max = std::numeric_limits<uint64_t>::max();
    const uint64_t limit = max - (max % n + 1) % n; // largest multiple of n, minus one
    uint64_t x = rng();
    while (x > limit) x = rng();
    return x % n;
}

// sacreBLEU's estimate_ci bounds: the sorted values at n/40 and n - n/40 - 1.
Interval percentileInterval(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t lower = values.size() / 40;
    return {values[lower], values[values.size() - lower - 1]};
}

} // namespace

Result<PairedBootstrapResult> pairedBootstrapBleu(const std::vector<BleuStats>& baseline,
                                                  const std::vector<BleuStats>& system,
                                                  const BleuParams& params,
                                                  const PairedBootstrapParams& bootstrap,
                                                  const Progress& progress)
{
    if (baseline.size() != system.size())
        return Error{ErrorCode::InvalidArgument,
                     "the systems have different numbers of segments (" + std::to_string(baseline.size()) +
                         " and " + std::to_string(system.size()) + ")",
                     {}, {}};
    if (baseline.empty()) return Error{ErrorCode::InvalidArgument, "no segments to resample", {}, {}};
    if (bootstrap.nResamples < 1) return Error{ErrorCode::InvalidArgument, "nResamples must be at least 1", {}, {}};

    PairedBootstrapResult r;
    r.nResamples = bootstrap.nResamples;
    r.seed = bootstrap.seed;
    BleuStats baseSum, sysSum;
    for (size_t i = 0; i < baseline.size(); ++i) {
        baseSum += baseline[i];
        sysSum += system[i];
    }
    r.baselineScore = computeBleu(baseSum, params).score;
    r.systemScore = computeBleu(sysSum, params).score;
    r.delta = r.systemScore - r.baselineScore;

    const size_t n = baseline.size();
    const auto nb = static_cast<size_t>(bootstrap.nResamples);
    std::mt19937_64 rng(bootstrap.seed);
    std::vector<double> deltas(nb), absDiffs(nb), sysScores(nb);
    for (size_t b = 0; b < nb; ++b) {
        BleuStats bs, ss;
        for (size_t k = 0; k < n; ++k) {
            const size_t i = static_cast<size_t>(uniformIndex(rng, n));
            bs += baseline[i];
            ss += system[i];
        }
        const double base = computeBleu(bs, params).score;
        sysScores[b] = computeBleu(ss, params).score;
        deltas[b] = sysScores[b] - base;
        absDiffs[b] = std::abs(deltas[b]);
        if (progress && (b + 1) % 100 == 0 && !progress(int64_t(b + 1), int64_t(nb)))
            return Error{ErrorCode::Cancelled, "paired bootstrap cancelled", {}, {}};
    }

    double meanAbs = 0.0;
    for (double d : absDiffs) meanAbs += d;
    meanAbs /= double(nb);
    const double observed = std::abs(r.delta);
    size_t atLeast = 0;
    for (double d : absDiffs) atLeast += (d - meanAbs >= observed) ? 1 : 0;
    r.pValue = double(atLeast + 1) / double(nb + 1);

    r.deltaInterval = percentileInterval(deltas);
    const Interval sysInterval = percentileInterval(sysScores);
    r.systemCi = 0.5 * (sysInterval.high - sysInterval.low);
    double mean = 0.0;
    for (double s : sysScores) mean += s;
    r.systemMean = mean / double(nb);
    if (progress) progress(int64_t(nb), int64_t(nb));
    return r;
}

} // namespace headscope::core
