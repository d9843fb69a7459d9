#pragma once
// Pruning curves (Michel et al. 2019, section 4.2): metric vs share of heads pruned.
#include "analysis/encoded_dataset.h"
#include "analysis/importance.h"
#include "metrics/statistics.h"
#include "mask/head_mask.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

class EncoderModel;

enum class PruneOrder { Importance, Ablation, Random };
const char* pruneOrderName(PruneOrder o); // "importance", "ablation", "random"
bool parsePruneOrder(const std::string& s, PruneOrder& out);

struct PruneCurveParams
{
    PruneOrder order = PruneOrder::Importance;
    double stepPercent = 10.0;   // of all heads
    bool rescore = false;        // recompute the order after each step on the pruned mask
    int minHeadsPerLayer = 0;
    uint64_t seed = 42;          // random order
    int batchSize = 32;
    ImportanceParams importance; // scoring for the Importance order (normalised scores are used)
    /// Optional precomputed scores (importance: normalised; ablation: delta, lower = prune
    /// first is handled internally). Empty: computed by the curve.
    Matrix scores;
    /// Points of this curve measured before (a session's checkpoint after a crash), from 0 %
    /// on: they are taken over, with their masks, instead of being evaluated again.
    std::vector<struct PruneCurvePoint> measured;
};

struct PruneCurvePoint
{
    double percent = 0.0;     // requested share of heads pruned
    int nPruned = 0;          // heads pruned at this step
    double accuracy = 0.0;
    Interval accuracyInterval;
    int64_t n = 0;            // labelled examples
    int64_t nCorrect = 0;
    int64_t nParameters = 0;  // parameters of the actually-pruned model
    HeadMask mask;            // kept heads at this step
};

struct PruneCurveResult
{
    PruneCurveParams params; // how the curve was computed (params.order is the order)
    PruneOrder order = PruneOrder::Importance;
    double baselineAccuracy = 0.0;
    std::vector<PruneCurvePoint> points;
    double seconds = 0.0;
    bool complete = false;   // every step measured (false while points stream in)
    int pointsResumed = 0;   // points taken over from params.measured
};

/// Heads pruned at p% = floor(p / 100 * total heads) (as the paper's code), least important
/// first; ties broken by (layer, head). Called after each point.
using PruneCurvePointCallback = std::function<void(const PruneCurvePoint&)>;
Result<PruneCurveResult> computePruneCurve(const EncoderModel& model, const EncodedDataset& data,
                                           const PruneCurveParams& params, const Progress& progress = {},
                                           const PruneCurvePointCallback& onPoint = {});

/// Several orders with the same settings: what the Curves page and `prune-curve --order a,b` run.
struct PruneCurveSetParams
{
    std::vector<PruneOrder> orders{PruneOrder::Importance};
    PruneCurveParams base;       // every setting but the order (base.order is ignored)
    /// Precomputed scores per order (see PruneCurveParams::scores); missing orders are scored.
    Matrix importanceScores;
    Matrix ablationDeltas;
    /// A partial set of the same orders and settings (a checkpoint): complete curves are kept
    /// as they are, the points of a partial one are taken over (PruneCurveParams::measured).
    std::shared_ptr<const struct PruneCurveSet> resumeFrom;
};

struct PruneCurveSet
{
    std::vector<PruneCurveResult> curves; // one per order, in the order requested
    int totalHeads = 0;                    // heads present in the model (100 %)
    double seconds = 0.0;

    bool complete() const;
    /// The unpruned accuracy (first point of the first curve that has one); NaN when none.
    double baselineAccuracy() const;
};

/// Called when curve `curveIndex` gains a point; `stage` is called before each curve starts.
using PruneCurveSetPointCallback = std::function<void(int curveIndex, const PruneCurvePoint&)>;
using PruneCurveStageCallback = std::function<void(int curveIndex, int nCurves, PruneOrder order)>;
/// One curve per order, one after the other. Progress covers all curves (each curve counts the
/// same), so that the time-left estimate spans the whole set.
Result<PruneCurveSet> computePruneCurves(const EncoderModel& model, const EncodedDataset& data,
                                         const PruneCurveSetParams& params, const Progress& progress = {},
                                         const PruneCurveSetPointCallback& onPoint = {},
                                         const PruneCurveStageCallback& onStage = {});

/// The order in which heads would be pruned given scores (lowest first), honouring the per-layer
/// minimum; heads already masked in base are skipped.
std::vector<HeadId> pruneOrderFromScores(const Matrix& scores, const HeadMask& base, int minHeadsPerLayer);

} // namespace headscope::core
