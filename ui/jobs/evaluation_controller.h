#pragma once
// Live evaluation of the current head mask. Every mask change cancels the running evaluation
// (job kind "eval") and starts a new one; the unmasked baseline (kind "baseline") is evaluated
// once per model and dataset. Partial accuracy arrives batch by batch; anything from a
// superseded evaluation is dropped by the JobRunner's generation check.
#include "jobs/eval_snapshot.h"
#include "jobs/job_progress.h"

#include <QElapsedTimer>
#include <QObject>

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

public slots:
    /// Evaluates baseline and current mask again (e.g. after a batch-size change).
    void restart();
    /// Stops both evaluations; their partial numbers stay, marked as cancelled.
    void cancel();

signals:
    void baselineChanged(const headscope::ui::EvalSnapshot& snapshot);
    /// Partial (per batch) and final numbers of the current mask.
    void currentChanged(const headscope::ui::EvalSnapshot& snapshot);
    /// The current mask's evaluation completed (also when it equals the baseline's).
    void evaluationFinished(const headscope::ui::EvalSnapshot& snapshot);
    void progressChanged(const headscope::ui::JobProgress& progress);
    void evaluatingChanged(bool evaluating);
    void errorOccurred(const QString& message);

private:
    void onInputsChanged();
    void onMaskChanged();
    void startBaseline();
    void startCurrent();
    /// Starts an evaluation job; partial and final snapshots go to onUpdate.
    quint64 startJob(const QString& kind, const core::HeadMask& mask, const QString& stage, int batchSize,
                     std::function<void(const EvalSnapshot&)> onUpdate);
    /// The engine batch size capped so that the slowest batch takes about kInteractiveBatchMs
    /// (estimated from the baseline), since a click must wait for the running batch.
    int interactiveBatchSize() const;
    void adoptBaselineAsCurrent();
    void updateEvaluating();

    SessionState* m_session;
    EvalSnapshot m_baseline;
    EvalSnapshot m_current;
    bool m_evaluating = false;
};

} // namespace headscope::ui
