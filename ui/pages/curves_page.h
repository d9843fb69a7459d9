#pragma once
// Pruning curves: accuracy vs percent of heads pruned, one line per order (importance,
// ablation, random), with 95% interval bands and the unpruned baseline. Clicking a point
// applies that step's mask to the session.
#include "jobs/analysis_results.h"
#include "mask/head_mask.h"
#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace headscope::ui {

class AnalysisController;
class CurvePlot;
class JobProgressWidget;
class MessageBar;
class SessionState;

class CurvesPage : public QWidget
{
    Q_OBJECT
public:
    CurvesPage(SessionState* session, AnalysisController* analysis, QWidget* parent = nullptr);

    CurvePlot* plot() const { return m_plot; }
    MessageBar* messageBar() const { return m_messages; }
    JobProgressWidget* progress() const { return m_progress; }
    QString appliedText() const;

public slots:
    /// Runs the curves of the checked orders with the page's settings.
    void run();
    /// Applies the mask of one point of one series to the session.
    void applyPoint(int series, int point);

signals:
    /// A point's mask was applied to the session.
    void maskApplied(const headscope::core::HeadMask& mask);

private:
    void showResults(const CurveResults& results);
    void updateControls();
    /// The session's mask is no longer the applied point's: say so instead of describing it.
    void clearApplied(const QString& text);

    SessionState* m_session;
    AnalysisController* m_analysis;
    MessageBar* m_messages;
    QCheckBox* m_byImportance;
    QCheckBox* m_byAblation;
    QCheckBox* m_byRandom;
    QDoubleSpinBox* m_step;
    QCheckBox* m_rescore;
    QSpinBox* m_minHeads;
    QSpinBox* m_seed;
    QPushButton* m_runButton;
    JobProgressWidget* m_progress;
    CurvePlot* m_plot;
    QLabel* m_status;
    QLabel* m_applied;
    core::HeadMask m_appliedMask; // empty: no point applied (or the mask changed since)
};

} // namespace headscope::ui
