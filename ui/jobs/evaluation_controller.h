#pragma once
// Live evaluation of the current head mask. Every mask change cancels the running evaluation
// (job kind "eval") and starts a new one; the unmasked baseline (kind "baseline") is evaluated
// once per model and dataset. Partial accuracy arrives batch by batch; anything from a
// superseded evaluation is dropped by the JobRunner's generation check.
//
// Batches run in a seeded stratified random order (the same for the baseline and every mask),
// so partial numbers are honest estimates of the final ones; once the baseline is complete a
// mask's run carries the paired change against it with a 95% interval. The hidden states
// entering each layer are kept between runs (core::LayerStateCache), so a click in layer l
// recomputes layers l and up only. Sample mode evaluates a stratified sample of the engine
// settings' size; the stop width (settings) ends a click's run once its interval is narrow.
#include "jobs/eval_snapshot.h"
#include "jobs/job_progress.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

namespace headscope::core {
class LayerStateCache;
}

namespace headscope::ui {

class SessionState;

class EvaluationController : public QObject
{
    Q_OBJECT
public:
    static const QString kEvalJob;     // "eval"
    static const QString kBaselineJob; // "baseline"

    explicit EvaluationController(SessionState* session, QObject* parent = nullptr);

    const EvalSnapshot& baseline() const { return m_baseline; }
    const EvalSnapshot& current() const { return m_current; }
    bool isEvaluating() const;
    bool sampleMode() const { return m_sampleMode; }
    SessionState* session() const { return m_session; }
    /// The cache's use so far (for the status line and bench).
    const core::LayerStateCache& layerCache() const;

public slots:
    /// Evaluates baseline and current mask again (e.g. after a batch-size change).
    void restart();
    /// Stops both evaluations; their partial numbers stay, marked as cancelled.
    void cancel();
    /// Sample mode on: evaluations cover a stratified sample; off: every example.
    void setSampleMode(bool on);
    /// Evaluates the current mask on every example once more (leaves sample mode, ignores the
    /// stop width for this run).
    void evaluateAll();

signals:
    void baselineChanged(const headscope::ui::EvalSnapshot& snapshot);
    /// Partial (per batch) and final numbers of the current mask.
    void currentChanged(const headscope::ui::EvalSnapshot& snapshot);
    /// The current mask's evaluation completed (also when it equals the baseline's).
    void evaluationFinished(const headscope::ui::EvalSnapshot& snapshot);
    void progressChanged(const headscope::ui::JobProgress& progress);
    void evaluatingChanged(bool evaluating);
    void errorOccurred(const QString& message);
    /// The evaluation (kind "eval" or "baseline") did not fit in the GPU's memory
    /// (core::isGpuOutOfMemory); sent before errorOccurred.
    void outOfDeviceMemory(const QString& kind, const QString& message);
    void sampleModeChanged(bool on);

private:
    void onInputsChanged();
    void onMaskChanged();
    void startBaseline();
    void startCurrent();
    /// Starts an evaluation job; partial and final snapshots go to onUpdate.
    quint64 startJob(const QString& kind, const core::HeadMask& mask, const QString& stage, int batchSize,
                     bool allowStop, std::function<void(const EvalSnapshot&)> onUpdate);
    /// The baseline's outcomes when it covers every example the next run will visit.
    std::shared_ptr<const std::vector<uint8_t>> pairedBaseline() const;
    /// The engine batch size capped so that the slowest batch takes about kInteractiveBatchMs
    /// (estimated from the baseline), since a click must wait for the running batch.
    int interactiveBatchSize() const;
    void adoptBaselineAsCurrent();
    void updateEvaluating();

    SessionState* m_session;
    EvalSnapshot m_baseline;
    EvalSnapshot m_current;
    bool m_evaluating = false;
    bool m_sampleMode = false;
    bool m_ignoreStopOnce = false;
};

} // namespace headscope::ui
