#pragma once
// What the analyses hand to the UI: immutable values that cross from the worker thread to the
// UI thread (registered as metatypes by AnalysisController). Each carries the generation of
// the job that made it, so a page can tell a fresh result from a stale one.
#include "analysis/ablation.h"
#include "analysis/attention_stats.h"
#include "analysis/importance.h"
#include "analysis/latency.h"
#include "analysis/prune_curve.h"

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <vector>

namespace headscope::ui {

struct ImportanceResults
{
    quint64 generation = 0;
    core::ImportanceMethod method = core::ImportanceMethod::MaskGradient;
    core::ImportanceNormalization normalization = core::ImportanceNormalization::Layer;
    int batchSize = 0;
    core::Matrix raw;        // [layer][head]
    core::Matrix normalized; // raw normalised as `normalization` says
    int64_t nExamples = 0;
    int64_t nTokens = 0;
    double seconds = 0.0;

    bool isValid() const { return !raw.empty(); }
};

/// Single-head or keep-one ablation; partial (layersDone < nLayers) while layers finish.
struct AblationResults
{
    quint64 generation = 0;
    core::AblationMode mode = core::AblationMode::SingleHead;
    int layersDone = 0;
    int nLayers = 0;
    bool finished = false;
    double baselineAccuracy = 0.0;
    int64_t n = 0;
    core::Matrix accuracy; // NaN for layers not done yet
    core::Matrix delta;
    core::Matrix pTTest;
    core::Matrix pMcNemar;
    double seconds = 0.0;

    bool isValid() const { return layersDone > 0; }
};

struct EntropyResults
{
    quint64 generation = 0;
    core::Matrix entropy; // nats, NaN for absent heads

    bool isValid() const { return !entropy.empty(); }
};

/// One pruning order's curve; points arrive one by one.
struct CurveSeries
{
    core::PruneOrder order = core::PruneOrder::Importance;
    std::vector<core::PruneCurvePoint> points;
    bool finished = false;
};

struct CurveResults
{
    quint64 generation = 0;
    double stepPercent = 10.0;
    bool rescore = false;
    int minHeadsPerLayer = 0;
    uint64_t seed = 42;
    int totalHeads = 0; // heads present in the model (100 %)
    std::vector<CurveSeries> series;
    bool finished = false;

    bool isValid() const { return !series.empty() && !series.front().points.empty(); }
    /// The unpruned accuracy (first point of any series); NaN when none yet.
    double baselineAccuracy() const;
};

struct LatencyResults
{
    quint64 generation = 0;
    core::LatencyResult result;
    core::HeadMask mask; // the mask the masked and pruned variants used
    int nMaskedHeads = 0;
    double flopsOriginal = 0.0; // per example at the measured sequence length
    double flopsPruned = 0.0;

    bool isValid() const { return !result.measurements.empty(); }
};

struct CompareResults
{
    quint64 generation = 0;
    QString what; // "ablation" (single-head deltas) or "importance" (normalised)
    QString pathA, pathB;
    core::Matrix a, b;                       // [layer][head] per dataset
    double baselineA = 0.0, baselineB = 0.0; // accuracy (ablation only)
    int64_t nA = 0, nB = 0;                  // examples
    double pearson = 0.0;
    double spearman = 0.0;
    int nHeads = 0; // heads in the correlation

    bool isValid() const { return !a.empty() && !b.empty(); }
};

struct AttentionResults
{
    quint64 generation = 0;
    int example = -1;
    int layer = 0;
    int head = 0;
    bool headMaskedAlready = false; // the head was masked in the mask used
    core::AttentionView view;
    QStringList labelNames; // index = label id

    bool isValid() const { return example >= 0 && !view.tokens.empty(); }
};

} // namespace headscope::ui

Q_DECLARE_METATYPE(headscope::ui::ImportanceResults)
Q_DECLARE_METATYPE(headscope::ui::AblationResults)
Q_DECLARE_METATYPE(headscope::ui::EntropyResults)
Q_DECLARE_METATYPE(headscope::ui::CurveResults)
Q_DECLARE_METATYPE(headscope::ui::LatencyResults)
Q_DECLARE_METATYPE(headscope::ui::CompareResults)
Q_DECLARE_METATYPE(headscope::ui::AttentionResults)
