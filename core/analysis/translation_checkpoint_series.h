#pragma once
// Training dynamics of a translation model (Michel et al. 2019, section 6, whose Figure 5 is
// IWSLT de-en): for every checkpoint of a training run, its BLEU on a test set, the importance
// of the heads of each attention type, and pruning curves ordered by that checkpoint's own
// importance.
//
//   auto list = listCheckpoints("translation/checkpoints");     // checkpoint_series.h
//   TranslationCheckpointSeriesParams p;
//   p.sourcePath = "test.src"; p.referencePath = "test.ref";
//   auto r = analyzeTranslationCheckpoints(*list, p, progress);
//   r->checkpoints[3].curves->curves[0].points[5].bleu;          // epoch 4, 50% pruned
#include "analysis/checkpoint_series.h"
#include "analysis/translation_importance.h"
#include "analysis/translation_prune_curve.h"
#include "analysis/translation_set.h"
#include "model/encoder_model.h"
#include "util/result.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace headscope::core {

struct TranslationCheckpointSeriesParams
{
    std::string sourcePath;       // read and tokenised once per checkpoint (vocabularies may differ)
    std::string referencePath;    // needed: BLEU and the teacher-forced importance
    TranslationSetOptions setOptions;
    LoadOptions load;             // device, precision, threads of every checkpoint
    bool importance = true;
    bool pruneCurves = true;
    /// Every checkpoint is scored from its full model (importanceParams.masks is not used).
    TranslationImportanceParams importanceParams;
    /// Scopes, step, decoding and BLEU settings; the order comes from each checkpoint's own
    /// importance (curveParams.scores is not used). Its decode settings also give the BLEU
    /// of a checkpoint when no curve is asked for.
    TranslationPruneCurveParams curveParams;
};

struct TranslationCheckpointAnalysis
{
    CheckpointInfo checkpoint;
    int encoderLayers = 0;
    int decoderLayers = 0;
    int heads = 0;                // per layer, every attention type
    int64_t nParameters = 0;
    double bleu = 0.0;            // unmasked corpus BLEU on the test set
    std::optional<TranslationImportanceResult> importance;
    std::optional<TranslationPruneCurveSet> curves;
};

struct TranslationCheckpointSeriesResult
{
    std::vector<TranslationCheckpointAnalysis> checkpoints; // in the order of the list
    std::string sourcePath;
    std::string referencePath;
    int64_t nSentences = 0;
    double seconds = 0.0;
    bool complete = false;        // every checkpoint analysed (false in the callback's partial views)
};

using TranslationCheckpointCallback = std::function<void(const TranslationCheckpointAnalysis&)>;

/// Loads each checkpoint in turn (a classifier checkpoint is an error naming its folder),
/// reads the test set with its tokenizer and runs the requested analyses. Progress covers the
/// whole series, each checkpoint counting the same; returning false cancels.
Result<TranslationCheckpointSeriesResult>
analyzeTranslationCheckpoints(const std::vector<CheckpointInfo>& checkpoints,
                              const TranslationCheckpointSeriesParams& params, const Progress& progress = {},
                              const TranslationCheckpointCallback& onCheckpoint = {});

} // namespace headscope::core
