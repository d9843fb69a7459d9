#include "metrics/bleu_scorer.h"

#include "metrics/detail/ngrams.h"

#include <algorithm>

namespace headscope::core {

// The references of one segment: their lengths and, per n-gram, the largest count in any
// reference (the clipping limit).
struct BleuScorer::Segment
{
    std::vector<long long> refLens;
    detail::NgramCounts maxRefCounts;
};

Result<BleuScorer> BleuScorer::create(const std::vector<std::vector<std::string>>& refStreams,
                                      const BleuParams& params)
{
    if (refStreams.empty())
        return Error{ErrorCode::InvalidArgument, "BLEU needs at least one reference stream", {}, {}};
    const size_t nSegments = refStreams.front().size();
    for (size_t k = 1; k < refStreams.size(); ++k)
        if (refStreams[k].size() != nSegments)
            return Error{ErrorCode::InvalidArgument,
                         "reference stream " + std::to_string(k + 1) + " has " +
                             std::to_string(refStreams[k].size()) + " lines but stream 1 has " +
                             std::to_string(nSegments),
                         {}, {}};
    return captureResult([&] {
        auto segments = std::make_shared<std::vector<Segment>>(nSegments);
        for (size_t i = 0; i < nSegments; ++i) {
            Segment& seg = (*segments)[i];
            for (const auto& stream : refStreams) {
                const std::vector<std::string> tokens = bleuTokens(stream[i], params);
                seg.refLens.push_back(static_cast<long long>(tokens.size()));
                for (auto& [ngram, count] : detail::allWordNgrams(tokens, kBleuMaxOrder)) {
                    long long& best = seg.maxRefCounts[ngram];
                    if (count > best) best = count;
                }
            }
        }
        BleuScorer scorer;
        scorer.m_params = params;
        scorer.m_nRefs = static_cast<int>(refStreams.size());
        scorer.m_segments = std::move(segments);
        return scorer;
    });
}

size_t BleuScorer::segmentCount() const { return m_segments ? m_segments->size() : 0; }

int BleuScorer::nRefs() const { return m_nRefs; }

const BleuParams& BleuScorer::params() const { return m_params; }

BleuStats BleuScorer::segmentStats(size_t segment, std::string_view hypothesis) const
{
    const Segment& seg = m_segments->at(segment);
    const std::vector<std::string> tokens = bleuTokens(hypothesis, m_params);
    BleuStats stats;
    stats.sysLen = static_cast<int64_t>(tokens.size());
    stats.refLen = detail::closestRefLength(stats.sysLen, seg.refLens);
    for (const auto& [ngram, count] : detail::allWordNgrams(tokens, kBleuMaxOrder)) {
        const size_t n = detail::ngramOrder(ngram) - 1;
        stats.totals[n] += count;
        const auto it = seg.maxRefCounts.find(ngram);
        if (it != seg.maxRefCounts.end()) stats.counts[n] += std::min(count, it->second);
    }
    return stats;
}

Result<std::vector<BleuStats>> BleuScorer::corpusStats(const std::vector<std::string>& hypotheses) const
{
    if (hypotheses.size() != segmentCount())
        return Error{ErrorCode::InvalidArgument,
                     "there are " + std::to_string(hypotheses.size()) + " hypotheses but " +
                         std::to_string(segmentCount()) + " reference lines",
                     {}, {}};
    return captureResult([&] {
        std::vector<BleuStats> stats;
        stats.reserve(hypotheses.size());
        for (size_t i = 0; i < hypotheses.size(); ++i) stats.push_back(segmentStats(i, hypotheses[i]));
        return stats;
    });
}

Result<BleuResult> BleuScorer::score(const std::vector<std::string>& hypotheses, const std::string& version) const
{
    auto stats = corpusStats(hypotheses);
    if (!stats) return stats.error();
    BleuResult result;
    result.segments = std::move(stats).value();
    BleuStats sum;
    for (const BleuStats& s : result.segments) sum += s;
    result.corpus = computeBleu(sum, m_params, false);
    result.nRefs = m_nRefs;
    result.signature = bleuSignature(m_params, m_nRefs, version, false);
    return result;
}

} // namespace headscope::core
