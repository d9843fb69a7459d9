#pragma once
// Cross-dataset comparison for translation models (Michel et al. 2019, section 3.4 on the
// translation side): head importance of every attention type on two test sets (e.g. in-domain
// and out-of-domain) and how it correlates per type, with the unmasked BLEU of each set.
//
//   TranslationCompareParams p;
//   auto r = compareTranslationSets(*model, inDomain, outOfDomain, p, progress);
//   r->correlation[size_t(AttentionType::EncoderDecoder)].spearman;
#include "analysis/compare.h"
#include "analysis/translation_eval.h"
#include "analysis/translation_importance.h"
#include "analysis/translation_set.h"
#include "util/result.h"

#include <array>

namespace headscope::core {

class Seq2SeqModel;

struct TranslationCompareParams
{
    TranslationImportanceParams importance;
    DecodeParams decode; // for the BLEU of each set (its masks are importance.masks)
};

struct TranslationCompareResult
{
    TranslationCompareParams params;
    std::string sourceA, referenceA, sourceB, referenceB;
    int64_t nA = 0, nB = 0;
    TranslationImportanceResult importanceA, importanceB;
    double bleuA = 0.0, bleuB = 0.0;
    /// Of the normalised importance, per attention type (indexed by AttentionType), over the
    /// heads the model has.
    std::array<Correlation, 3> correlation{};
    /// The same over every head of the three types together.
    Correlation allTypes;
    double seconds = 0.0;
};

/// Correlates two per-type matrices over the heads the model has (finite on both sides).
Correlation correlateTranslationHeads(const Seq2SeqModel& model, AttentionType type, const Matrix& a,
                                      const Matrix& b);

/// Both sets need references. Progress runs over the four stages (importance and BLEU of A,
/// then of B); returning false cancels.
Result<TranslationCompareResult> compareTranslationSets(const Seq2SeqModel& model, const TranslationSet& a,
                                                        const TranslationSet& b,
                                                        const TranslationCompareParams& params,
                                                        const Progress& progress = {});

} // namespace headscope::core
