#include "analysis/translation_prune_curve.h"

#include "analysis/translation_eval.h"
#include "model/seq2seq_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace headscope::core {

namespace {

bool inScope(PruneScope scope, AttentionType type)
{
    return scope == PruneScope::All || int(scope) == int(type);
}

int headsInScope(const Seq2SeqMasks& present, PruneScope scope)
{
    int n = 0;
    for (AttentionType t : kSeq2SeqAttentionTypes)
        n += inScope(scope, t) ? present.of(t).countKept() : 0;
    return n;
}

} // namespace

std::vector<HeadId> translationPruneOrder(const HeadMatrices& scores, const Seq2SeqMasks& present, PruneScope scope,
                                          int minHeadsPerLayer)
{
    struct Entry
    {
        double score;
        HeadId id;
    };
    std::vector<Entry> entries;
    for (AttentionType t : kSeq2SeqAttentionTypes) {
        if (!inScope(scope, t))
            continue;
        const HeadMask& mask = present.of(t);
        for (int l = 0; l < mask.nLayers(); ++l)
            for (int h = 0; h < mask.nHeads(); ++h)
                if (mask.isKept(l, h))
                    entries.push_back({scores.of(t)[size_t(l)][size_t(h)], {t, l, h}});
    }
    // Entries are listed by (type, layer, head): a stable sort breaks ties in that order.
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.score < b.score; });
    std::vector<std::vector<int>> left(3);
    for (AttentionType t : kSeq2SeqAttentionTypes)
        for (int l = 0; l < present.of(t).nLayers(); ++l)
            left[size_t(t)].push_back(present.of(t).countKeptInLayer(l));
    std::vector<HeadId> order;
    for (const auto& e : entries) {
        int& remaining = left[size_t(e.id.type)][size_t(e.id.layer)];
        if (remaining <= minHeadsPerLayer)
            continue;
        --remaining;
        order.push_back(e.id);
    }
    return order;
}

Result<TranslationPruneCurveSet> computeTranslationPruneCurves(const Seq2SeqModel& model, const TranslationSet& set,
                                                               const TranslationPruneCurveParams& params,
                                                               const Progress& progress,
                                                               const TranslationPruneCurvePointCallback& onPoint)
{
    return captureResult([&]() -> TranslationPruneCurveSet {
        if (params.stepPercent <= 0.0 || params.stepPercent > 100.0)
            fail(ErrorCode::InvalidArgument, "the pruning step must be in (0, 100] percent");
        if (params.scopes.empty())
            fail(ErrorCode::InvalidArgument, "no pruning curve requested");
        if (!set.hasReferences())
            fail(ErrorCode::InvalidArgument, "pruning curves need reference translations", set.sourcePath);
        const auto start = std::chrono::steady_clock::now();
        const Seq2SeqMasks full = model.fullMasks();
        const int nSteps = int(std::floor(100.0 / params.stepPercent + 1e-9));
        const int64_t totalWork = 1 + int64_t(params.scopes.size()) * (nSteps + 1);
        int64_t done = 0;
        auto tick = [&]() {
            ++done;
            if (progress && !progress(done, totalWork))
                fail(ErrorCode::Cancelled, "pruning curve cancelled");
        };
        const Progress inner = [&](int64_t, int64_t) { return !progress || progress(done, totalWork); };

        TranslationPruneCurveSet result;
        result.params = params;
        result.params.scores = {};
        result.scores = params.scores;
        for (AttentionType t : kSeq2SeqAttentionTypes) {
            const Matrix& m = params.scores.of(t);
            if (m.empty())
                continue;
            if (m.size() != size_t(full.of(t).nLayers()) || m[0].size() != size_t(full.of(t).nHeads()))
                fail(ErrorCode::ShapeMismatch, std::string("the given ") + attentionTypeName(t) +
                                                   " scores must have one value per head");
        }
        const bool scored = !params.scores.encoderSelf.empty() && !params.scores.encoderDecoder.empty() &&
                            !params.scores.decoderSelf.empty();
        if (!scored) {
            auto importance = computeTranslationImportance(model, set, params.importance, inner);
            if (!importance)
                throw ErrorException(importance.error());
            result.scores = importance->normalized;
        }
        tick();

        // The unmasked encoding, reused by every point that keeps all encoder self-attention heads.
        EncodeParams ep;
        ep.batchSize = params.decode.batchSize;
        auto encoded = encodeSources(model, set.sourceIds, ep, inner);
        if (!encoded)
            throw ErrorException(encoded.error());
        result.encoderPasses = 1;
        TranslationEvalParams evalParams;
        evalParams.decode = params.decode;
        evalParams.bleu = params.bleu;
        auto evaluateMasks = [&](const Seq2SeqMasks& masks) {
            evalParams.decode.masks = masks;
            const bool reuse = masks.encoderSelf == full.encoderSelf;
            auto run = reuse ? evaluateEncodedTranslation(model, set, *encoded, evalParams, inner)
                             : evaluateTranslation(model, set, evalParams, inner);
            if (!run)
                throw ErrorException(run.error());
            result.encoderPasses += reuse ? 0 : 1;
            return std::move(*run);
        };
        const TranslationEvalResult baseline = evaluateMasks(full);
        result.baselineBleu = baseline.bleu.score;

        for (size_t c = 0; c < params.scopes.size(); ++c) {
            TranslationPruneCurve curve;
            curve.scope = params.scopes[c];
            curve.totalHeads = headsInScope(full, curve.scope);
            const auto order = translationPruneOrder(result.scores, full, curve.scope, params.minHeadsPerLayer);
            Seq2SeqMasks masks = full;
            size_t next = 0;
            int pruned = 0;
            for (int step = 0; step <= nSteps; ++step) {
                const double percent = std::min(100.0, step * params.stepPercent);
                const int target = int(std::floor(percent / 100.0 * curve.totalHeads + 1e-9));
                while (pruned < target && next < order.size()) {
                    const HeadId& h = order[next++];
                    masks.of(h.type).setKept(h.layer, h.head, false);
                    ++pruned;
                }
                const TranslationEvalResult run = pruned == 0 ? baseline : evaluateMasks(masks);
                TranslationPruneCurvePoint point;
                point.percent = percent;
                point.nPruned = pruned;
                point.bleu = run.bleu.score;
                point.chrf = run.chrf.value_or(0.0);
                point.nTokens = run.nTokens;
                point.masks = masks;
                curve.points.push_back(point);
                if (onPoint)
                    onPoint(int(c), point);
                tick();
            }
            result.curves.push_back(std::move(curve));
        }
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.complete = true;
        return result;
    });
}

} // namespace headscope::core
