#include "analysis/translation_ablation.h"

#include "analysis/translation_eval.h"
#include "model/seq2seq_model.h"

#include <chrono>
#include <limits>
#include <memory>

namespace headscope::core {

namespace {

using Clock = std::chrono::steady_clock;

// The base masks with every type filled in (an empty mask keeps every present head).
Seq2SeqMasks completeMasks(const Seq2SeqModel& model, const Seq2SeqMasks& given)
{
    Seq2SeqMasks full = model.fullMasks();
    for (AttentionType t : kSeq2SeqAttentionTypes) {
        const HeadMask& g = given.of(t);
        if (g.empty())
            continue;
        if (g.nLayers() != full.of(t).nLayers() || g.nHeads() != full.of(t).nHeads())
            fail(ErrorCode::ShapeMismatch, std::string("the ") + attentionTypeName(t) +
                                               " mask's shape does not match the model");
        for (int l = 0; l < g.nLayers(); ++l)
            for (int h = 0; h < g.nHeads(); ++h)
                if (!g.isKept(l, h))
                    full.of(t).setKept(l, h, false);
    }
    return full;
}

// The masks of one variant: the head masked alone, or kept alone in its layer.
Seq2SeqMasks variantMasks(const Seq2SeqMasks& base, AblationMode mode, AttentionType type, int layer, int head)
{
    Seq2SeqMasks m = base;
    HeadMask& mask = m.of(type);
    if (mode == AblationMode::SingleHead) {
        mask.setKept(layer, head, false);
    } else {
        mask.setLayerKept(layer, false);
        mask.setKept(layer, head, true);
    }
    return m;
}

} // namespace

Result<TranslationAblationResult> runTranslationAblation(const Seq2SeqModel& model, const TranslationSet& set,
                                                         const TranslationAblationParams& params,
                                                         const Progress& progress,
                                                         const TranslationAblationLayerCallback& onLayer)
{
    return captureResult([&]() -> TranslationAblationResult {
        if (!set.hasReferences())
            fail(ErrorCode::InvalidArgument, "an ablation needs reference translations", set.sourcePath);
        if (set.size() == 0)
            fail(ErrorCode::InvalidArgument, "the test set has no sentences", set.sourcePath);
        const auto start = Clock::now();
        const Seq2SeqMasks base = completeMasks(model, params.decode.masks);
        const double nan = std::numeric_limits<double>::quiet_NaN();

        TranslationAblationResult r;
        r.params = params;
        r.nPopulation = int64_t(set.size());
        r.subset = translationSubset(set.size(), params.subsetSize, params.subsetRandom, params.subsetSeed);
        const bool whole = r.subset.size() == set.size();
        const TranslationSet subset = whole ? TranslationSet{} : set.subset(r.subset);
        const TranslationSet& work = whole ? set : subset;
        r.bleu = HeadMatrices::filled(base, nan);
        r.delta = r.pValue = r.deltaLow = r.deltaHigh = r.bleu;

        int64_t totalWork = 1;
        for (AttentionType t : params.types) {
            r.nLayersTotal += model.nLayers(t);
            for (int l = 0; l < model.nLayers(t); ++l)
                for (int h = 0; h < model.nHeads(t); ++h)
                    totalWork += model.hasHead(t, l, h) ? 1 : 0;
        }
        int64_t done = 0;
        auto tick = [&]() {
            ++done;
            if (progress && !progress(done, totalWork))
                fail(ErrorCode::Cancelled, "ablation cancelled");
        };
        // Nested runs only check for cancellation; the count moves one decode at a time.
        const Progress inner = [&](int64_t, int64_t) { return !progress || progress(done, totalWork); };

        EncodeParams encodeParams;
        encodeParams.batchSize = params.decode.batchSize;
        encodeParams.encoderSelf = base.encoderSelf;
        auto encoded = encodeSources(model, work.sourceIds, encodeParams, inner);
        if (!encoded)
            throw ErrorException(encoded.error());
        ++r.encoderPasses;

        TranslationEvalParams evalParams;
        evalParams.decode = params.decode;
        evalParams.decode.masks = base;
        evalParams.bleu = params.bleu;
        evalParams.computeChrf = false;
        evalParams.bootstrap = params.bootstrap;
        auto baseline = evaluateEncodedTranslation(model, work, *encoded, evalParams, inner);
        if (!baseline)
            throw ErrorException(baseline.error());
        ++r.decoderPasses;
        r.baselineBleu = baseline->bleu.score;
        r.baselineSegments = baseline->segments;
        if (params.significance)
            evalParams.baselineSegments = std::make_shared<const std::vector<BleuStats>>(baseline->segments);
        tick();

        for (AttentionType type : params.types) {
            for (int l = 0; l < model.nLayers(type); ++l) {
                const auto layerStart = Clock::now();
                for (int h = 0; h < model.nHeads(type); ++h) {
                    if (!model.hasHead(type, l, h))
                        continue;
                    evalParams.decode.masks = variantMasks(base, params.mode, type, l, h);
                    // Only encoder self-attention changes the encoder's outputs.
                    auto run = type == AttentionType::EncoderSelf
                                   ? evaluateTranslation(model, work, evalParams, inner)
                                   : evaluateEncodedTranslation(model, work, *encoded, evalParams, inner);
                    if (!run)
                        throw ErrorException(run.error());
                    r.encoderPasses += type == AttentionType::EncoderSelf ? 1 : 0;
                    ++r.decoderPasses;
                    ++r.nVariants[size_t(type)];
                    r.variantTokens[size_t(type)] += run->nTokens;
                    const size_t li = size_t(l), hi = size_t(h);
                    r.bleu.of(type)[li][hi] = run->bleu.score;
                    r.delta.of(type)[li][hi] = run->bleu.score - r.baselineBleu;
                    if (run->bootstrap) {
                        r.pValue.of(type)[li][hi] = run->bootstrap->pValue;
                        r.deltaLow.of(type)[li][hi] = run->bootstrap->deltaInterval.low;
                        r.deltaHigh.of(type)[li][hi] = run->bootstrap->deltaInterval.high;
                    }
                    tick();
                }
                r.variantSeconds[size_t(type)] +=
                    std::chrono::duration<double>(Clock::now() - layerStart).count();
                r.layersDone.emplace_back(type, l);
                r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
                if (onLayer)
                    onLayer(type, l, r);
            }
        }
        r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        return r;
    });
}

} // namespace headscope::core
