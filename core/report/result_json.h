#pragma once
// The one JSON form of every HeadScope result (schema 2, documented in docs/cli.md). The CLI,
// File > Export and session files all write these objects, so a script reads the same keys
// whichever produced the file:
//
//   Json doc = report::envelope("importance");
//   doc["model"] = report::modelJson(model);
//   doc["results"]["importance"] = report::toJson(importanceResult);
//   auto back = report::importanceFromJson(doc["results"]["importance"]);   // Result<>
//
// Matrices are [layer][head] lists keyed by attention type ({"encoder_self": [[...]]}), NaN is
// written as null. Per-example vectors (ablation correctness, evaluation logits) are not
// written: they scale with the dataset and are recomputed when needed.
#include "analysis/ablation.h"
#include "analysis/attention_stats.h"
#include "analysis/checkpoint_series.h"
#include "analysis/compare.h"
#include "analysis/evaluator.h"
#include "analysis/importance.h"
#include "analysis/latency.h"
#include "analysis/prune_curve.h"
#include "data/dataset_summary.h"
#include "metrics/bleu.h"
#include "mask/head_mask.h"
#include "report/json_text.h"
#include "util/result.h"

#include <cstdint>
#include <string>

namespace headscope::core {
class EncoderModel;
}

namespace headscope::core::report {

/// The schema version every document carries ("schema": 2).
constexpr int kSchemaVersion = 2;
/// HeadScope's version ("0.1.0"), written as "headscope_version".
const char* headscopeVersion();

/// {"schema": 2, "command": command, "headscope_version": "..."}: the start of every document.
Json envelope(const std::string& command);

// --- building blocks -------------------------------------------------------------------------

/// [[...], ...]; NaN (absent heads) becomes null.
Json matrixJson(const Matrix& m);
Matrix matrixFromJson(const Json& j);
/// {"encoder_self": value} (the attention type of every matrix).
Json byType(const Json& value, AttentionType type = AttentionType::EncoderSelf);
/// The value stored under the type; throws nlohmann's out_of_range when absent.
const Json& ofType(const Json& j, AttentionType type = AttentionType::EncoderSelf);

/// HeadScope's 0-based descriptor ("0:1,5 3:0"; "" when nothing is masked or the mask is empty).
std::string descriptorOf(const HeadMask& mask);
/// {"0": [1, 5], "3": [0]}: masked heads per layer, layers without masked heads left out.
Json maskedHeadsJson(const HeadMask& mask);
/// {"descriptor", "n_masked", "pruned": {"encoder_self": {...}}}.
Json maskJson(const HeadMask& mask);
/// The mask of a maskJson block for a model of this shape.
Result<HeadMask> maskFromJson(const Json& j, int nLayers, int nHeads);

/// {"value", "low", "high", "n", "n_correct"}: accuracy with its 95% Wilson interval.
Json accuracyJson(int64_t nCorrect, int64_t n);
/// {"metric": "accuracy", then accuracyJson's keys}: a result's unmasked reference.
Json baselineJson(int64_t nCorrect, int64_t n);

/// {"path", "architecture", "layers", "heads", "heads_per_layer", "parameters", "device", "precision"}
Json modelJson(const EncoderModel& model);
/// {"path", "format", "n", "n_labelled", "pairs", "columns", "skipped", "warnings"}
Json dataJson(const DatasetSummary& data);
Result<DatasetSummary> dataFromJson(const Json& j);

// --- results ---------------------------------------------------------------------------------
// Each toJson has a *FromJson that reads it back (an Error naming the key when it cannot).
// The key a result goes under in a document's "results" object is given by resultKey().

const char* resultKey(const EvalResult&);                      // "evaluation"
const char* resultKey(const ImportanceResult&);                // "importance"
const char* resultKey(const AblationResult& r);                // "ablation" or "keep_one"
const char* resultKey(const EntropyResult&);                   // "entropy"
const char* resultKey(const AttentionView&);                   // "attention"
const char* resultKey(const PruneCurveSet&);                   // "prune_curves"
const char* resultKey(const LatencyResult&);                   // "latency"
const char* resultKey(const CompareResult&);                   // "compare"
const char* resultKey(const CheckpointSeriesResult&);          // "checkpoints"
const char* resultKey(const BleuResult&);                      // "bleu"

/// batch_size, accuracy, mean_loss, latency, predictions (file order; -1 where not evaluated),
/// coverage ("all", "sample", "interval") and stream (the counts and estimates at the end).
Json toJson(const EvalResult& r, int batchSize);
/// One update of a streaming evaluation (a line of `eval --stream`): done, total, population,
/// accuracy so far, the estimate of the final accuracy with its 95% interval and, when paired
/// with a baseline, the estimate of the final change ("delta") and the discordant counts.
Json toJson(const EvalPartial& p);
Result<EvalPartial> evalPartialFromJson(const Json& j);
Result<EvalResult> evaluationFromJson(const Json& j);

Json toJson(const ImportanceResult& r);
Result<ImportanceResult> importanceFromJson(const Json& j);

/// alpha: the level of "significant" (t-test p < alpha).
Json toJson(const AblationResult& r, double alpha = 0.01);
Result<AblationResult> ablationFromJson(const Json& j);

Json toJson(const EntropyResult& r);
Result<EntropyResult> entropyFromJson(const Json& j);

Json toJson(const AttentionView& v);
Result<AttentionView> attentionFromJson(const Json& j);

Json toJson(const PruneCurveSet& s);
Result<PruneCurveSet> pruneCurvesFromJson(const Json& j, int nLayers, int nHeads);

Json toJson(const LatencyResult& r);
Result<LatencyResult> latencyFromJson(const Json& j, int nLayers, int nHeads);

/// Both datasets' blocks are written ("data_a", "data_b"), so the section stands alone.
Json toJson(const CompareResult& r);
Result<CompareResult> compareFromJson(const Json& j);

/// Corpus BLEU as sacreBLEU reports it (score, precisions, counts, totals, bp, ratio, sys_len,
/// ref_len, signature) with the settings; per-segment statistics are not written.
Json toJson(const BleuResult& r, const BleuParams& params);

/// One entry per checkpoint: name, path, epoch, shape and its importance and/or prune_curves.
/// {"name", "path", "epoch" (null when the name has no number)}: the part of a checkpoint's
/// entry both kinds of series write.
Json checkpointInfoJson(const CheckpointInfo& c);
CheckpointInfo checkpointInfoFromJson(const Json& j); // throws on a missing key
Json toJson(const CheckpointSeriesResult& r);
Result<CheckpointSeriesResult> checkpointsFromJson(const Json& j);

} // namespace headscope::core::report
