#pragma once
// The JSON form of translation-model results (schema 2, docs/cli.md), the counterpart of
// result_json.h for Seq2SeqModel analyses. Per-head values are keyed by attention type as in
// mask files: {"encoder_self": [[...]], "encoder_decoder": [[...]], "decoder_self": [[...]]}.
//
//   doc["model"] = report::seq2seqModelJson(*model);
//   doc["results"][report::resultKey(ablation)] = report::toJson(ablation);
//   auto back = report::translationAblationFromJson(doc["results"]["ablation"]);
#include "analysis/head_matrices.h"
#include "analysis/translation_ablation.h"
#include "analysis/translation_checkpoint_series.h"
#include "analysis/translation_compare.h"
#include "analysis/translation_eval.h"
#include "analysis/translation_importance.h"
#include "analysis/translation_latency.h"
#include "analysis/translation_prune_curve.h"
#include "analysis/translation_set.h"
#include "mask/seq2seq_masks.h"
#include "metrics/bleu.h"
#include "report/json_text.h"
#include "util/result.h"

#include <string>

namespace headscope::core {
class Seq2SeqModel;
}

namespace headscope::core::report {

// --- building blocks -------------------------------------------------------------------------

/// {"encoder_self": [[...]], "encoder_decoder": ..., "decoder_self": ...}; NaN as null.
Json headMatricesJson(const HeadMatrices& m);
HeadMatrices headMatricesFromJson(const Json& j); // throws on a missing type
/// {"descriptor": "E:0:1 A:1:1", "n_masked", "pruned": {each type: {"layer": [heads]}}}.
Json seq2seqMasksJson(const Seq2SeqMasks& masks);
/// The masks of a seq2seqMasksJson block, shaped as `shapes` (model.fullMasks()).
Result<Seq2SeqMasks> seq2seqMasksFromJson(const Json& j, const Seq2SeqMasks& shapes);
/// Corpus BLEU as the bleu command writes it: score, precisions, counts, totals, bp, ratio,
/// sys_len, ref_len, n_refs, n_segments, tokenize, lowercase, smooth, smooth_value, signature.
Json bleuScoreJson(const BleuScore& s, const BleuParams& params, int nRefs, size_t nSegments,
                   const std::string& signature);
/// The score and the settings of a bleuScoreJson block.
BleuScore bleuScoreFromJson(const Json& j, BleuParams* params = nullptr);

/// {"path", "architecture", "encoder_layers", "decoder_layers", "encoder_heads",
/// "decoder_heads", "heads_per_layer" (by type), "parameters", "device", "precision"}.
Json seq2seqModelJson(const Seq2SeqModel& model);
/// {"source", "reference", "n"}: the test set files and size.
Json translationDataJson(const TranslationSet& set);

// --- results ---------------------------------------------------------------------------------

const char* resultKey(const TranslationEvalResult&);          // "translation"
const char* resultKey(const TranslationImportanceResult&);    // "importance"
const char* resultKey(const TranslationAblationResult& r);    // "ablation" or "keep_one"
const char* resultKey(const TranslationPruneCurveSet&);       // "prune_curves"
const char* resultKey(const TranslationLatencyResult&);       // "latency"
const char* resultKey(const TranslationCompareResult&);       // "compare"
const char* resultKey(const TranslationCheckpointSeriesResult&); // "checkpoints"

/// beam_size, max_length, batch_size, mask, bleu (null without references), chrf, bootstrap,
/// latency (tokens/s, sentences/s, seconds), hypotheses (withHypotheses).
Json toJson(const TranslationEvalResult& r, bool withHypotheses = true);
/// shapes: model.fullMasks(), for the mask.
Result<TranslationEvalResult> translationEvalFromJson(const Json& j, const Seq2SeqMasks& shapes);

/// One update of a running evaluation (a line of `eval --stream`): index, done, total and the
/// corpus BLEU of the finished sentences.
Json toJson(const TranslationPartial& p);

Json toJson(const TranslationImportanceResult& r);
Result<TranslationImportanceResult> translationImportanceFromJson(const Json& j);

Json toJson(const TranslationAblationResult& r, double alpha = 0.01);
Result<TranslationAblationResult> translationAblationFromJson(const Json& j);

Json toJson(const TranslationPruneCurveSet& s);
/// shapes: model.fullMasks(), for the points' masks.
Result<TranslationPruneCurveSet> translationPruneCurvesFromJson(const Json& j, const Seq2SeqMasks& shapes);

/// batch_sizes, beam_size, max_length, warmup_runs, timed_runs, mask, n_sentences, device and
/// one row per variant and batch size (seconds per pass, tokens/s, sentences/s, parameters,
/// speed-up in tokens/s over the original at that batch size).
Json toJson(const TranslationLatencyResult& r);
/// shapes: model.fullMasks(), for the mask.
Result<TranslationLatencyResult> translationLatencyFromJson(const Json& j, const Seq2SeqMasks& shapes);

/// a / b (source, reference, n, bleu, importance), correlation per type and all_types
/// ({"pearson", "spearman", "n"}), seconds.
Json toJson(const TranslationCompareResult& r);
Result<TranslationCompareResult> translationCompareFromJson(const Json& j);

/// {"source", "reference", "n", "checkpoints": [{"name", "path", "epoch", "encoder_layers",
/// "decoder_layers", "heads", "parameters", "bleu", "importance"?, "prune_curves"?}], "seconds"}.
Json toJson(const TranslationCheckpointSeriesResult& r);
Result<TranslationCheckpointSeriesResult> translationCheckpointsFromJson(const Json& j);

} // namespace headscope::core::report
