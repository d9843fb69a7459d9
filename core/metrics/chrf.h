#pragma once
// chrF and chrF++ as sacreBLEU 2.x computes them (Popović 2015/2017): character n-grams of
// orders 1..charOrder (whitespace removed), optionally word n-grams 1..wordOrder, F-beta of the
// averaged precision and recall.
//
//   ChrfParams p;                 // chrF2: char order 6, word order 0, beta 2
//   p.wordOrder = 2;              // chrF2++
//   auto r = corpusChrf(hyps, {refs}, p, HEADSCOPE_VERSION);   // r->score in 0..100
#include "util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

struct ChrfParams
{
    int charOrder = 6;
    int wordOrder = 0; // 2 = chrF++
    int beta = 2;
    bool lowercase = false;
    bool whitespace = false;   // keep whitespace inside character n-grams
    bool epsSmoothing = false; // chrF++.py's epsilon smoothing instead of effective order
};

/// Per segment: [hyp n-grams, ref n-grams, matches] for each order (char orders first).
using ChrfStats = std::vector<int64_t>;

struct ChrfResult
{
    double score = 0.0; // 0..100
    std::vector<ChrfStats> segments;
    int nRefs = 0;
    std::string name;      // "chrF2" or "chrF2++"
    std::string signature; // "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:X"
};

/// The F-score of (summed) statistics, as sacreBLEU's CHRF._compute_f_score.
double chrfFromStats(const ChrfStats& stats, const ChrfParams& params);
/// Statistics of one hypothesis: those of the reference with the best F-score (first on ties).
ChrfStats chrfSegmentStats(const std::string& hypothesis, const std::vector<std::string>& references,
                           const ChrfParams& params);
std::string chrfSignature(const ChrfParams& params, int nRefs, const std::string& version);

/// Corpus chrF; refStreams[k][i] is the k-th reference of line i. Fails on differing lengths.
Result<ChrfResult> corpusChrf(const std::vector<std::string>& hypotheses,
                              const std::vector<std::vector<std::string>>& refStreams,
                              const ChrfParams& params, const std::string& version);

} // namespace headscope::core
