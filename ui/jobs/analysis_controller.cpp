#include "jobs/analysis_controller.h"

#include "analysis/encoded_dataset.h"
#include "jobs/dataset_comparison.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "session/session_state.h"

#include <QFileInfo>
#include <algorithm>
#include <cmath>

namespace headscope::ui {

const QString AnalysisController::kImportanceJob = QStringLiteral("importance");
const QString AnalysisController::kAblationJob = QStringLiteral("ablation");
const QString AnalysisController::kEntropyJob = QStringLiteral("entropy");
const QString AnalysisController::kCurveJob = QStringLiteral("curve");
const QString AnalysisController::kLatencyJob = QStringLiteral("latency");
const QString AnalysisController::kCompareJob = QStringLiteral("compare");
const QString AnalysisController::kAttentionJob = QStringLiteral("attention");
const QString AnalysisController::kExportModelJob = QStringLiteral("export-model");

const QString AnalysisController::kImportanceSet = QStringLiteral("importance");
const QString AnalysisController::kImportanceRawSet = QStringLiteral("importance-raw");
const QString AnalysisController::kAblationSet = QStringLiteral("ablation");
const QString AnalysisController::kKeepOneSet = QStringLiteral("keep-one");
const QString AnalysisController::kEntropySet = QStringLiteral("entropy");

namespace {

QString errorText(const core::Error& e)
{
    return QString::fromStdString(e.toString());
}

QString orderLabel(core::PruneOrder order)
{
    switch (order) {
    case core::PruneOrder::Importance:
        return AnalysisController::tr("importance");
    case core::PruneOrder::Ablation:
        return AnalysisController::tr("ablation");
    case core::PruneOrder::Random:
        return AnalysisController::tr("random order");
    }
    return {};
}

// Only the matrices: the per-example correctness vectors stay in the worker.
AblationResults toResults(const core::AblationResult& r, core::AblationMode mode, int layersDone, int nLayers)
{
    AblationResults out;
    out.mode = mode;
    out.layersDone = layersDone;
    out.nLayers = nLayers;
    out.finished = layersDone >= nLayers;
    out.baselineAccuracy = r.baselineAccuracy;
    out.n = r.n;
    out.accuracy = r.accuracy;
    out.delta = r.delta;
    out.pTTest = r.pTTest;
    out.pMcNemar = r.pMcNemar;
    out.seconds = r.seconds;
    return out;
}

} // namespace

QStringList AnalysisController::jobKinds()
{
    return {kImportanceJob, kAblationJob, kEntropyJob,   kCurveJob,
            kLatencyJob,    kCompareJob,  kAttentionJob, kExportModelJob};
}

double CurveResults::baselineAccuracy() const
{
    for (const auto& s : series)
        if (!s.points.empty() && s.points.front().nPruned == 0) return s.points.front().accuracy;
    return std::nan("");
}

AnalysisController::AnalysisController(SessionState* session, QObject* parent)
    : QObject(parent), m_session(session)
{
    qRegisterMetaType<ImportanceResults>();
    qRegisterMetaType<AblationResults>();
    qRegisterMetaType<EntropyResults>();
    qRegisterMetaType<CurveResults>();
    qRegisterMetaType<LatencyResults>();
    qRegisterMetaType<CompareResults>();
    qRegisterMetaType<AttentionResults>();

    connect(session, &SessionState::modelChanged, this, &AnalysisController::clearResults);
    connect(session, &SessionState::datasetChanged, this, &AnalysisController::clearResults);
    JobRunner* runner = session->runner();
    connect(runner, &JobRunner::progressChanged, this, [this](const JobProgress& p) {
        if (jobKinds().contains(p.kind)) emit progressChanged(p);
    });
    connect(runner, &JobRunner::runningChanged, this, [this](const QString& kind, bool running) {
        if (jobKinds().contains(kind)) emit runningChanged(kind, running);
    });
}

void AnalysisController::clearResults()
{
    // The exported model holds its own copy of the weights: let it finish.
    for (const QString& kind : jobKinds())
        if (kind != kExportModelJob) m_session->runner()->cancel(kind);
    m_importance = {};
    m_ablation = {};
    m_keepOne = {};
    m_entropy = {};
    m_curves = {};
    m_latency = {};
    m_compare = {};
    m_attention = {};
    HeadTableModel* heads = m_session->headModel();
    for (const QString& set : {kImportanceSet, kImportanceRawSet, kAblationSet, kKeepOneSet, kEntropySet})
        heads->removeScores(set);
    emit resultsCleared();
}

bool AnalysisController::checkReady(const QString& kind)
{
    const bool needsData = kind != kLatencyJob && kind != kExportModelJob;
    if (m_session->hasModel() && (!needsData || m_session->isReady())) return true;
    emit errorOccurred(kind, needsData ? tr("Open a model and a dataset first.") : tr("Open a model first."));
    return false;
}

void AnalysisController::fail(const QString& kind, const core::Error& error)
{
    if (error.code != core::ErrorCode::Cancelled) emit errorOccurred(kind, errorText(error));
    emit jobDone(kind);
}

void AnalysisController::cancel(const QString& kind)
{
    m_session->runner()->cancel(kind);
}

bool AnalysisController::isRunning(const QString& kind) const
{
    return m_session->runner()->isRunning(kind);
}

// --- importance, entropy -------------------------------------------------------------------

quint64 AnalysisController::runImportance(core::ImportanceMethod method,
                                          core::ImportanceNormalization normalization)
{
    if (!checkReady(kImportanceJob)) return 0;
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    core::ImportanceParams params;
    params.method = method;
    params.normalization = normalization;
    params.batchSize = m_session->engineSettings().batchSize;
    params.mask = model->fullMask();
    return m_session->runner()->start(
        kImportanceJob, this,
        [model, data, params](JobContext& ctx) -> core::Result<ImportanceResults> {
            ctx.setStage(tr("Head importance (%1) over %n example(s)", nullptr, int(data->size()))
                             .arg(QString::fromLatin1(core::importanceMethodName(params.method))));
            auto r = core::computeImportance(*model, *data, params, ctx.progressCallback());
            if (!r) return r.error();
            ImportanceResults out;
            out.generation = ctx.generation();
            out.method = params.method;
            out.normalization = params.normalization;
            out.batchSize = params.batchSize;
            out.raw = r->raw;
            out.normalized = r->normalized;
            out.nExamples = r->nExamples;
            out.nTokens = r->nTokens;
            out.seconds = r->seconds;
            return out;
        },
        [this](const core::Result<ImportanceResults>& r) {
            if (!r) return fail(kImportanceJob, r.error());
            applyImportance(r.value());
            emit jobDone(kImportanceJob);
        });
}

void AnalysisController::applyImportance(const ImportanceResults& results)
{
    m_importance = results;
    HeadTableModel* heads = m_session->headModel();
    heads->setScores(kImportanceRawSet, results.raw);
    heads->setScores(kImportanceSet, results.normalized);
    emit importanceReady(m_importance);
}

void AnalysisController::setImportanceNormalization(core::ImportanceNormalization normalization)
{
    if (!m_importance.isValid() || m_importance.normalization == normalization) return;
    ImportanceResults r = m_importance;
    r.normalization = normalization;
    r.normalized = core::normalizeImportance(r.raw, normalization);
    applyImportance(r);
}

quint64 AnalysisController::runEntropy()
{
    if (!checkReady(kEntropyJob)) return 0;
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    core::EntropyParams params;
    params.batchSize = m_session->engineSettings().batchSize;
    return m_session->runner()->start(
        kEntropyJob, this,
        [model, data, params](JobContext& ctx) -> core::Result<EntropyResults> {
            ctx.setStage(tr("Attention entropy over %n example(s)", nullptr, int(data->size())));
            auto r = core::attentionEntropy(*model, *data, params, ctx.progressCallback());
            if (!r) return r.error();
            EntropyResults out;
            out.generation = ctx.generation();
            out.entropy = r.value();
            return out;
        },
        [this](const core::Result<EntropyResults>& r) {
            if (!r) return fail(kEntropyJob, r.error());
            m_entropy = r.value();
            m_session->headModel()->setScores(kEntropySet, m_entropy.entropy);
            emit entropyReady(m_entropy);
            emit jobDone(kEntropyJob);
        });
}

// --- ablation ------------------------------------------------------------------------------

quint64 AnalysisController::runAblation(core::AblationMode mode)
{
    if (!checkReady(kAblationJob)) return 0;
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    core::AblationParams params;
    params.mode = mode;
    params.batchSize = m_session->engineSettings().batchSize;
    params.baseMask = model->fullMask();
    const int nLayers = model->nLayers();
    return m_session->runner()->start(
        kAblationJob, this,
        [this, model, data, params, nLayers](JobContext& ctx) -> core::Result<AblationResults> {
            ctx.setStage(params.mode == core::AblationMode::SingleHead
                             ? tr("Masking each head alone, %n example(s)", nullptr, int(data->size()))
                             : tr("Keeping one head per layer, %n example(s)", nullptr, int(data->size())));
            // Runs on the worker: only the matrices travel, queued to the UI thread.
            auto onLayer = [this, &ctx, params, nLayers](int layer, const core::AblationResult& soFar) {
                AblationResults partial = toResults(soFar, params.mode, layer + 1, nLayers);
                partial.generation = ctx.generation();
                partial.finished = false;
                ctx.post([this, partial]() { applyAblation(partial); });
            };
            auto r = core::runAblation(*model, *data, params, ctx.progressCallback(), onLayer);
            if (!r) return r.error();
            AblationResults out = toResults(r.value(), params.mode, nLayers, nLayers);
            out.generation = ctx.generation();
            out.finished = true;
            return out;
        },
        [this](const core::Result<AblationResults>& r) {
            if (!r) return fail(kAblationJob, r.error());
            applyAblation(r.value());
            emit jobDone(kAblationJob);
        });
}

void AnalysisController::applyAblation(const AblationResults& results)
{
    const bool single = results.mode == core::AblationMode::SingleHead;
    AblationResults& slot = single ? m_ablation : m_keepOne;
    slot = results;
    const QString& set = single ? kAblationSet : kKeepOneSet;
    HeadTableModel* heads = m_session->headModel();
    heads->setScores(set, results.delta);
    heads->setDeltas(set, results.delta);
    heads->setPValues(set, m_significance == SignificanceTest::TTest ? results.pTTest : results.pMcNemar);
    emit ablationUpdated(slot);
}

void AnalysisController::setSignificanceTest(SignificanceTest test)
{
    if (test == m_significance) return;
    m_significance = test;
    pushPValues();
}

void AnalysisController::pushPValues()
{
    HeadTableModel* heads = m_session->headModel();
    const bool t = m_significance == SignificanceTest::TTest;
    if (m_ablation.isValid()) heads->setPValues(kAblationSet, t ? m_ablation.pTTest : m_ablation.pMcNemar);
    if (m_keepOne.isValid()) heads->setPValues(kKeepOneSet, t ? m_keepOne.pTTest : m_keepOne.pMcNemar);
}

// --- pruning curves ------------------------------------------------------------------------

quint64 AnalysisController::runCurves(const CurveRequest& request)
{
    if (!checkReady(kCurveJob)) return 0;
    if (request.orders.empty()) {
        emit errorOccurred(kCurveJob, tr("Choose at least one pruning order."));
        return 0;
    }
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    const int batchSize = m_session->engineSettings().batchSize;
    core::ImportanceParams importance = request.importance;
    importance.batchSize = batchSize;

    // Scores the heads page already computed on the full mask give the same order: reuse them.
    core::Matrix importanceScores, ablationScoresReused;
    if (!request.rescore) {
        if (m_importance.isValid() && m_importance.method == importance.method &&
            m_importance.normalization == importance.normalization && m_importance.batchSize == batchSize)
            importanceScores = m_importance.normalized;
        if (m_ablation.finished)
            ablationScoresReused = m_ablation.delta; // the core turns deltas into a pruning order
    }

    CurveResults fresh;
    fresh.stepPercent = request.stepPercent;
    fresh.rescore = request.rescore;
    fresh.minHeadsPerLayer = request.minHeadsPerLayer;
    fresh.seed = request.seed;
    fresh.totalHeads = model->fullMask().countKept();
    for (auto order : request.orders) {
        CurveSeries s;
        s.order = order;
        fresh.series.push_back(s);
    }

    const quint64 gen = m_session->runner()->start(
        kCurveJob, this,
        [this, model, data, request, importance, batchSize, importanceScores, ablationScoresReused,
         fresh](JobContext& ctx) -> core::Result<CurveResults> {
            CurveResults out = fresh;
            out.generation = ctx.generation();
            const int nOrders = int(request.orders.size());
            for (int i = 0; i < nOrders; ++i) {
                const core::PruneOrder order = request.orders[size_t(i)];
                ctx.setStage(
                    tr("Pruning curve %1 of %2: by %3").arg(i + 1).arg(nOrders).arg(orderLabel(order)));
                core::PruneCurveParams params;
                params.order = order;
                params.stepPercent = request.stepPercent;
                params.rescore = request.rescore;
                params.minHeadsPerLayer = request.minHeadsPerLayer;
                params.seed = request.seed;
                params.batchSize = batchSize;
                params.importance = importance;
                if (order == core::PruneOrder::Importance)
                    params.scores = importanceScores;
                else if (order == core::PruneOrder::Ablation)
                    params.scores = ablationScoresReused;
                const quint64 generation = ctx.generation();
                auto onPoint = [this, &ctx, i, generation](const core::PruneCurvePoint& point) {
                    ctx.post([this, i, generation, point]() {
                        if (m_curves.generation != generation || size_t(i) >= m_curves.series.size()) return;
                        m_curves.series[size_t(i)].points.push_back(point);
                        emit curvesUpdated(m_curves);
                    });
                };
                auto r = core::computePruneCurve(*model, *data, params, ctx.progressCallback(), onPoint);
                if (!r) return r.error();
                out.series[size_t(i)].points = r->points;
                out.series[size_t(i)].finished = true;
            }
            out.finished = true;
            return out;
        },
        [this](const core::Result<CurveResults>& r) {
            if (!r) {
                m_curves.finished = true;
                return fail(kCurveJob, r.error());
            }
            m_curves = r.value();
            emit curvesUpdated(m_curves);
            emit jobDone(kCurveJob);
        });
    m_curves = fresh;
    m_curves.generation = gen;
    emit curvesUpdated(m_curves);
    return gen;
}

// --- latency -------------------------------------------------------------------------------

quint64 AnalysisController::runLatency(const LatencyRequest& request)
{
    if (!checkReady(kLatencyJob)) return 0;
    const auto model = m_session->model();
    const core::HeadMask mask = m_session->mask();
    const int seqLength = std::clamp(request.seqLength, 2, model->config().maxPositionEmbeddings);
    core::LatencyParams params;
    params.batchSizes = request.batchSizes;
    params.seqLengths = {seqLength};
    params.warmupRuns = request.warmupRuns;
    params.timedRuns = request.timedRuns;
    params.mask = mask;
    const int nMasked = mask.countMasked() - model->fullMask().countMasked();
    return m_session->runner()->start(
        kLatencyJob, this,
        [model, params, mask, nMasked, seqLength](JobContext& ctx) -> core::Result<LatencyResults> {
            ctx.setStage(nMasked > 0 ? tr("Timing the original, masked and pruned model (%n head(s) removed)",
                                          nullptr, nMasked)
                                     : tr("Timing the original model (no head masked)"));
            auto r = core::measureLatency(*model, params, ctx.progressCallback());
            if (!r) return r.error();
            LatencyResults out;
            out.generation = ctx.generation();
            out.result = r.value();
            out.mask = mask;
            out.nMaskedHeads = nMasked;
            out.flopsOriginal = core::forwardFlops(*model, {}, seqLength);
            out.flopsPruned = core::forwardFlops(*model, mask, seqLength);
            return out;
        },
        [this](const core::Result<LatencyResults>& r) {
            if (!r) return fail(kLatencyJob, r.error());
            m_latency = r.value();
            emit latencyReady(m_latency);
            emit jobDone(kLatencyJob);
        });
}

// --- comparison ----------------------------------------------------------------------------

quint64 AnalysisController::runCompare(const QString& pathB, CompareWhat what, core::ImportanceMethod method)
{
    if (!checkReady(kCompareJob)) return 0;
    if (pathB.isEmpty()) {
        emit errorOccurred(kCompareJob, tr("Choose a second dataset to compare with."));
        return 0;
    }
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    const core::DatasetOptions options = m_session->datasetOptions();
    const int batchSize = m_session->engineSettings().batchSize;
    const bool ablation = what == CompareWhat::Ablation;

    CompareResults seed;
    seed.what = ablation ? QStringLiteral("ablation") : QStringLiteral("importance");
    seed.pathA = m_session->datasetPath();
    seed.pathB = QFileInfo(pathB).absoluteFilePath();
    seed.nA = int64_t(data->size());
    // Dataset A's numbers from the heads page when they answer the same question.
    if (ablation && m_ablation.finished) {
        seed.a = m_ablation.delta;
        seed.baselineA = m_ablation.baselineAccuracy;
    } else if (!ablation && m_importance.isValid() && m_importance.method == method &&
               m_importance.normalization == core::ImportanceNormalization::Layer &&
               m_importance.batchSize == batchSize) {
        seed.a = m_importance.normalized;
    }

    return m_session->runner()->start(
        kCompareJob, this,
        [model, data, options, batchSize, ablation, method,
         seed](JobContext& ctx) -> core::Result<CompareResults> {
            return core::captureResult([&]() -> CompareResults {
                CompareResults out = seed;
                out.generation = ctx.generation();
                const QString nameA = QFileInfo(out.pathA).fileName(),
                              nameB = QFileInfo(out.pathB).fileName();
                ctx.setStage(tr("Reading %1").arg(nameB));
                const core::EncodedDataset dataB =
                    comparison::loadSecondDataset(*model, out.pathB.toStdString(), options, &out.nB);
                auto analyse = [&](const core::EncodedDataset& d, const QString& name, core::Matrix& values,
                                   double& baseline) {
                    if (ablation) {
                        ctx.setStage(tr("Masking each head alone on %1").arg(name));
                        core::AblationParams p;
                        p.batchSize = batchSize;
                        p.baseMask = model->fullMask();
                        auto r = core::runAblation(*model, d, p, ctx.progressCallback());
                        if (!r) throw core::ErrorException(r.error());
                        values = r->delta;
                        baseline = r->baselineAccuracy;
                    } else {
                        ctx.setStage(tr("Head importance on %1").arg(name));
                        core::ImportanceParams p;
                        p.method = method;
                        p.batchSize = batchSize;
                        p.mask = model->fullMask();
                        auto r = core::computeImportance(*model, d, p, ctx.progressCallback());
                        if (!r) throw core::ErrorException(r.error());
                        values = r->normalized;
                    }
                };
                if (out.a.empty()) analyse(*data, nameA, out.a, out.baselineA);
                analyse(dataB, nameB, out.b, out.baselineB);
                comparison::correlate(*model, out);
                return out;
            });
        },
        [this](const core::Result<CompareResults>& r) {
            if (!r) return fail(kCompareJob, r.error());
            m_compare = r.value();
            emit compareReady(m_compare);
            emit jobDone(kCompareJob);
        });
}

// --- attention view, export ----------------------------------------------------------------

quint64 AnalysisController::runAttention(int example, int layer, int head)
{
    if (!checkReady(kAttentionJob)) return 0;
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    const core::HeadMask mask = m_session->mask();
    QStringList labels;
    for (const auto& name : model->config().id2label)
        labels << QString::fromStdString(name);
    return m_session->runner()->start(
        kAttentionJob, this,
        [model, data, mask, labels, example, layer, head](JobContext& ctx) -> core::Result<AttentionResults> {
            ctx.setStage(
                tr("Attention of layer %1, head %2 on example %3").arg(layer).arg(head).arg(example + 1));
            if (example < 0)
                return core::Error{core::ErrorCode::InvalidArgument, "no example chosen", {}, {}};
            auto r = core::attentionForExample(*model, *data, size_t(example), layer, head, mask);
            if (!r) return r.error();
            AttentionResults out;
            out.generation = ctx.generation();
            out.example = example;
            out.layer = layer;
            out.head = head;
            out.headMaskedAlready = !mask.empty() && !mask.isKept(layer, head);
            out.view = r.value();
            out.labelNames = labels;
            return out;
        },
        [this](const core::Result<AttentionResults>& r) {
            if (!r) return fail(kAttentionJob, r.error());
            m_attention = r.value();
            emit attentionReady(m_attention);
            emit jobDone(kAttentionJob);
        });
}

quint64 AnalysisController::exportPrunedModel(const QString& dir, const core::HeadMask& mask)
{
    if (!checkReady(kExportModelJob)) return 0;
    const auto model = m_session->model();
    const std::string target = QFileInfo(dir).absoluteFilePath().toStdString();
    return m_session->runner()->start(
        kExportModelJob, this,
        [model, mask, target](JobContext& ctx) -> core::Result<bool> {
            ctx.setStage(tr("Removing %n masked head(s) from the weights", nullptr,
                            mask.countMasked() - model->fullMask().countMasked()));
            auto pruned = model->pruned(mask);
            if (!pruned) return pruned.error();
            ctx.setStage(tr("Writing %1").arg(QString::fromStdString(target)));
            return pruned.value()->save(target);
        },
        [this, dir](const core::Result<bool>& r) {
            if (!r) return fail(kExportModelJob, r.error());
            emit modelExported(dir);
            emit jobDone(kExportModelJob);
        });
}

} // namespace headscope::ui
