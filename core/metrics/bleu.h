#pragma once
// Corpus and sentence BLEU exactly as sacreBLEU 2.x computes them: value types, the score from
// sufficient statistics, the signature, and one-call corpus BLEU on lines or on files.
// BleuScorer (bleu_scorer.h) caches the references when several systems are scored.
//
//   BleuParams params;                      // 13a, mixed case, exp smoothing
//   auto r = bleuFromFiles("hyp.txt", {"ref.txt"}, params, HEADSCOPE_VERSION);
//   if (r) printf("%s = %.2f\n", r->signature.c_str(), r->corpus.score);
//   // Partial corpus BLEU as sentences finish: add r->segments[i] into a BleuStats and call
//   // computeBleu(sum, params).
#include "metrics/bleu_tokenizer.h"
#include "util/result.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace headscope::core {

/// sacreBLEU's MAX_NGRAM_ORDER.
constexpr int kBleuMaxOrder = 4;

enum class BleuSmoothing
{
    Exp,   // "exp": NIST geometric halving for zero-count orders (the default)
    Floor, // "floor": zero counts get smoothValue (default 0.1) matches
    AddK,  // "add-k": orders 2..4 get smoothValue (default 1) added to counts and totals
    None,  // "none"
};

/// "exp", "floor", "add-k" or "none"; nullopt otherwise.
std::optional<BleuSmoothing> parseBleuSmoothing(std::string_view name);
const char* bleuSmoothingName(BleuSmoothing smoothing);

struct BleuParams
{
    BleuTokenizer tokenizer = BleuTokenizer::Mteval13a;
    bool lowercase = false;
    BleuSmoothing smoothing = BleuSmoothing::Exp;
    std::optional<double> smoothValue; // nullopt: sacreBLEU's default for the method
};

/// Sufficient statistics of one segment (or, summed, of a corpus): what sacreBLEU keeps per
/// sentence. Summing segments and calling computeBleu gives corpus BLEU.
struct BleuStats
{
    int64_t sysLen = 0; // hypothesis tokens
    int64_t refLen = 0; // closest reference length (ties -> the shorter)
    std::array<int64_t, kBleuMaxOrder> counts{}; // clipped n-gram matches, n = 1..4
    std::array<int64_t, kBleuMaxOrder> totals{}; // hypothesis n-grams, n = 1..4

    BleuStats& operator+=(const BleuStats& other);
    BleuStats& operator-=(const BleuStats& other);
};

struct BleuScore
{
    double score = 0.0; // 0..100
    std::array<double, kBleuMaxOrder> precisions{}; // 0..100, after smoothing
    std::array<int64_t, kBleuMaxOrder> counts{};    // unsmoothed (see computeBleu)
    std::array<int64_t, kBleuMaxOrder> totals{};
    double bp = 0.0;    // brevity penalty
    double ratio = 0.0; // sysLen / refLen, 0 when refLen == 0
    int64_t sysLen = 0;
    int64_t refLen = 0;
};

struct BleuResult
{
    BleuScore corpus;                // effective order off, as sacreBLEU's corpus_score
    std::vector<BleuStats> segments; // per input line, for partial sums and bootstrap
    int nRefs = 0;
    std::string signature;           // "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:X"
};

/// sacreBLEU's BLEU.compute_bleu. effectiveOrder averages only the orders the hypothesis has
/// n-grams for (sentence BLEU). Unlike sacreBLEU, add-k leaves the reported counts and totals
/// unsmoothed (sacreBLEU adds k to them in place); precisions and score are the same.
BleuScore computeBleu(const BleuStats& stats, const BleuParams& params, bool effectiveOrder = false);

/// Sentence BLEU of one segment's statistics: computeBleu with effective order, as
/// sacreBLEU's sentence_bleu.
BleuScore sentenceBleu(const BleuStats& stats, const BleuParams& params);

/// The smoothing value in use (the method's default when params.smoothValue is unset).
double bleuSmoothValue(const BleuParams& params);

/// sacreBLEU's signature: nrefs, case (mixed|lc), eff (yes|no), tok, smooth (with [value] for
/// floor and add-k), version.
std::string bleuSignature(const BleuParams& params, int nRefs, const std::string& version,
                          bool effectiveOrder = false);

/// Tokens of one line as sacreBLEU's BLEU sees them: lowercase (optional), trailing whitespace
/// stripped, tokenized, split on whitespace.
std::vector<std::string> bleuTokens(std::string_view line, const BleuParams& params);

/// Corpus BLEU of hypotheses against one or more reference streams (refStreams[k][i] is the
/// k-th reference of line i). Fails when a stream's length differs from the hypotheses'.
Result<BleuResult> corpusBleu(const std::vector<std::string>& hypotheses,
                              const std::vector<std::vector<std::string>>& refStreams,
                              const BleuParams& params, const std::string& version);

/// corpusBleu on files read as the sacrebleu command reads them (readTextLines). A line count
/// that differs from the hypothesis file's is an error naming the file.
Result<BleuResult> bleuFromFiles(const std::string& hypothesisPath,
                                 const std::vector<std::string>& referencePaths,
                                 const BleuParams& params, const std::string& version);

} // namespace headscope::core
