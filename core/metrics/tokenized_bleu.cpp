#include "metrics/tokenized_bleu.h"
#include "metrics/reference_streams.h"

#include "metrics/detail/ngrams.h"

#include <algorithm>

namespace headscope::core {
namespace {

// Perl's split on bytes: \s is space, \t, \n, \v, \f, \r.
std::vector<std::string> splitAscii(const std::string& line, bool lowercase)
{
    std::vector<std::string> tokens;
    std::string cur;
    for (char c : line) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r') {
            if (!cur.empty()) tokens.push_back(std::move(cur));
            cur.clear();
        } else {
            cur.push_back(lowercase && c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
        }
    }
    if (!cur.empty()) tokens.push_back(std::move(cur));
    return tokens;
}

} // namespace

Result<BleuResult> tokenizedBleu(const std::vector<std::string>& hypotheses,
                                 const std::vector<std::vector<std::string>>& refStreams,
                                 bool lowercase)
{
    if (auto error = checkReferenceStreams("BLEU", hypotheses.size(), refStreams))
        return *error;
    return captureResult([&] {
        BleuResult result;
        result.nRefs = int(refStreams.size());
        BleuStats sum;
        for (size_t i = 0; i < hypotheses.size(); ++i) {
            std::vector<long long> refLens;
            detail::NgramCounts maxRef;
            for (const auto& stream : refStreams) {
                const auto tokens = splitAscii(stream[i], lowercase);
                refLens.push_back(static_cast<long long>(tokens.size()));
                for (const auto& [ngram, count] : detail::allWordNgrams(tokens, kBleuMaxOrder)) {
                    long long& best = maxRef[ngram];
                    best = std::max(best, count);
                }
            }
            const auto hyp = splitAscii(hypotheses[i], lowercase);
            BleuStats s;
            s.sysLen = static_cast<int64_t>(hyp.size());
            s.refLen = detail::closestRefLength(s.sysLen, refLens);
            for (const auto& [ngram, count] : detail::allWordNgrams(hyp, kBleuMaxOrder)) {
                const size_t n = detail::ngramOrder(ngram) - 1;
                s.totals[n] += count;
                const auto it = maxRef.find(ngram);
                if (it != maxRef.end()) s.counts[n] += std::min(count, it->second);
            }
            result.segments.push_back(s);
            sum += s;
        }
        // multi-bleu.perl's formula is compute_bleu without smoothing or effective order.
        BleuParams params;
        params.smoothing = BleuSmoothing::None;
        result.corpus = computeBleu(sum, params, false);
        return result;
    });
}

} // namespace headscope::core
