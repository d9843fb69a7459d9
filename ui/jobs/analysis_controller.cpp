#include "jobs/analysis_controller.h"
#include "util/error_text.h"
#include "util/out_of_memory.h"

#include "analysis/layer_state_cache.h"

#include "analysis/dataset_loader.h"
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
const QString AnalysisController::kDynamicsJob = QStringLiteral("dynamics");

const QString AnalysisController::kImportanceSet = QStringLiteral("importance");
const QString AnalysisController::kImportanceRawSet = QStringLiteral("importance-raw");
const QString AnalysisController::kAblationSet = QStringLiteral("ablation");
const QString AnalysisController::kKeepOneSet = QStringLiteral("keep-one");
const QString AnalysisController::kEntropySet = QStringLiteral("entropy");

namespace {

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

// The per-example correctness of every variant stays in the worker: [layer][head][example]
// grows with the dataset and no view needs it.
AblationResults shareAblation(core::AblationResult r, quint64 generation)
{
    r.correct.clear();
    return {generation, std::make_shared<const core::AblationResult>(std::move(r))};
}

} // namespace

const QStringList& AnalysisController::jobKinds()
{
    // Built once: the filters below ask for it on every progress signal of every job.
    static const QStringList kinds{kImportanceJob, kAblationJob,  kEntropyJob,     kCurveJob,   kLatencyJob,
                                   kCompareJob,    kAttentionJob, kExportModelJob, kDynamicsJob};
    return kinds;
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
    qRegisterMetaType<DynamicsResults>();

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
    m_dynamics = {};
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
    // A GPU that is too small: the window offers to run it on the CPU instead.
    if (core::isGpuOutOfMemory(error)) emit outOfDeviceMemory(kind, errorText(error));
    if (error.code != core::ErrorCode::Cancelled) emit errorOccurred(kind, errorText(error));
    emit jobDone(kind);
}

void AnalysisController::succeed(const QString& kind)
{
    emit succeeded(kind);
    emit jobDone(kind);
}

bool AnalysisController::rerun(const QString& kind)
{
    const auto it = m_rerun.constFind(kind);
    return it != m_rerun.constEnd() && (*it)() != 0;
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
                                          core::ImportanceNormalization normalization,
                                          std::shared_ptr<const core::ImportanceCheckpoint> resumeFrom, int batchSize)
{
    if (!checkReady(kImportanceJob)) return 0;
    m_rerun[kImportanceJob] = [this, method, normalization, batchSize]() {
        return runImportance(method, normalization, nullptr, batchSize);
    };
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    core::ImportanceParams params;
    params.method = method;
    params.normalization = normalization;
    params.batchSize = batchSize > 0 ? batchSize : m_session->engineSettings().batchSize;
    params.mask = model->fullMask();
    params.resumeFrom = std::move(resumeFrom);
    return m_session->runner()->start(
        kImportanceJob, this,
        [this, model, data, params](JobContext& ctx) -> core::Result<ImportanceResults> {
            ctx.setStage(tr("Head importance (%1) over %n example(s)", nullptr, int(data->size()))
                             .arg(QString::fromLatin1(core::importanceMethodName(params.method))));
            core::ImportanceParams reported = params;
            reported.resumeFrom = nullptr;
            auto onBatch = [this, &ctx, reported](const core::ImportanceCheckpoint& c) {
                ctx.post([this, reported, c]() { emit importanceCheckpointed(reported, c); });
            };
            auto r = core::computeImportance(*model, *data, params, ctx.progressCallback(), onBatch);
            if (!r) return r.error();
            return ImportanceResults{ctx.generation(), std::make_shared<const core::ImportanceResult>(std::move(r).value())};
        },
        [this](const core::Result<ImportanceResults>& r) {
            if (!r) return fail(kImportanceJob, r.error());
            applyImportance(r.value());
            succeed(kImportanceJob);
        });
}

void AnalysisController::applyImportance(const ImportanceResults& results)
{
    m_importance = results;
    HeadTableModel* heads = m_session->headModel();
    heads->setScores(kImportanceRawSet, results->raw);
    heads->setScores(kImportanceSet, results->normalized);
    emit importanceReady(m_importance);
}

void AnalysisController::setImportanceNormalization(core::ImportanceNormalization normalization)
{
    if (!m_importance.isValid() || m_importance->params.normalization == normalization) return;
    auto r = std::make_shared<core::ImportanceResult>(*m_importance);
    r->params.normalization = normalization;
    r->normalized = core::normalizeImportance(r->raw, normalization);
    applyImportance({m_importance.generation, std::move(r)});
}

quint64 AnalysisController::runEntropy()
{
    if (!checkReady(kEntropyJob)) return 0;
    m_rerun[kEntropyJob] = [this]() { return runEntropy(); };
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
            auto out = std::make_shared<core::EntropyResult>();
            out->params = params;
            out->entropy = std::move(r).value();
            return EntropyResults{ctx.generation(), std::move(out)};
        },
        [this](const core::Result<EntropyResults>& r) {
            if (!r) return fail(kEntropyJob, r.error());
            m_entropy = r.value();
            m_session->headModel()->setScores(kEntropySet, m_entropy->entropy);
            emit entropyReady(m_entropy);
            succeed(kEntropyJob);
        });
}

// --- ablation ------------------------------------------------------------------------------

quint64 AnalysisController::runAblation(core::AblationMode mode, std::shared_ptr<const core::AblationResult> resumeFrom)
{
    if (!checkReady(kAblationJob)) return 0;
    m_rerun[kAblationJob] = [this, mode]() { return runAblation(mode); };
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    core::AblationParams params;
    params.mode = mode;
    params.batchSize = m_session->engineSettings().batchSize;
    params.baseMask = model->fullMask();
    params.resumeFrom = std::move(resumeFrom);
    // The evaluations' layer cache: the sweep skips its base pass when a finished baseline left
    // the states there.
    std::shared_ptr<core::LayerStateCache> cache = m_session->layerCache();
    return m_session->runner()->start(
        kAblationJob, this,
        [this, model, data, params, cache](JobContext& ctx) -> core::Result<AblationResults> {
            core::AblationParams run = params;
            run.layerCache = cache.get();
            ctx.setStage(params.mode == core::AblationMode::SingleHead
                             ? tr("Masking each head alone, %n example(s)", nullptr, int(data->size()))
                             : tr("Keeping one head per layer, %n example(s)", nullptr, int(data->size())));
            // Runs on the worker: only the matrices travel, queued to the UI thread.
            auto onLayer = [this, &ctx](int, const core::AblationResult& soFar) {
                AblationResults partial = shareAblation(soFar, ctx.generation());
                ctx.post([this, partial]() { applyAblation(partial); });
            };
            auto r = core::runAblation(*model, *data, run, ctx.progressCallback(), onLayer);
            if (!r) return r.error();
            return shareAblation(std::move(r).value(), ctx.generation());
        },
        [this](const core::Result<AblationResults>& r) {
            if (!r) return fail(kAblationJob, r.error());
            applyAblation(r.value());
            succeed(kAblationJob);
        });
}

void AnalysisController::applyAblation(const AblationResults& results)
{
    const bool single = results->params.mode == core::AblationMode::SingleHead;
    AblationResults& slot = single ? m_ablation : m_keepOne;
    slot = results;
    const QString& set = single ? kAblationSet : kKeepOneSet;
    HeadTableModel* heads = m_session->headModel();
    heads->setScores(set, results->delta);
    heads->setDeltas(set, results->delta);
    heads->setPValues(set, m_significance == SignificanceTest::TTest ? results->pTTest : results->pMcNemar);
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
    if (m_ablation.isValid()) heads->setPValues(kAblationSet, t ? m_ablation->pTTest : m_ablation->pMcNemar);
    if (m_keepOne.isValid()) heads->setPValues(kKeepOneSet, t ? m_keepOne->pTTest : m_keepOne->pMcNemar);
}

// --- pruning curves ------------------------------------------------------------------------

quint64 AnalysisController::runCurves(const CurveRequest& request, std::shared_ptr<const core::PruneCurveSet> resumeFrom)
{
    if (!checkReady(kCurveJob)) return 0;
    if (request.orders.empty()) {
        emit errorOccurred(kCurveJob, tr("Choose at least one pruning order."));
        return 0;
    }
    m_rerun[kCurveJob] = [this, request]() { return runCurves(request); };
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    const int batchSize = m_session->engineSettings().batchSize;

    core::PruneCurveSetParams params;
    params.orders = request.orders;
    params.base.stepPercent = request.stepPercent;
    params.base.rescore = request.rescore;
    params.base.minHeadsPerLayer = request.minHeadsPerLayer;
    params.base.seed = request.seed;
    params.base.batchSize = batchSize;
    params.base.importance = request.importance;
    params.base.importance.batchSize = batchSize;
    params.resumeFrom = resumeFrom;
    m_lastCurveRequest = request;
    // Scores the heads page already computed on the full mask give the same order: reuse them.
    if (!request.rescore) {
        if (m_importance.isValid() && m_importance->params.method == params.base.importance.method &&
            m_importance->params.normalization == params.base.importance.normalization &&
            m_importance->params.batchSize == batchSize)
            params.importanceScores = m_importance->normalized;
        if (m_ablation.isValid() && m_ablation->complete())
            params.ablationDeltas = m_ablation->delta; // the core turns deltas into a pruning order
    }

    // The empty curves the plot shows until the first points arrive.
    auto fresh = std::make_shared<core::PruneCurveSet>();
    fresh->totalHeads = model->fullMask().countKept();
    for (size_t i = 0; i < request.orders.size(); ++i) {
        core::PruneCurveResult curve;
        curve.params = params.base;
        curve.params.order = curve.order = request.orders[i];
        // A resumed set shows its measured points from the start.
        if (resumeFrom && i < resumeFrom->curves.size() && resumeFrom->curves[i].order == curve.order)
            curve = resumeFrom->curves[i];
        fresh->curves.push_back(curve);
    }

    const quint64 gen = m_session->runner()->start(
        kCurveJob, this,
        [this, model, data, params](JobContext& ctx) -> core::Result<CurveResults> {
            const quint64 generation = ctx.generation();
            auto onStage = [&ctx](int i, int n, core::PruneOrder order) {
                ctx.setStageText(tr("Pruning curve %1 of %2: by %3").arg(i + 1).arg(n).arg(orderLabel(order)));
            };
            auto onPoint = [this, &ctx, generation](int i, const core::PruneCurvePoint& point) {
                ctx.post([this, i, generation, point]() {
                    if (m_curves.generation != generation || !m_curves.isValid() ||
                        size_t(i) >= m_curves->curves.size())
                        return;
                    auto next = std::make_shared<core::PruneCurveSet>(*m_curves);
                    next->curves[size_t(i)].points.push_back(point);
                    m_curves.value = std::move(next);
                    emit curvesUpdated(m_curves);
                });
            };
            auto r = core::computePruneCurves(*model, *data, params, ctx.progressCallback(), onPoint, onStage);
            if (!r) return r.error();
            return CurveResults{generation, std::make_shared<const core::PruneCurveSet>(std::move(r).value())};
        },
        [this](const core::Result<CurveResults>& r) {
            if (!r) return fail(kCurveJob, r.error());
            m_curves = r.value();
            emit curvesUpdated(m_curves);
            succeed(kCurveJob);
        });
    m_curves = {gen, fresh};
    emit curvesUpdated(m_curves);
    return gen;
}

// --- latency -------------------------------------------------------------------------------

quint64 AnalysisController::runLatency(const LatencyRequest& request)
{
    if (!checkReady(kLatencyJob)) return 0;
    m_rerun[kLatencyJob] = [this, request]() { return runLatency(request); };
    const auto model = m_session->model();
    const core::HeadMask mask = m_session->mask();
    const int seqLength = std::clamp(request.seqLength, 2, model->config().maxPositionEmbeddings);
    core::LatencyParams params;
    params.batchSizes = request.batchSizes;
    params.seqLengths = {seqLength};
    params.warmupRuns = request.warmupRuns;
    params.timedRuns = request.timedRuns;
    // No head masked: time the original only, as `headscope-cli bench` without --mask does.
    if (mask != model->fullMask()) params.mask = mask;
    const int nMasked = mask.countMasked() - model->fullMask().countMasked();
    return m_session->runner()->start(
        kLatencyJob, this,
        [model, params, nMasked](JobContext& ctx) -> core::Result<LatencyResults> {
            ctx.setStage(nMasked > 0 ? tr("Timing the original, masked and pruned model (%n head(s) removed)",
                                          nullptr, nMasked)
                                     : tr("Timing the original model (no head masked)"));
            auto r = core::measureLatency(*model, params, ctx.progressCallback());
            if (!r) return r.error();
            return LatencyResults{ctx.generation(), std::make_shared<const core::LatencyResult>(std::move(r).value())};
        },
        [this](const core::Result<LatencyResults>& r) {
            if (!r) return fail(kLatencyJob, r.error());
            m_latency = r.value();
            emit latencyReady(m_latency);
            succeed(kLatencyJob);
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
    m_rerun[kCompareJob] = [this, pathB, what, method]() { return runCompare(pathB, what, method); };
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    const auto rows = m_session->dataset();
    core::DatasetOptions options = m_session->datasetOptions();
    options.format = core::DatasetFormat::Auto; // the second file may be of another format
    const int batchSize = m_session->engineSettings().batchSize;

    core::CompareParams params;
    params.what = what == CompareWhat::Ablation ? core::CompareWhat::Ablation : core::CompareWhat::Importance;
    params.ablation.batchSize = batchSize;
    params.ablation.baseMask = model->fullMask();
    params.importance.method = method;
    params.importance.batchSize = batchSize;
    params.importance.mask = model->fullMask();
    // Dataset A's numbers from the heads page when they answer the same question.
    if (params.what == core::CompareWhat::Ablation && m_ablation.isValid() && m_ablation->complete() &&
        m_ablation->params.batchSize == batchSize)
        params.knownA.ablation = *m_ablation;
    if (params.what == core::CompareWhat::Importance && m_importance.isValid() &&
        m_importance->params.method == method &&
        m_importance->params.normalization == params.importance.normalization &&
        m_importance->params.batchSize == batchSize)
        params.knownA.importance = *m_importance;
    const std::string pathText = QFileInfo(pathB).absoluteFilePath().toStdString();

    return m_session->runner()->start(
        kCompareJob, this,
        [model, data, rows, options, params, pathText](JobContext& ctx) -> core::Result<CompareResults> {
            ctx.setStage(tr("Reading %1").arg(QFileInfo(QString::fromStdString(pathText)).fileName()));
            auto dataB = core::loadEncodedDataset(pathText, options, *model, core::defaultMaxLength(*model));
            if (!dataB) return dataB.error();
            auto onStage = [&ctx](int i, int n, const std::string& what) {
                ctx.setStageText(tr("Step %1 of %2: %3").arg(i + 1).arg(n).arg(QString::fromStdString(what)));
            };
            auto r = core::compareDatasets(*model, *data, dataB->encoded, params, ctx.progressCallback(), onStage);
            if (!r) return r.error();
            auto out = std::make_shared<core::CompareResult>(std::move(r).value());
            if (rows) out->dataA = core::summarizeDataset(*rows);
            out->dataB = core::summarizeDataset(dataB->dataset);
            for (auto* side : {&out->a, &out->b})
                if (side->ablation) side->ablation->correct.clear();
            return CompareResults{ctx.generation(), std::move(out)};
        },
        [this](const core::Result<CompareResults>& r) {
            if (!r) return fail(kCompareJob, r.error());
            m_compare = r.value();
            emit compareReady(m_compare);
            succeed(kCompareJob);
        });
}

// --- attention view, export ----------------------------------------------------------------

quint64 AnalysisController::runAttention(int example, int layer, int head)
{
    if (!checkReady(kAttentionJob)) return 0;
    m_rerun[kAttentionJob] = [this, example, layer, head]() { return runAttention(example, layer, head); };
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    const core::HeadMask mask = m_session->mask();
    return m_session->runner()->start(
        kAttentionJob, this,
        [model, data, mask, example, layer, head](JobContext& ctx) -> core::Result<AttentionResults> {
            ctx.setStage(
                tr("Attention of layer %1, head %2 on example %3").arg(layer).arg(head).arg(example + 1));
            if (example < 0)
                return core::Error{core::ErrorCode::InvalidArgument, "no example chosen", {}, {}};
            auto r = core::attentionForExample(*model, *data, size_t(example), layer, head, mask);
            if (!r) return r.error();
            return AttentionResults{ctx.generation(), std::make_shared<const core::AttentionView>(std::move(r).value())};
        },
        [this](const core::Result<AttentionResults>& r) {
            if (!r) return fail(kAttentionJob, r.error());
            m_attention = r.value();
            emit attentionReady(m_attention);
            succeed(kAttentionJob);
        });
}

quint64 AnalysisController::runDynamics(const QString& checkpointsDir, double stepPercent)
{
    if (!checkReady(kDynamicsJob)) return 0;
    auto list = core::listCheckpoints(QFileInfo(checkpointsDir).absoluteFilePath().toStdString());
    if (!list) {
        emit errorOccurred(kDynamicsJob, errorText(list.error()));
        return 0;
    }
    m_rerun[kDynamicsJob] = [this, checkpointsDir, stepPercent]() { return runDynamics(checkpointsDir, stepPercent); };
    const EngineSettings engine = m_session->engineSettings();
    core::CheckpointSeriesParams params;
    params.dataPath = m_session->datasetPath().toStdString();
    params.dataOptions = m_session->datasetOptions();
    params.load.device = engine.device.toStdString();
    params.load.precision = engine.precision;
    params.load.nThreads = engine.nThreads;
    params.importanceParams.batchSize = engine.batchSize;
    params.curveParams.orders = {core::PruneOrder::Importance};
    params.curveParams.base.stepPercent = stepPercent;
    params.curveParams.base.batchSize = engine.batchSize;
    params.curveParams.base.importance = params.importanceParams;
    const auto checkpoints = list.value();

    const quint64 gen = m_session->runner()->start(
        kDynamicsJob, this,
        [this, checkpoints, params](JobContext& ctx) -> core::Result<DynamicsResults> {
            const quint64 generation = ctx.generation();
            ctx.setStage(tr("Importance and pruning curve of %n checkpoint(s)", nullptr, int(checkpoints.size())));
            auto onCheckpoint = [this, &ctx, generation](const core::CheckpointAnalysis& one) {
                ctx.post([this, generation, one]() {
                    if (m_dynamics.generation != generation) return;
                    auto next = m_dynamics.isValid() ? std::make_shared<core::CheckpointSeriesResult>(*m_dynamics)
                                                     : std::make_shared<core::CheckpointSeriesResult>();
                    next->checkpoints.push_back(one);
                    m_dynamics.value = std::move(next);
                    emit dynamicsUpdated(m_dynamics);
                });
            };
            auto r = core::analyzeCheckpoints(checkpoints, params, ctx.progressCallback(), onCheckpoint);
            if (!r) return r.error();
            return DynamicsResults{generation, std::make_shared<const core::CheckpointSeriesResult>(std::move(r).value())};
        },
        [this](const core::Result<DynamicsResults>& r) {
            if (!r) return fail(kDynamicsJob, r.error());
            m_dynamics = r.value();
            emit dynamicsUpdated(m_dynamics);
            emit jobDone(kDynamicsJob);
        });
    m_dynamics = {gen, nullptr};
    emit dynamicsUpdated(m_dynamics);
    return gen;
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
            succeed(kExportModelJob);
        });
}

} // namespace headscope::ui
