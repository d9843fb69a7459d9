#include "metrics/bleu.h"

#include "metrics/bleu_scorer.h"
#include "metrics/text_lines.h"
#include "text/unicode_text.h"

#include <cmath>
#include <cstdio>

namespace headscope::core {
namespace {

// sacreBLEU's my_log: log(0) floored to a very low number instead of -inf.
double flooredLog(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

} // namespace

std::optional<BleuSmoothing> parseBleuSmoothing(std::string_view name)
{
    if (name == "exp") return BleuSmoothing::Exp;
    if (name == "floor") return BleuSmoothing::Floor;
    if (name == "add-k") return BleuSmoothing::AddK;
    if (name == "none") return BleuSmoothing::None;
    return std::nullopt;
}

const char* bleuSmoothingName(BleuSmoothing smoothing)
{
    switch (smoothing) {
    case BleuSmoothing::Exp: return "exp";
    case BleuSmoothing::Floor: return "floor";
    case BleuSmoothing::AddK: return "add-k";
    case BleuSmoothing::None: return "none";
    }
    return "none";
}

BleuStats& BleuStats::operator+=(const BleuStats& other)
{
    sysLen += other.sysLen;
    refLen += other.refLen;
    for (int n = 0; n < kBleuMaxOrder; ++n) {
        counts[n] += other.counts[n];
        totals[n] += other.totals[n];
    }
    return *this;
}

BleuStats& BleuStats::operator-=(const BleuStats& other)
{
    sysLen -= other.sysLen;
    refLen -= other.refLen;
    for (int n = 0; n < kBleuMaxOrder; ++n) {
        counts[n] -= other.counts[n];
        totals[n] -= other.totals[n];
    }
    return *this;
}

double bleuSmoothValue(const BleuParams& params)
{
    if (params.smoothValue) return *params.smoothValue;
    switch (params.smoothing) {
    case BleuSmoothing::Floor: return 0.1;
    case BleuSmoothing::AddK: return 1.0;
    case BleuSmoothing::Exp:
    case BleuSmoothing::None: break;
    }
    return 0.0;
}

BleuScore computeBleu(const BleuStats& stats, const BleuParams& params, bool effectiveOrder)
{
    // Follows compute_bleu step by step (same operation order) so that scores agree to the bit.
    BleuScore s;
    s.counts = stats.counts;
    s.totals = stats.totals;
    s.sysLen = stats.sysLen;
    s.refLen = stats.refLen;
    s.ratio = stats.refLen ? double(stats.sysLen) / double(stats.refLen) : 0.0;
    s.bp = 1.0;
    if (stats.sysLen < stats.refLen)
        s.bp = stats.sysLen > 0 ? std::exp(1.0 - double(stats.refLen) / double(stats.sysLen)) : 0.0;

    bool anyMatch = false;
    for (int64_t c : stats.counts) anyMatch = anyMatch || c != 0;
    if (!anyMatch) return s; // score 0, precisions 0 (sacreBLEU issue #141)

    const double k = bleuSmoothValue(params);
    double smoothMteval = 1.0;
    int effOrder = kBleuMaxOrder;
    for (int n = 1; n <= kBleuMaxOrder; ++n) {
        double correct = double(stats.counts[n - 1]);
        double total = double(stats.totals[n - 1]);
        if (params.smoothing == BleuSmoothing::AddK && n > 1) {
            correct += k;
            total += k;
        }
        if (total == 0.0) break;
        if (effectiveOrder) effOrder = n;
        if (correct == 0.0) {
            if (params.smoothing == BleuSmoothing::Exp) {
                smoothMteval *= 2.0;
                s.precisions[n - 1] = 100.0 / (smoothMteval * total);
            } else if (params.smoothing == BleuSmoothing::Floor) {
                s.precisions[n - 1] = 100.0 * k / total;
            }
        } else {
            s.precisions[n - 1] = 100.0 * correct / total;
        }
    }
    double logSum = 0.0;
    for (int n = 0; n < effOrder; ++n) logSum += flooredLog(s.precisions[n]);
    s.score = s.bp * std::exp(logSum / effOrder);
    return s;
}

BleuScore sentenceBleu(const BleuStats& stats, const BleuParams& params)
{
    return computeBleu(stats, params, true);
}

std::string bleuSignature(const BleuParams& params, int nRefs, const std::string& version,
                          bool effectiveOrder)
{
    std::string smooth = bleuSmoothingName(params.smoothing);
    if (params.smoothing == BleuSmoothing::Floor || params.smoothing == BleuSmoothing::AddK) {
        char value[64];
        std::snprintf(value, sizeof value, "[%.2f]", bleuSmoothValue(params));
        smooth += value;
    }
    return "nrefs:" + std::to_string(nRefs) + "|case:" + (params.lowercase ? "lc" : "mixed") +
           "|eff:" + (effectiveOrder ? "yes" : "no") + "|tok:" + bleuTokenizerName(params.tokenizer) +
           "|smooth:" + smooth + "|version:" + version;
}

std::vector<std::string> bleuTokens(std::string_view line, const BleuParams& params)
{
    // sacreBLEU: tokenizer(sent.lower().rstrip()) then str.split().
    std::string text;
    if (params.lowercase)
        text = unicode::encodeUtf8(unicode::toLower(unicode::decodeUtf8(std::string(line))));
    else
        text = std::string(line);
    text = rstripUnicode(text);
    if (params.tokenizer != BleuTokenizer::None) text = bleuTokenize(text, params.tokenizer);

    std::vector<std::string> tokens;
    std::string current;
    for (char32_t c : unicode::decodeUtf8(text)) {
        if (unicode::isSplitSpace(c)) {
            if (!current.empty()) tokens.push_back(std::move(current));
            current.clear();
        } else {
            unicode::appendUtf8(current, c);
        }
    }
    if (!current.empty()) tokens.push_back(std::move(current));
    return tokens;
}

Result<BleuResult> corpusBleu(const std::vector<std::string>& hypotheses,
                              const std::vector<std::vector<std::string>>& refStreams,
                              const BleuParams& params, const std::string& version)
{
    auto scorer = BleuScorer::create(refStreams, params);
    if (!scorer) return scorer.error();
    return scorer->score(hypotheses, version);
}

Result<BleuResult> bleuFromFiles(const std::string& hypothesisPath,
                                 const std::vector<std::string>& referencePaths,
                                 const BleuParams& params, const std::string& version)
{
    if (referencePaths.empty())
        return Error{ErrorCode::InvalidArgument, "BLEU needs at least one reference file", {}, {}};
    auto hyps = readTextLines(hypothesisPath);
    if (!hyps) return hyps.error();
    std::vector<std::vector<std::string>> refs;
    for (const std::string& path : referencePaths) {
        auto lines = readTextLines(path);
        if (!lines) return lines.error();
        if (lines->size() != hyps->size())
            return Error{ErrorCode::InvalidFile,
                         "the reference has " + std::to_string(lines->size()) +
                             " lines but the hypothesis file " + hypothesisPath + " has " +
                             std::to_string(hyps->size()),
                         path, {}};
        refs.push_back(std::move(lines).value());
    }
    return corpusBleu(hyps.value(), refs, params, version);
}

} // namespace headscope::core
