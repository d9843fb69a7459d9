#include "analysis/translation_compare.h"

#include "model/seq2seq_model.h"

#include <chrono>

namespace headscope::core {

namespace {

void collect(const Seq2SeqModel& model, AttentionType type, const Matrix& a, const Matrix& b, std::vector<double>& x,
             std::vector<double>& y)
{
    collectPairedHeads(a, b, model.nLayers(type), model.nHeads(type),
                       [&model, type](int l, int h) { return model.hasHead(type, l, h); }, x, y);
}

} // namespace

Correlation correlateTranslationHeads(const Seq2SeqModel& model, AttentionType type, const Matrix& a, const Matrix& b)
{
    std::vector<double> x, y;
    collect(model, type, a, b, x, y);
    return correlationOf(x, y);
}

Result<TranslationCompareResult> compareTranslationSets(const Seq2SeqModel& model, const TranslationSet& a,
                                                        const TranslationSet& b, const TranslationCompareParams& params,
                                                        const Progress& progress)
{
    const auto start = std::chrono::steady_clock::now();
    if (!a.hasReferences() || !b.hasReferences())
        return Error{ErrorCode::InvalidArgument, "comparing test sets needs references for both",
                     a.hasReferences() ? b.sourcePath : a.sourcePath, {}};
    TranslationCompareResult r;
    r.params = params;
    r.sourceA = a.sourcePath;
    r.referenceA = a.referencePath;
    r.sourceB = b.sourcePath;
    r.referenceB = b.referencePath;
    r.nA = int64_t(a.size());
    r.nB = int64_t(b.size());
    // One progress over the four stages, each weighted by its sentences.
    const int64_t total = 2 * (r.nA + r.nB);
    int64_t offset = 0;
    auto stage = [&](int64_t size) -> Progress {
        const int64_t base = offset;
        offset += size;
        if (!progress) return {};
        return [&progress, base, size, total](int64_t done, int64_t stageTotal) {
            const int64_t scaled = stageTotal > 0 ? done * size / stageTotal : 0;
            return progress(base + scaled, total);
        };
    };
    TranslationEvalParams eval;
    eval.decode = params.decode;
    eval.decode.masks = params.importance.masks;
    eval.computeChrf = false;
    const TranslationSet* sets[2] = {&a, &b};
    for (int i = 0; i < 2; ++i) {
        const TranslationSet& set = *sets[i];
        auto imp = computeTranslationImportance(model, set, params.importance, stage(int64_t(set.size())));
        if (!imp)
            return imp.error();
        auto bleu = evaluateTranslation(model, set, eval, stage(int64_t(set.size())));
        if (!bleu)
            return bleu.error();
        (i == 0 ? r.importanceA : r.importanceB) = std::move(imp).value();
        (i == 0 ? r.bleuA : r.bleuB) = bleu->bleu.score;
    }
    std::vector<double> allX, allY;
    for (AttentionType t : kSeq2SeqAttentionTypes) {
        std::vector<double> x, y;
        collect(model, t, r.importanceA.normalized.of(t), r.importanceB.normalized.of(t), x, y);
        r.correlation[size_t(t)] = correlationOf(x, y);
        allX.insert(allX.end(), x.begin(), x.end());
        allY.insert(allY.end(), y.begin(), y.end());
    }
    r.allTypes = correlationOf(allX, allY);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

} // namespace headscope::core
