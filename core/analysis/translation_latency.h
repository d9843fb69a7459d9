#pragma once
// Decoding speed of a translation model on a test set: the original model, the same with head
// masks, and the structurally pruned copy (the translation side of the latency lab).
//
//   TranslationLatencyParams p;
//   p.masks = halfOfTheHeads;                     // empty: the original only
//   auto r = measureTranslationLatency(*model, set, p);
//   for (const auto& m : r->measurements) show(m.variant, m.batchSize, m.tokensPerSecond);
#include "analysis/translation_set.h"
#include "mask/seq2seq_masks.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

class Seq2SeqModel;

struct TranslationLatencyParams
{
    std::vector<int> batchSizes{1, 32};
    int beamSize = 1;
    int maxLength = 0;      // 0: the model's
    int warmupRuns = 1;
    int timedRuns = 3;
    Seq2SeqMasks masks;     // the masked and pruned variants' masks; all kept: original only
    bool includeMasked = true;
    bool includePruned = true;
};

struct TranslationLatencyMeasurement
{
    std::string variant;    // "original", "masked", "pruned"
    int batchSize = 0;
    double medianSeconds = 0.0; // one pass over the test set (encode + decode)
    double q1Seconds = 0.0;
    double q3Seconds = 0.0;
    int64_t nTokens = 0;    // generated tokens of one pass
    double tokensPerSecond = 0.0;    // nTokens / median
    double sentencesPerSecond = 0.0;
    int64_t nParameters = 0;
};

struct TranslationLatencyResult
{
    TranslationLatencyParams params;
    std::vector<TranslationLatencyMeasurement> measurements;
    int64_t nSentences = 0;
    std::string device;
};

/// Times whole passes (encode and greedy or beam decode) over the test set for each variant
/// and batch size. Masked and pruned variants may generate different tokens than the original:
/// compare tokens/s, not seconds. Progress counts passes; returning false cancels.
Result<TranslationLatencyResult> measureTranslationLatency(const Seq2SeqModel& model, const TranslationSet& set,
                                                           const TranslationLatencyParams& params,
                                                           const Progress& progress = {});

} // namespace headscope::core
