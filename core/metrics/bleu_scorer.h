#pragma once
// BLEU against a fixed set of references, tokenized once: for scoring many systems (one decode
// per masked head) and for live BLEU as sentences finish.
//
//   auto scorer = BleuScorer::create({refs}, params);
//   BleuStats sum;
//   for (each finished sentence i) {
//       sum += scorer->segmentStats(i, hypothesis);
//       show(computeBleu(sum, params).score);   // partial corpus BLEU
//   }
//
// Immutable after create(): safe to share between threads.
#include "metrics/bleu.h"

#include <memory>

namespace headscope::core {

class BleuScorer
{
public:
    /// refStreams[k][i]: the k-th reference of segment i. Fails when there is no stream or
    /// the streams differ in length.
    static Result<BleuScorer> create(const std::vector<std::vector<std::string>>& refStreams,
                                     const BleuParams& params);

    size_t segmentCount() const;
    int nRefs() const;
    const BleuParams& params() const;

    /// Statistics of one hypothesis against the references of segment `segment`
    /// (< segmentCount()).
    BleuStats segmentStats(size_t segment, std::string_view hypothesis) const;
    /// Statistics of every line; fails when there are not segmentCount() hypotheses.
    Result<std::vector<BleuStats>> corpusStats(const std::vector<std::string>& hypotheses) const;
    /// Corpus BLEU with its segments and signature.
    Result<BleuResult> score(const std::vector<std::string>& hypotheses, const std::string& version) const;

private:
    struct Segment;
    BleuScorer() = default;

    BleuParams m_params;
    int m_nRefs = 0;
    std::shared_ptr<const std::vector<Segment>> m_segments;
};

} // namespace headscope::core
