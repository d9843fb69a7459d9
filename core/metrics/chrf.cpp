#include "metrics/chrf.h"
#include "metrics/reference_streams.h"

#include "metrics/detail/ngrams.h"
#include "text/unicode_text.h"

#include <algorithm>
#include <unordered_map>

namespace headscope::core {
namespace {

using CharNgrams = std::unordered_map<std::u32string, long long>;

// One counter per order: char orders 1..charOrder, then word orders 1..wordOrder.
struct Ngrams
{
    std::vector<CharNgrams> chars;
    std::vector<detail::NgramCounts> words;
};

std::vector<std::u32string> splitWords(const std::u32string& s)
{
    std::vector<std::u32string> words;
    std::u32string cur;
    for (char32_t c : s) {
        if (unicode::isSplitSpace(c)) {
            if (!cur.empty()) words.push_back(std::move(cur));
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
    return words;
}

bool isAsciiPunct(char32_t c)
{
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
}

// sacreBLEU's _remove_punctuation: one ASCII punctuation mark split off the end of a word,
// else off its start ("(hi)" -> "(hi", ")").
std::vector<std::string> wordsForChrf(const std::u32string& sent)
{
    std::vector<std::string> out;
    for (const std::u32string& w : splitWords(sent)) {
        if (w.size() > 1 && isAsciiPunct(w.back())) {
            out.push_back(unicode::encodeUtf8(w.substr(0, w.size() - 1)));
            out.push_back(unicode::encodeUtf8(w.substr(w.size() - 1)));
        } else if (w.size() > 1 && isAsciiPunct(w.front())) {
            out.push_back(unicode::encodeUtf8(w.substr(0, 1)));
            out.push_back(unicode::encodeUtf8(w.substr(1)));
        } else {
            out.push_back(unicode::encodeUtf8(w));
        }
    }
    return out;
}

Ngrams extract(const std::string& sentence, const ChrfParams& params)
{
    std::u32string text = unicode::decodeUtf8(sentence);
    if (params.lowercase) text = unicode::toLower(text);
    std::u32string chars;
    if (params.whitespace) {
        chars = text;
    } else {
        for (const std::u32string& w : splitWords(text)) chars += w;
    }
    Ngrams g;
    g.chars.resize(size_t(std::max(0, params.charOrder)));
    for (size_t n = 1; n <= g.chars.size(); ++n)
        for (size_t i = 0; i + n <= chars.size(); ++i) ++g.chars[n - 1][chars.substr(i, n)];
    if (params.wordOrder > 0) {
        const std::vector<std::string> words = wordsForChrf(text);
        for (int n = 1; n <= params.wordOrder; ++n) g.words.push_back(detail::wordNgrams(words, size_t(n)));
    }
    return g;
}

template <class Counts>
void appendMatchStats(const Counts& hyp, const Counts& ref, ChrfStats& out)
{
    long long hypCount = 0, refCount = 0, match = 0;
    for (const auto& [ngram, count] : hyp) {
        hypCount += count;
        const auto it = ref.find(ngram);
        if (it != ref.end()) match += std::min(count, it->second);
    }
    for (const auto& entry : ref) refCount += entry.second;
    out.push_back(ref.empty() ? 0 : hypCount); // no hits counted without a reference n-gram
    out.push_back(refCount);
    out.push_back(match);
}

} // namespace

double chrfFromStats(const ChrfStats& stats, const ChrfParams& params)
{
    // Same operations in the same order as sacreBLEU's _compute_f_score.
    const double eps = 1e-16;
    const int order = params.charOrder + params.wordOrder;
    const double factor = double(params.beta) * double(params.beta);
    double score = 0.0, avgPrec = 0.0, avgRec = 0.0;
    int effectiveOrder = 0;
    for (int i = 0; i < order && size_t(3 * i + 2) < stats.size(); ++i) {
        const double nHyp = double(stats[size_t(3 * i)]);
        const double nRef = double(stats[size_t(3 * i + 1)]);
        const double nMatch = double(stats[size_t(3 * i + 2)]);
        const double prec = nHyp > 0 ? nMatch / nHyp : eps;
        const double rec = nRef > 0 ? nMatch / nRef : eps;
        const double denom = factor * prec + rec;
        score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
        if (nHyp > 0 && nRef > 0) {
            avgPrec += prec;
            avgRec += rec;
            ++effectiveOrder;
        }
    }
    if (params.epsSmoothing) return 100 * score / order;
    if (effectiveOrder == 0) {
        avgPrec = avgRec = 0.0;
    } else {
        avgPrec /= effectiveOrder;
        avgRec /= effectiveOrder;
    }
    if (avgPrec + avgRec == 0.0) return 0.0;
    score = (1 + factor) * avgPrec * avgRec;
    score /= (factor * avgPrec) + avgRec;
    return 100 * score;
}

ChrfStats chrfSegmentStats(const std::string& hypothesis, const std::vector<std::string>& references,
                           const ChrfParams& params)
{
    const Ngrams hyp = extract(hypothesis, params);
    ChrfStats best;
    double bestF = -1.0;
    for (const std::string& reference : references) {
        const Ngrams ref = extract(reference, params);
        ChrfStats stats;
        for (size_t n = 0; n < hyp.chars.size(); ++n) appendMatchStats(hyp.chars[n], ref.chars[n], stats);
        for (size_t n = 0; n < hyp.words.size(); ++n) appendMatchStats(hyp.words[n], ref.words[n], stats);
        const double f = chrfFromStats(stats, params);
        if (f > bestF) {
            bestF = f;
            best = std::move(stats);
        }
    }
    return best;
}

std::string chrfSignature(const ChrfParams& params, int nRefs, const std::string& version)
{
    return "nrefs:" + std::to_string(nRefs) + "|case:" + (params.lowercase ? "lc" : "mixed") +
           "|eff:" + (params.epsSmoothing ? "no" : "yes") + "|nc:" + std::to_string(params.charOrder) +
           "|nw:" + std::to_string(params.wordOrder) + "|space:" + (params.whitespace ? "yes" : "no") +
           "|version:" + version;
}

Result<ChrfResult> corpusChrf(const std::vector<std::string>& hypotheses,
                              const std::vector<std::vector<std::string>>& refStreams,
                              const ChrfParams& params, const std::string& version)
{
    if (auto error = checkReferenceStreams("chrF", hypotheses.size(), refStreams))
        return *error;
    if (params.charOrder < 0 || params.wordOrder < 0 || params.charOrder + params.wordOrder == 0)
        return Error{ErrorCode::InvalidArgument, "chrF needs a positive character or word order", {}, {}};
    return captureResult([&] {
        ChrfResult result;
        result.nRefs = int(refStreams.size());
        ChrfStats sum(size_t(3 * (params.charOrder + params.wordOrder)), 0);
        std::vector<std::string> refs(refStreams.size());
        for (size_t i = 0; i < hypotheses.size(); ++i) {
            for (size_t k = 0; k < refStreams.size(); ++k) refs[k] = refStreams[k][i];
            result.segments.push_back(chrfSegmentStats(hypotheses[i], refs, params));
            for (size_t j = 0; j < sum.size(); ++j) sum[j] += result.segments.back()[j];
        }
        result.score = chrfFromStats(sum, params);
        result.name = "chrF" + std::to_string(params.beta) + std::string(size_t(params.wordOrder), '+');
        result.signature = chrfSignature(params, result.nRefs, version);
        return result;
    });
}

} // namespace headscope::core
