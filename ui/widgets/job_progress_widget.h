#pragma once
// A job's progress in one line: stage, bar, elapsed and remaining time, Cancel. Follows the
// jobs of the given kinds on a JobRunner and says how the last one ended.
#include <QElapsedTimer>
#include <QStringList>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace headscope::ui {

class JobRunner;
struct JobProgress;

class JobProgressWidget : public QWidget
{
    Q_OBJECT
public:
    JobProgressWidget(JobRunner* runner, QStringList kinds, QWidget* parent = nullptr);

    QString stageText() const;
    QString timingText() const;
    bool isCancelEnabled() const;
    /// The running job of this kind failed (its error is shown elsewhere): say so when it ends.
    void markFailed(const QString& kind);
    /// Back to "Ready" when none of the followed jobs runs: the page now shows something else
    /// than what the last job computed, so its "Done · took 3 s" would mislead.
    void clearFinished();

public slots:
    /// Cancels every running job this widget follows.
    void cancel();

private:
    void onStarted(const QString& kind);
    void onProgress(const JobProgress& progress);
    void onEnded(const QString& kind, bool cancelled);
    void updateRunning();

    JobRunner* m_runner;
    QStringList m_kinds;
    QLabel* m_stage;
    QProgressBar* m_bar;
    QLabel* m_timing;
    QPushButton* m_cancel;
    QElapsedTimer m_timer;
    QStringList m_cancelled; // kinds whose job was cancelled and has not stopped yet
    QStringList m_failed;
};

} // namespace headscope::ui
