#pragma once
// Pruning curves of a translation model (Michel et al. 2019, Figure 4): BLEU against the share
// of heads pruned, one curve per attention type (only heads of that type are pruned, least
// important first) and one over every head together.
//
//   TranslationPruneCurveParams p;              // 10% steps, the three types and "all"
//   auto s = computeTranslationPruneCurves(*model, set, p, progress,
//                                          [](int curve, const TranslationPruneCurvePoint& pt) { ... });
//   s->curves[1].points[3].bleu;                // encoder_decoder, 30% of its heads pruned
#include "analysis/head_matrices.h"
#include "analysis/translation_importance.h"
#include "analysis/translation_set.h"
#include "mask/seq2seq_masks.h"
#include "metrics/bleu.h"
#include "model/seq2seq_inference.h"
#include "util/result.h"

#include <functional>
#include <string>
#include <vector>

namespace headscope::core {

class Seq2SeqModel;

/// Which heads a curve prunes: those of one attention type, or all of them.
enum class PruneScope { EncoderSelf, EncoderDecoder, DecoderSelf, All };
/// "encoder_self", "encoder_decoder", "decoder_self", "all".
const char* pruneScopeName(PruneScope scope);
bool parsePruneScope(const std::string& name, PruneScope& out);

struct TranslationPruneCurveParams
{
    std::vector<PruneScope> scopes{PruneScope::EncoderSelf, PruneScope::EncoderDecoder, PruneScope::DecoderSelf,
                                   PruneScope::All};
    double stepPercent = 10.0;   // of the scope's heads
    int minHeadsPerLayer = 0;
    DecodeParams decode;         // beam size, max length, batch size (decode.masks is ignored)
    BleuParams bleu;
    TranslationImportanceParams importance; // scoring (normalised scores are used)
    /// Precomputed normalised importance (every type); empty matrices: computed by the call.
    HeadMatrices scores;
};

struct TranslationPruneCurvePoint
{
    double percent = 0.0;        // requested share of the scope's heads
    int nPruned = 0;             // heads of the scope pruned: floor(percent / 100 * scope heads)
    double bleu = 0.0;
    double chrf = 0.0;
    int64_t nTokens = 0;         // generated tokens
    Seq2SeqMasks masks;          // kept heads at this point, all three types
};

struct TranslationPruneCurve
{
    PruneScope scope = PruneScope::All;
    int totalHeads = 0;          // heads in the scope (100 %)
    std::vector<TranslationPruneCurvePoint> points;
};

struct TranslationPruneCurveSet
{
    TranslationPruneCurveParams params; // params.scores cleared (see scores)
    HeadMatrices scores;                // the importance the order came from
    double baselineBleu = 0.0;
    std::vector<TranslationPruneCurve> curves; // one per scope, in the order requested
    int64_t encoderPasses = 0;          // the unmasked encoding is reused by decoder-side points
    double seconds = 0.0;
    bool complete = false;
};

/// Called when curve `curveIndex` gains a point.
using TranslationPruneCurvePointCallback = std::function<void(int curveIndex, const TranslationPruneCurvePoint&)>;

/// Importance first (unless given), then each curve's points. Progress counts the points of
/// every curve (plus one for scoring); returning false cancels.
Result<TranslationPruneCurveSet> computeTranslationPruneCurves(const Seq2SeqModel& model, const TranslationSet& set,
                                                               const TranslationPruneCurveParams& params,
                                                               const Progress& progress = {},
                                                               const TranslationPruneCurvePointCallback& onPoint = {});

/// The order a scope's heads are pruned in: lowest score first, ties by (type, layer, head),
/// keeping minHeadsPerLayer heads in every layer of every type.
std::vector<HeadId> translationPruneOrder(const HeadMatrices& scores, const Seq2SeqMasks& present, PruneScope scope,
                                          int minHeadsPerLayer);

} // namespace headscope::core
