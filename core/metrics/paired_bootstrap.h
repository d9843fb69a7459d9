#pragma once
// Paired bootstrap resampling (Koehn 2004) for the significance of a BLEU difference between two
// systems on the same references, with sacreBLEU's paired_bs test statistic.
//
//   auto base = scorer.corpusStats(baselineHyps), sys = scorer.corpusStats(systemHyps);
//   auto r = pairedBootstrapBleu(*base, *sys, params);   // 1,000 resamples, seed 12345
//   // r->delta, r->deltaInterval (95%), r->pValue
//
// Each resample draws n segment indices with replacement (the same indices for both systems)
// and recomputes corpus BLEU from the summed statistics. The p-value follows sacreBLEU's
// _paired_bs_test: with d_b = |BLEU_sys(b) - BLEU_base(b)| and the observed |delta|, the
// statistic is centred under the null hypothesis, s_b = d_b - mean(d), and
//   p = (1 + #{b : s_b >= |delta|}) / (nResamples + 1).
// sacreBLEU counts s_b > |delta|; counting ties too makes two identical systems get p = 1 (no
// evidence) instead of sacreBLEU's 1 / (n + 1); on untied data the two are the same.
// Indices come from std::mt19937_64(seed) with rejection sampling, so the same seed gives the
// same result on every platform (not numpy's generator: the resamples differ from sacreBLEU's).
#include "metrics/bleu.h"
#include "metrics/statistics.h"

namespace headscope::core {

struct PairedBootstrapParams
{
    int nResamples = 1000;
    uint64_t seed = 12345; // sacreBLEU's default SACREBLEU_SEED
};

struct PairedBootstrapResult
{
    double baselineScore = 0.0;
    double systemScore = 0.0;
    double delta = 0.0;     // systemScore - baselineScore
    Interval deltaInterval; // 95% percentile interval of the resampled deltas
    double pValue = 1.0;    // see the header comment
    double systemMean = 0.0; // mean resampled system BLEU (sacreBLEU's mu)
    double systemCi = 0.0;   // half-width of its 95% interval (sacreBLEU's +-)
    int nResamples = 0;
    uint64_t seed = 0;
};

/// Paired bootstrap of system vs baseline from per-segment statistics (same segments, same
/// references). Fails when the sizes differ or are zero, or nResamples < 1; progress is called
/// every 100 resamples and cancels when it returns false.
Result<PairedBootstrapResult> pairedBootstrapBleu(const std::vector<BleuStats>& baseline,
                                                  const std::vector<BleuStats>& system,
                                                  const BleuParams& params,
                                                  const PairedBootstrapParams& bootstrap = {},
                                                  const Progress& progress = {});

} // namespace headscope::core
