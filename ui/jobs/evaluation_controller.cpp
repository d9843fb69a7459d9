#include "jobs/evaluation_controller.h"

#include "analysis/encoded_dataset.h"
#include "analysis/layer_state_cache.h"
#include "model/encoder_model.h"
#include "session/session_state.h"
#include "util/out_of_memory.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace headscope::ui {

const QString EvaluationController::kEvalJob = QStringLiteral("eval");
const QString EvaluationController::kBaselineJob = QStringLiteral("baseline");

namespace {
constexpr qint64 kMinPartialIntervalMs = 50; // partial numbers at most 20 times a second
// A superseded evaluation stops only between batches, so a click waits for the running batch:
// interactive batches are sized to take about this long (bench/gui measured 500 ms at batch 32).
constexpr double kInteractiveBatchMs = 80.0;
}

EvaluationController::EvaluationController(SessionState* session, QObject* parent)
    : QObject(parent), m_session(session)
{
    qRegisterMetaType<EvalSnapshot>();
    connect(this, &EvaluationController::errorOccurred, this,
            [](const QString& message) { spdlog::error("evaluation: {}", message.toStdString()); });
    connect(session, &SessionState::modelChanged, this, &EvaluationController::onInputsChanged);
    connect(session, &SessionState::datasetChanged, this, &EvaluationController::onInputsChanged);
    connect(session, &SessionState::maskChanged, this, &EvaluationController::onMaskChanged);
    connect(session, &SessionState::engineSettingsChanged, this, &EvaluationController::restart);
    JobRunner* runner = session->runner();
    connect(runner, &JobRunner::progressChanged, this, [this](const JobProgress& p) {
        if (p.kind == kEvalJob || p.kind == kBaselineJob)
            emit progressChanged(p);
    });
    connect(runner, &JobRunner::runningChanged, this, [this](const QString& kind, bool) {
        if (kind == kEvalJob || kind == kBaselineJob)
            updateEvaluating();
    });
}

bool EvaluationController::isEvaluating() const
{
    return m_evaluating;
}

void EvaluationController::restart()
{
    onInputsChanged();
}

void EvaluationController::cancel()
{
    m_session->runner()->cancel(kEvalJob);
    m_session->runner()->cancel(kBaselineJob);
    if (m_baseline.state == EvalSnapshot::State::Running) {
        m_baseline.state = EvalSnapshot::State::Cancelled;
        emit baselineChanged(m_baseline);
    }
    if (m_current.state == EvalSnapshot::State::Running) {
        m_current.state = EvalSnapshot::State::Cancelled;
        emit currentChanged(m_current);
    }
}

void EvaluationController::setSampleMode(bool on)
{
    if (on == m_sampleMode)
        return;
    m_sampleMode = on;
    emit sampleModeChanged(on);
    if (!m_session->isReady())
        return;
    // A complete baseline serves a sample too; a sample baseline cannot serve every example.
    const bool baselineServes = m_baseline.isComplete() || (on && m_baseline.isFinished());
    if (!baselineServes) {
        onInputsChanged();
        return;
    }
    onMaskChanged();
}

void EvaluationController::evaluateAll()
{
    m_ignoreStopOnce = true;
    if (m_sampleMode)
        setSampleMode(false);
    else if (m_session->isReady())
        onMaskChanged();
}

const core::LayerStateCache& EvaluationController::layerCache() const
{
    return *m_session->layerCache();
}

std::shared_ptr<const std::vector<uint8_t>> EvaluationController::pairedBaseline() const
{
    if (!m_baseline.isFinished() || !m_baseline.result)
        return nullptr;
    // A sample baseline pairs with runs of the same sample only.
    if (!m_baseline.isComplete() && !m_sampleMode)
        return nullptr;
    return std::shared_ptr<const std::vector<uint8_t>>(m_baseline.result, &m_baseline.result->correct);
}

void EvaluationController::onInputsChanged()
{
    m_session->runner()->cancel(kEvalJob);
    m_session->runner()->cancel(kBaselineJob);
    m_baseline = EvalSnapshot();
    m_current = EvalSnapshot();
    emit baselineChanged(m_baseline);
    emit currentChanged(m_current);
    if (!m_session->isReady())
        return;
    startBaseline();
    if (m_session->mask() != m_session->fullMask())
        startCurrent();
}

void EvaluationController::onMaskChanged()
{
    if (!m_session->isReady())
        return;
    if (m_session->mask() == m_session->fullMask()) {
        // Back to all heads: the baseline is the answer, no need to evaluate again.
        m_session->runner()->cancel(kEvalJob);
        m_ignoreStopOnce = false;
        if (m_baseline.isFinished() && (m_baseline.isComplete() || m_sampleMode))
            adoptBaselineAsCurrent();
        else if (!m_session->runner()->isRunning(kBaselineJob))
            startBaseline();
        else {
            m_current = m_baseline;
            emit currentChanged(m_current);
        }
        return;
    }
    startCurrent();
}

void EvaluationController::startBaseline()
{
    const core::HeadMask full = m_session->fullMask();
    m_baseline = EvalSnapshot();
    m_baseline.state = EvalSnapshot::State::Running;
    m_baseline.mask = full;
    const int batchSize = m_session->engineSettings().batchSize;
    const QString stage = m_sampleMode ? tr("Baseline (all heads), sample of %n example(s)", nullptr,
                                            m_session->engineSettings().sampleSize)
                                       : tr("Baseline (all heads)");
    m_baseline.generation = startJob(kBaselineJob, full, stage, batchSize, false, [this](const EvalSnapshot& s) {
        m_baseline = s;
        emit baselineChanged(m_baseline);
        // While the mask is the full one, the baseline is also the current evaluation.
        if (m_session->mask() == m_baseline.mask && !m_session->runner()->isRunning(kEvalJob)) {
            m_current = m_baseline;
            emit currentChanged(m_current);
            if (m_current.isFinished())
                emit evaluationFinished(m_current);
        }
    });
    emit baselineChanged(m_baseline);
}

void EvaluationController::startCurrent()
{
    const core::HeadMask mask = m_session->mask();
    const int nMasked = mask.countMasked() - m_session->fullMask().countMasked();
    m_current = EvalSnapshot();
    m_current.state = EvalSnapshot::State::Running;
    m_current.mask = mask;
    const bool allowStop = !m_ignoreStopOnce;
    m_ignoreStopOnce = false;
    QString stage = tr("Evaluating, %n head(s) masked", nullptr, nMasked);
    if (m_sampleMode)
        stage += tr(", sample of %n example(s)", nullptr, m_session->engineSettings().sampleSize);
    m_current.generation = startJob(kEvalJob, mask, stage, interactiveBatchSize(), allowStop,
                                    [this](const EvalSnapshot& s) {
                                        m_current = s;
                                        emit currentChanged(m_current);
                                        if (m_current.isFinished())
                                            emit evaluationFinished(m_current);
                                    });
    emit currentChanged(m_current);
}

void EvaluationController::adoptBaselineAsCurrent()
{
    m_current = m_baseline;
    emit currentChanged(m_current);
    emit evaluationFinished(m_current);
}

int EvaluationController::interactiveBatchSize() const
{
    const int configured = std::max(1, m_session->engineSettings().batchSize);
    const auto data = m_session->encodedDataset();
    if (!data || !m_baseline.isFinished() || !m_baseline.result || m_baseline.result->totalSeconds <= 0.0)
        return configured;
    // The baseline's forward time per token, times the longest example: the slowest batch.
    int64_t tokens = 0;
    size_t longest = 0;
    for (const auto& e : data->examples) {
        tokens += int64_t(e.inputIds.size());
        longest = std::max(longest, e.inputIds.size());
    }
    if (tokens == 0 || longest == 0)
        return configured;
    const double msPerExampleAtLongest = 1000.0 * m_baseline.result->totalSeconds / double(tokens) * double(longest);
    return std::clamp(int(kInteractiveBatchMs / msPerExampleAtLongest), 1, configured);
}

quint64 EvaluationController::startJob(const QString& kind, const core::HeadMask& mask, const QString& stage,
                                       int batchSize, bool allowStop, std::function<void(const EvalSnapshot&)> onUpdate)
{
    const auto model = m_session->model();
    const auto data = m_session->encodedDataset();
    const EngineSettings& settings = m_session->engineSettings();
    core::EvalParams params;
    params.batchSize = batchSize;
    params.mask = mask;
    params.keepLogits = true;
    // The same order of examples for the baseline and every click, whatever the batch size.
    params.order = core::BatchOrder::Streaming;
    params.orderBatchSize = std::max(1, settings.batchSize);
    params.sampleSize = m_sampleMode ? settings.sampleSize : 0;
    if (kind == kEvalJob) {
        params.baselineCorrect = pairedBaseline();
        if (allowStop && params.baselineCorrect && settings.stopWidthPoints > 0.0)
            params.stopBelowWidth = settings.stopWidthPoints / 100.0;
    }
    std::shared_ptr<core::LayerStateCache> cache = m_session->layerCache();

    auto generation = std::make_shared<quint64>(0);
    const quint64 gen = m_session->runner()->start(kind, this,
        [model, data, params, stage, onUpdate, cache](JobContext& ctx) {
            ctx.setStage(stage);
            core::EvalParams run = params;
            run.layerCache = cache.get();
            QElapsedTimer timer;
            timer.start();
            qint64 lastPost = -kMinPartialIntervalMs;
            auto partial = [&](const core::EvalPartial& part) {
                const qint64 now = timer.elapsed();
                if (part.nDone < part.nTotal && now - lastPost < kMinPartialIntervalMs)
                    return;
                lastPost = now;
                EvalSnapshot s;
                s.state = EvalSnapshot::State::Running;
                s.generation = ctx.generation();
                s.mask = params.mask;
                s.nDone = part.nDone;
                s.nTotal = part.nTotal;
                s.nCorrect = part.nCorrect;
                s.accuracy = part.accuracy();
                s.interval = part.accuracyEstimate().interval;
                s.counts = part;
                if (part.nDone > 0 && now > 0) {
                    s.msPerExample = double(now) / double(part.nDone);
                    s.examplesPerSecond = 1000.0 * double(part.nDone) / double(now);
                }
                ctx.post([onUpdate, s]() { onUpdate(s); });
            };
            return core::evaluate(*model, *data, run, ctx.progressCallback(), partial);
        },
        [this, kind, onUpdate, params, generation](const core::Result<core::EvalResult>& r) {
            EvalSnapshot s;
            s.generation = *generation;
            s.mask = params.mask;
            if (!r) {
                s.state = EvalSnapshot::State::Failed;
                onUpdate(s);
                // A GPU that is too small: the window offers the CPU (the evaluation then restarts
                // by itself once the weights are there).
                if (core::isGpuOutOfMemory(r.error()))
                    emit outOfDeviceMemory(kind, QString::fromStdString(r.error().toString()));
                emit errorOccurred(QString::fromStdString(r.error().toString()));
                return;
            }
            const core::EvalResult& e = r.value();
            s.state = EvalSnapshot::State::Finished;
            s.nDone = e.last.nDone;
            s.nTotal = e.last.nTotal;
            s.nCorrect = e.nCorrect;
            s.accuracy = e.accuracy;
            s.counts = e.last;
            s.coverage = e.coverage;
            s.interval = e.complete() ? e.accuracyInterval : e.last.accuracyEstimate().interval;
            s.msPerExample = e.msPerExample;
            s.examplesPerSecond = e.examplesPerSecond;
            s.result = std::make_shared<const core::EvalResult>(e);
            onUpdate(s);
        });
    *generation = gen;
    return gen;
}

void EvaluationController::updateEvaluating()
{
    const bool now = m_session->runner()->isRunning(kEvalJob) || m_session->runner()->isRunning(kBaselineJob);
    if (now == m_evaluating)
        return;
    m_evaluating = now;
    emit evaluatingChanged(now);
}

} // namespace headscope::ui
