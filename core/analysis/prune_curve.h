#pragma once
// Pruning curves (Michel et al. 2019, section 4.2): metric vs share of heads pruned.
#include "analysis/encoded_dataset.h"
#include "analysis/importance.h"
#include "metrics/statistics.h"
#include "mask/head_mask.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
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
};

struct PruneCurvePoint
{
    double percent = 0.0;     // requested share of heads pruned
    int nPruned = 0;          // heads pruned at this step
    double accuracy = 0.0;
    Interval accuracyInterval;
    int64_t nParameters = 0;  // parameters of the actually-pruned model
    HeadMask mask;            // kept heads at this step
};

struct PruneCurveResult
{
    PruneOrder order = PruneOrder::Importance;
    double baselineAccuracy = 0.0;
    std::vector<PruneCurvePoint> points;
    double seconds = 0.0;
};

/// Heads pruned at p% = floor(p / 100 * total heads) (as the paper's code), least important
/// first; ties broken by (layer, head). Called after each point.
using PruneCurvePointCallback = std::function<void(const PruneCurvePoint&)>;
Result<PruneCurveResult> computePruneCurve(const EncoderModel& model, const EncodedDataset& data,
                                           const PruneCurveParams& params, const Progress& progress = {},
                                           const PruneCurvePointCallback& onPoint = {});

/// The order in which heads would be pruned given scores (lowest first), honouring the per-layer
/// minimum; heads already masked in base are skipped.
std::vector<HeadId> pruneOrderFromScores(const Matrix& scores, const HeadMask& base, int minHeadsPerLayer);

} // namespace headscope::core
