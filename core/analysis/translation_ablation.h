#pragma once
// Single-head ablation and keep-one per attention type of a translation model (Michel et al.
// 2019, sections 3.2 and 5): corpus BLEU with each head masked alone (or kept alone in its
// layer), with the paired bootstrap of each change.
//
//   TranslationAblationParams p;                 // single head, all three types, greedy
//   p.subsetSize = 100;                          // optional: the first 100 sentences
//   auto r = runTranslationAblation(*model, set, p, progress, [](AttentionType t, int layer,
//                                   const TranslationAblationResult& soFar) { ... });
//   r->delta.of(AttentionType::EncoderDecoder)[5][1];   // BLEU change with that head masked
//
// The encoder runs once for the baseline; every encoder_decoder and decoder_self head reuses
// its outputs and only decodes again (encoderPasses counts the encoder runs: 1 + the
// encoder_self variants). Heads run type by type, layer by layer.
#include "analysis/ablation.h"
#include "analysis/head_matrices.h"
#include "analysis/translation_set.h"
#include "metrics/bleu.h"
#include "metrics/paired_bootstrap.h"
#include "model/seq2seq_inference.h"
#include "util/result.h"

#include <array>
#include <functional>
#include <vector>

namespace headscope::core {

class Seq2SeqModel;

struct TranslationAblationParams
{
    AblationMode mode = AblationMode::SingleHead;
    std::vector<AttentionType> types{AttentionType::EncoderSelf, AttentionType::EncoderDecoder,
                                     AttentionType::DecoderSelf};
    /// Beam size, max length, batch size; decode.masks is the base mask of every variant.
    DecodeParams decode;
    BleuParams bleu;
    int64_t subsetSize = 0;      // > 0: only this many sentences (translationSubset)
    bool subsetRandom = false;   // false: the first subsetSize; true: a seeded random sample
    uint64_t subsetSeed = 42;
    bool significance = true;    // paired bootstrap of every variant against the baseline
    PairedBootstrapParams bootstrap;
};

struct TranslationAblationResult
{
    TranslationAblationParams params;
    std::vector<size_t> subset;   // the sentences used (file order indices)
    int64_t nPopulation = 0;      // sentences in the whole test set
    double baselineBleu = 0.0;
    std::vector<BleuStats> baselineSegments;
    HeadMatrices bleu;            // BLEU with the variant applied; NaN: not run / absent head
    HeadMatrices delta;           // bleu - baseline
    HeadMatrices pValue;          // paired bootstrap p-value of the change
    HeadMatrices deltaLow, deltaHigh; // its 95% interval
    std::vector<std::pair<AttentionType, int>> layersDone; // (type, layer) finished, in run order
    int nLayersTotal = 0;         // layers to run over the requested types
    int64_t encoderPasses = 0;    // encoder runs over the test set (1 + encoder_self variants)
    int64_t decoderPasses = 0;    // decodes of the test set (1 + every variant)
    /// Per type, indexed by int(AttentionType): variants run, the wall time they took and the
    /// tokens they generated (masks change hypothesis lengths: compare seconds per token).
    std::array<int, 3> nVariants{};
    std::array<double, 3> variantSeconds{};
    std::array<int64_t, 3> variantTokens{};
    double seconds = 0.0;

    bool complete() const { return nLayersTotal > 0 && int(layersDone.size()) >= nLayersTotal; }
};

/// Called when the heads of one layer of one type are all measured.
using TranslationAblationLayerCallback =
    std::function<void(AttentionType type, int layer, const TranslationAblationResult& soFar)>;

/// Progress counts decodes (the baseline and each variant); returning false cancels.
Result<TranslationAblationResult> runTranslationAblation(const Seq2SeqModel& model, const TranslationSet& set,
                                                         const TranslationAblationParams& params,
                                                         const Progress& progress = {},
                                                         const TranslationAblationLayerCallback& onLayer = {});

} // namespace headscope::core
