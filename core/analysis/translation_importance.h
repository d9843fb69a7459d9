#pragma once
// Head importance of a translation model for all three attention types in one pass (Michel et
// al. 2019, section 4.1): I_h = (1/N) sum_x |dL(x)/dxi_h|, L(x) the teacher-forced loss of
// pair x (mean cross-entropy over its target tokens), with per-example mask variables.
//
//   auto r = computeTranslationImportance(*model, set, TranslationImportanceParams{});
//   r->normalized.of(AttentionType::EncoderDecoder);   // [decoder layer][head], per-layer l2
#include "analysis/head_matrices.h"
#include "analysis/importance.h"
#include "analysis/translation_set.h"
#include "mask/seq2seq_masks.h"
#include "util/result.h"

namespace headscope::core {

class Seq2SeqModel;

struct TranslationImportanceParams
{
    /// Layer: each row of each type / its l2 norm (as the encoder side); Global: min-max per type.
    ImportanceNormalization normalization = ImportanceNormalization::Layer;
    int batchSize = 32;
    Seq2SeqMasks masks; // heads already masked (score 0); empty masks: none
};

struct TranslationImportanceResult
{
    TranslationImportanceParams params;
    HeadMatrices raw;        // mean |dL/dxi| per head
    HeadMatrices normalized;
    int64_t nExamples = 0;
    int64_t nTokens = 0;     // target tokens (with </s>)
    double meanLoss = 0.0;   // mean over pairs of L(x)
    double seconds = 0.0;
};

/// Needs references (teacher forcing). Progress counts pairs; returning false cancels.
Result<TranslationImportanceResult> computeTranslationImportance(const Seq2SeqModel& model, const TranslationSet& set,
                                                                 const TranslationImportanceParams& params,
                                                                 const Progress& progress = {});

} // namespace headscope::core
