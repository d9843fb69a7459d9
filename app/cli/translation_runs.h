#pragma once
// What eval, importance, ablate and prune-curve run when --model is a translation model: the
// per-attention-type analyses of core/analysis/translation_*.h, their JSON and stderr summary.
#include "analysis/ablation.h"
#include "analysis/importance.h"
#include "analysis/translation_prune_curve.h"
#include "cli_options.h"
#include "json_output.h"

#include <string>
#include <vector>

namespace headscope::cli {

class ProgressReporter;

/// The inputs every translation run starts from.
struct TranslationRunInputs
{
    std::string modelDir;
    TranslationOptions translation;
    std::string maskPath;
    int64_t limit = 0;
    CommonOptions common;
};

/// BLEU, chrF, speed and hypotheses; with a mask also the unmasked run and the paired
/// bootstrap. stream: one JSON line per finished sentence on stdout (partial corpus BLEU).
void runTranslationEval(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in, bool stream);

void runTranslationImportance(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                              core::ImportanceNormalization normalization);

struct TranslationAblateOptions
{
    core::AblationMode mode = core::AblationMode::SingleHead;
    std::vector<core::AttentionType> types;
    int64_t subsetSize = 0;
    bool subsetRandom = false;
    double alpha = 0.01;
    bool markSignificant = false;
};
void runTranslationAblation(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                            const TranslationAblateOptions& options);

struct TranslationCurveOptions
{
    std::vector<core::PruneScope> scopes;
    double stepPercent = 10.0;
    int minHeadsPerLayer = 0;
    core::ImportanceNormalization normalization = core::ImportanceNormalization::Layer;
    std::string exportMask;   // write the mask of exportStep (first curve) here
    std::string exportFormat;
    double exportStep = -1.0;
};
void runTranslationPruneCurves(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                               const TranslationCurveOptions& options);

struct TranslationLatencyOptions
{
    std::vector<int> batchSizes{1, 32};
    int warmupRuns = 1;
    int timedRuns = 3;
};
/// Decoding speed of the original model and, with a mask, of the masked and pruned ones.
void runTranslationLatency(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                           const TranslationLatencyOptions& options);

/// Removes the masked heads of all three types and writes the folder; with --src (and --ref)
/// checks that the reloaded model translates as the masked original.
void runTranslationPrune(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                         const std::string& outDir);

/// Importance on the test set of `in` and on `second` (--src2/--ref2), each set's BLEU, and
/// the per-type correlation of the normalised importance.
void runTranslationCompare(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                           const TranslationOptions& second, core::ImportanceNormalization normalization);

} // namespace headscope::cli
