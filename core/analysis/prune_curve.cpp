#include "analysis/prune_curve.h"

#include "analysis/ablation.h"
#include "analysis/evaluator.h"
#include "model/encoder_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>

namespace headscope::core {

std::vector<HeadId> pruneOrderFromScores(const Matrix& scores, const HeadMask& base, int minHeadsPerLayer)
{
    struct Entry
    {
        double score;
        int layer, head;
    };
    std::vector<Entry> entries;
    for (int l = 0; l < base.nLayers(); ++l)
        for (int h = 0; h < base.nHeads(); ++h)
            if (base.isKept(l, h))
                entries.push_back({scores[size_t(l)][size_t(h)], l, h});
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.score < b.score; });
    std::vector<int> left(size_t(base.nLayers()));
    for (int l = 0; l < base.nLayers(); ++l)
        left[size_t(l)] = base.countKeptInLayer(l);
    std::vector<HeadId> order;
    for (const auto& e : entries) {
        if (left[size_t(e.layer)] <= minHeadsPerLayer)
            continue;
        --left[size_t(e.layer)];
        order.push_back({AttentionType::EncoderSelf, e.layer, e.head});
    }
    return order;
}

namespace {

// Parameters removed with one head: its Q, K, V rows and biases and its W_O columns.
int64_t parametersPerHead(const EncoderModel& model)
{
    const int64_t d = model.config().headDim(), h = model.config().hiddenSize;
    return 4 * d * h + 3 * d;
}

// Ablation deltas as scores where lower = pruned first: a head whose removal costs most is pruned last.
Matrix scoresFromDelta(Matrix delta)
{
    for (auto& row : delta)
        for (double& v : row)
            v = std::isnan(v) ? 0.0 : -v;
    return delta;
}

// Scores where lower = pruned first, for the given order at the given mask.
Matrix scoresFor(const EncoderModel& model, const EncodedDataset& data, const PruneCurveParams& params,
                 const HeadMask& mask, const Progress& progress)
{
    if (params.order == PruneOrder::Importance) {
        ImportanceParams ip = params.importance;
        ip.mask = mask;
        auto r = computeImportance(model, data, ip, progress);
        if (!r)
            throw ErrorException(r.error());
        return r->normalized;
    }
    AblationParams ap;
    ap.baseMask = mask;
    ap.batchSize = params.batchSize;
    auto r = runAblation(model, data, ap, progress);
    if (!r)
        throw ErrorException(r.error());
    return scoresFromDelta(r->delta);
}

std::vector<HeadId> randomOrder(const HeadMask& base, int minHeadsPerLayer, uint64_t seed)
{
    // Fisher-Yates with mt19937_64 so that a seed gives the same order on every platform.
    std::mt19937_64 rng(seed);
    Matrix scores(size_t(base.nLayers()), std::vector<double>(size_t(base.nHeads())));
    std::vector<double> values(size_t(base.nLayers() * base.nHeads()));
    for (size_t i = 0; i < values.size(); ++i)
        values[i] = double(i);
    for (size_t i = values.size(); i > 1; --i)
        std::swap(values[i - 1], values[size_t(rng() % i)]);
    for (int l = 0; l < base.nLayers(); ++l)
        for (int h = 0; h < base.nHeads(); ++h)
            scores[size_t(l)][size_t(h)] = values[size_t(l * base.nHeads() + h)];
    return pruneOrderFromScores(scores, base, minHeadsPerLayer);
}

} // namespace

Result<PruneCurveResult> computePruneCurve(const EncoderModel& model, const EncodedDataset& data,
                                           const PruneCurveParams& params, const Progress& progress,
                                           const PruneCurvePointCallback& onPoint)
{
    return captureResult([&]() -> PruneCurveResult {
        if (params.stepPercent <= 0.0 || params.stepPercent > 100.0)
            fail(ErrorCode::InvalidArgument, "the pruning step must be in (0, 100] percent");
        for (const auto& row : params.scores)
            if (params.scores.size() != size_t(model.nLayers()) || row.size() != size_t(model.nHeads()))
                fail(ErrorCode::ShapeMismatch, "the given scores must have one value per head (layers x heads)");
        const auto start = std::chrono::steady_clock::now();
        const HeadMask full = model.fullMask();
        const int totalHeads = full.countKept();
        const int nSteps = int(std::floor(100.0 / params.stepPercent + 1e-9));
        const int64_t totalWork = int64_t(nSteps + 1) * (params.rescore ? 2 : 1) + 1;
        int64_t done = 0;
        auto tick = [&]() {
            ++done;
            if (progress && !progress(done, totalWork))
                fail(ErrorCode::Cancelled, "pruning curve cancelled");
        };
        // Nested analyses report to the same cancel flag but not to the step counter.
        Progress inner = [&](int64_t, int64_t) { return !progress || progress(done, totalWork); };

        std::vector<HeadId> order;
        if (params.order == PruneOrder::Random)
            order = randomOrder(full, params.minHeadsPerLayer, params.seed);
        else
            order = pruneOrderFromScores(params.scores.empty()                 ? scoresFor(model, data, params, full, inner)
                                         : params.order == PruneOrder::Ablation ? scoresFromDelta(params.scores)
                                                                                : params.scores,
                                         full, params.minHeadsPerLayer);
        tick();

        PruneCurveResult result;
        result.params = params;
        result.params.scores.clear(); // inputs, not part of the result
        result.params.measured.clear();
        result.order = params.order;
        HeadMask mask = full;
        size_t next = 0; // position in order
        int pruned = 0;
        for (int step = 0; step <= nSteps; ++step) {
            const double percent = std::min(100.0, step * params.stepPercent);
            const int target = int(std::floor(percent / 100.0 * totalHeads + 1e-9));
            if (size_t(step) < params.measured.size()) {
                const PruneCurvePoint& known = params.measured[size_t(step)];
                if (std::abs(known.percent - percent) > 1e-9 || known.nPruned != target ||
                    known.mask.nLayers() != full.nLayers() || known.mask.nHeads() != full.nHeads())
                    fail(ErrorCode::InvalidArgument, "the checkpoint to resume the pruning curve from has other steps");
                mask = known.mask;
                pruned = known.nPruned;
                if (step == 0)
                    result.baselineAccuracy = known.accuracy;
                result.points.push_back(known);
                ++result.pointsResumed;
                tick();
                continue;
            }
            if (params.rescore && step > 0 && params.order != PruneOrder::Random && pruned < target) {
                order = pruneOrderFromScores(scoresFor(model, data, params, mask, inner), mask, params.minHeadsPerLayer);
                next = 0;
                tick();
            }
            while (pruned < target && next < order.size()) {
                const auto& h = order[next++];
                if (!mask.isKept(h.layer, h.head))
                    continue;
                mask.setKept(h.layer, h.head, false);
                ++pruned;
            }
            EvalParams ep;
            ep.batchSize = params.batchSize;
            ep.mask = mask;
            ep.keepLogits = false;
            auto eval = evaluate(model, data, ep, inner);
            if (!eval)
                throw ErrorException(eval.error());
            PruneCurvePoint point;
            point.percent = percent;
            point.nPruned = pruned;
            point.accuracy = eval->accuracy;
            point.accuracyInterval = eval->accuracyInterval;
            point.n = eval->n;
            point.nCorrect = eval->nCorrect;
            point.nParameters = model.parameterCount() - int64_t(pruned) * parametersPerHead(model);
            point.mask = mask;
            if (step == 0)
                result.baselineAccuracy = eval->accuracy;
            result.points.push_back(point);
            if (onPoint)
                onPoint(point);
            tick();
        }
        result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.complete = true;
        return result;
    });
}

double PruneCurveSet::baselineAccuracy() const
{
    for (const auto& c : curves)
        if (!c.points.empty() && c.points.front().nPruned == 0)
            return c.points.front().accuracy;
    return std::numeric_limits<double>::quiet_NaN();
}

Result<PruneCurveSet> computePruneCurves(const EncoderModel& model, const EncodedDataset& data,
                                         const PruneCurveSetParams& params, const Progress& progress,
                                         const PruneCurveSetPointCallback& onPoint,
                                         const PruneCurveStageCallback& onStage)
{
    return captureResult([&]() -> PruneCurveSet {
        if (params.orders.empty())
            fail(ErrorCode::InvalidArgument, "choose at least one pruning order");
        const auto start = std::chrono::steady_clock::now();
        PruneCurveSet set;
        set.totalHeads = model.fullMask().countKept();
        const int64_t nCurves = int64_t(params.orders.size());
        constexpr int64_t kScale = 1000; // each curve's progress mapped onto 0..kScale
        for (int64_t i = 0; i < nCurves; ++i) {
            const PruneOrder order = params.orders[size_t(i)];
            if (onStage)
                onStage(int(i), int(nCurves), order);
            PruneCurveParams p = params.base;
            p.order = order;
            if (params.resumeFrom && size_t(i) < params.resumeFrom->curves.size() &&
                params.resumeFrom->curves[size_t(i)].order == order) {
                const PruneCurveResult& known = params.resumeFrom->curves[size_t(i)];
                if (known.complete) {
                    set.curves.push_back(known);
                    continue;
                }
                p.measured = known.points;
            }
            p.scores = order == PruneOrder::Importance ? params.importanceScores
                       : order == PruneOrder::Ablation ? params.ablationDeltas
                                                       : Matrix{};
            Progress scaled;
            if (progress)
                scaled = [&](int64_t done, int64_t total) {
                    const int64_t part = total > 0 ? std::min(kScale, done * kScale / total) : 0;
                    return progress(i * kScale + part, nCurves * kScale);
                };
            PruneCurvePointCallback point;
            if (onPoint)
                point = [&](const PruneCurvePoint& pt) { onPoint(int(i), pt); };
            auto curve = computePruneCurve(model, data, p, scaled, point);
            if (!curve)
                throw ErrorException(curve.error());
            set.curves.push_back(std::move(curve).value());
        }
        set.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return set;
    });
}

} // namespace headscope::core
