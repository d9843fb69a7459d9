#include "analysis/translation_importance.h"

#include "model/seq2seq_inference.h"
#include "model/seq2seq_model.h"

#include <chrono>
#include <cmath>

namespace headscope::core {

Result<TranslationImportanceResult> computeTranslationImportance(const Seq2SeqModel& model, const TranslationSet& set,
                                                                 const TranslationImportanceParams& params,
                                                                 const Progress& progress)
{
    return captureResult([&]() -> TranslationImportanceResult {
        if (!set.hasReferences())
            fail(ErrorCode::InvalidArgument, "importance needs reference translations (teacher forcing)",
                 set.sourcePath);
        const auto start = std::chrono::steady_clock::now();
        MaskGradientParams gp;
        gp.masks = params.masks;
        gp.perExample = true;
        gp.batchSize = params.batchSize;
        const auto pairs = set.pairs();
        auto grads = teacherForcedLossAndMaskGradients(model, pairs, gp, progress);
        if (!grads)
            throw ErrorException(grads.error());

        const Seq2SeqMasks full = model.fullMasks();
        TranslationImportanceResult r;
        r.params = params;
        r.nExamples = int64_t(pairs.size());
        r.raw = HeadMatrices::filled(full, 0.0);
        for (AttentionType t : kSeq2SeqAttentionTypes) {
            Matrix& acc = r.raw.of(t);
            for (const HeadValues& example : grads->of(t))
                for (size_t l = 0; l < acc.size(); ++l)
                    for (size_t h = 0; h < acc[l].size(); ++h)
                        acc[l][h] += std::fabs(example[l][h]);
            const HeadMask& given = params.masks.of(t);
            for (size_t l = 0; l < acc.size(); ++l)
                for (size_t h = 0; h < acc[l].size(); ++h) {
                    acc[l][h] /= double(std::max<int64_t>(r.nExamples, 1));
                    // Absent (structurally pruned) and masked heads carry no score.
                    const bool masked = !given.empty() && !given.isKept(int(l), int(h));
                    if (!full.of(t).isKept(int(l), int(h)) || masked)
                        acc[l][h] = 0.0;
                }
            r.normalized.of(t) = normalizeImportance(acc, params.normalization);
        }
        for (const auto& p : pairs)
            r.nTokens += int64_t(p.targetIds.size());
        double lossSum = 0.0;
        for (double loss : grads->exampleLosses)
            lossSum += loss;
        r.meanLoss = r.nExamples > 0 ? lossSum / double(r.nExamples) : 0.0;
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    });
}

} // namespace headscope::core
