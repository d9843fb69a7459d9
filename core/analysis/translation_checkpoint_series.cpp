#include "analysis/translation_checkpoint_series.h"

#include "analysis/translation_eval.h"
#include "io/seq2seq_config.h"
#include "model/seq2seq_model.h"
#include "util/error.h"

#include <chrono>

namespace headscope::core {

Result<TranslationCheckpointSeriesResult>
analyzeTranslationCheckpoints(const std::vector<CheckpointInfo>& checkpoints,
                              const TranslationCheckpointSeriesParams& params, const Progress& progress,
                              const TranslationCheckpointCallback& onCheckpoint)
{
    return captureResult([&]() {
        if (checkpoints.empty())
            fail(ErrorCode::InvalidArgument, "no checkpoint to analyse");
        if (params.referencePath.empty())
            fail(ErrorCode::InvalidArgument, "training dynamics need reference translations", params.sourcePath);
        const auto start = std::chrono::steady_clock::now();
        const int64_t n = int64_t(checkpoints.size());
        // Importance (when asked), then the curves or, without them, one evaluation for BLEU.
        const int64_t stagesPer = (params.importance ? 1 : 0) + 1;
        TranslationCheckpointSeriesResult out;
        out.sourcePath = params.sourcePath;
        out.referencePath = params.referencePath;
        for (int64_t i = 0; i < n; ++i) {
            const CheckpointInfo& info = checkpoints[size_t(i)];
            auto scaled = [&](int64_t stage) { return checkpointStageProgress(progress, i, n, stagesPer, stage); };
            if (progress && !scaled(0)(0, 1))
                fail(ErrorCode::Cancelled, "checkpoint analysis cancelled");
            // A classifier among translation checkpoints would otherwise fail on a missing
            // source.spm; say what the folder is instead.
            const auto type = readModelType(info.path);
            if (type && !isSeq2SeqModelType(*type))
                fail(ErrorCode::Unsupported,
                     "this checkpoint is a \"" + *type + "\" classifier, not a translation model", info.path);
            // Result::value() throws the error, which captureResult hands back.
            const auto model = Seq2SeqModel::load(info.path, params.load).value();
            const TranslationSet set =
                loadTranslationSet(*model, params.sourcePath, params.referencePath, params.setOptions).value();
            if (i == 0)
                out.nSentences = int64_t(set.size());

            TranslationCheckpointAnalysis one;
            one.checkpoint = info;
            one.encoderLayers = model->nLayers(AttentionType::EncoderSelf);
            one.decoderLayers = model->nLayers(AttentionType::DecoderSelf);
            one.heads = model->nHeads(AttentionType::EncoderSelf);
            one.nParameters = model->parameterCount();
            int64_t stage = 0;
            if (params.importance) {
                TranslationImportanceParams ip = params.importanceParams;
                ip.masks = model->fullMasks();
                one.importance = computeTranslationImportance(*model, set, ip, scaled(stage++)).value();
            }
            if (params.pruneCurves) {
                TranslationPruneCurveParams cp = params.curveParams;
                cp.scores = {};
                // This checkpoint's own importance orders its curves when it was computed the
                // same way; otherwise the curve call scores the checkpoint itself.
                if (one.importance && cp.importance.normalization == one.importance->params.normalization)
                    cp.scores = one.importance->normalized;
                one.curves = computeTranslationPruneCurves(*model, set, cp, scaled(stage++)).value();
                one.bleu = one.curves->baselineBleu;
            } else {
                TranslationEvalParams ep;
                ep.decode = params.curveParams.decode;
                ep.decode.masks = model->fullMasks();
                ep.bleu = params.curveParams.bleu;
                ep.computeChrf = false;
                one.bleu = evaluateTranslation(*model, set, ep, scaled(stage++)).value().bleu.score;
            }
            if (onCheckpoint)
                onCheckpoint(one);
            out.checkpoints.push_back(std::move(one));
        }
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        out.complete = true;
        return out;
    });
}

} // namespace headscope::core
