#pragma once
// The live numbers next to the head grid: accuracy with its interval as batches finish, the
// unmasked baseline and the difference, latency, and the running job's progress with Cancel.
// While a run streams, every figure is an estimate of the final one on the whole dataset, with
// a 95% interval; the difference is paired against the baseline on the same examples and is
// coloured only once its interval excludes zero. Sample mode and "Evaluate all examples" are here.
#include <QWidget>

class QCheckBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace headscope::ui {

class EvaluationController;
struct EvalSnapshot;
struct JobProgress;

class EvaluationPanel : public QWidget
{
    Q_OBJECT
public:
    explicit EvaluationPanel(EvaluationController* controller, QWidget* parent = nullptr);

    /// Shown accuracy text, for tests and screenshots.
    QString accuracyText() const;
    /// What the model with the masked heads removed would gain: FLOP ratio original / pruned
    /// (<= 0: no model) and how many heads the mask removes.
    void setPrunedEstimate(double speedup, int nMaskedHeads);
    QString prunedEstimateText() const;
    QString speedNoteText() const;
    /// The difference and the line under it (examples behind it, exact or estimate).
    QString deltaText() const;
    QString deltaNoteText() const;
    QString stateText() const;

private:
    void showCurrent(const EvalSnapshot& s);
    void showBaseline(const EvalSnapshot& s);
    void showProgress(const JobProgress& p);
    void setEvaluating(bool evaluating);
    void updateDelta();

    EvaluationController* m_controller;
    QLabel* m_accuracy;
    QLabel* m_interval;
    QLabel* m_count;
    QLabel* m_state;
    QLabel* m_baseline;
    QLabel* m_baselineInterval;
    QLabel* m_delta;
    QLabel* m_deltaNote;
    QLabel* m_masked;
    QLabel* m_msPerExample;
    QLabel* m_examplesPerSecond;
    QLabel* m_prunedEstimate;
    QLabel* m_speedNote;
    QLabel* m_stage;
    QLabel* m_timing;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QCheckBox* m_sample;
    QPushButton* m_evaluateAll;
};

} // namespace headscope::ui
