#pragma once
// The attention view, for teaching: pick an example and a head, see the head's attention
// matrix with the tokens on both axes, its entropy, and the prediction with and without the
// head. Changing the example or the head recomputes at once (one short job, superseded by the
// next change).
#include "jobs/analysis_results.h"
#include "mask/head_mask.h"
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace headscope::ui {

class AnalysisController;
class AttentionPlot;
class JobProgressWidget;
class MessageBar;
class SessionState;

class AttentionPage : public QWidget
{
    Q_OBJECT
public:
    AttentionPage(SessionState* session, AnalysisController* analysis, QWidget* parent = nullptr);

    AttentionPlot* plot() const { return m_plot; }
    QListWidget* exampleList() const { return m_examples; }
    QTableWidget* predictionTable() const { return m_predictions; }
    MessageBar* messageBar() const { return m_messages; }
    int currentExample() const;
    /// The shown numbers belong to a mask other than the session's (recomputed when shown).
    bool isStale() const { return m_stale; }
    QString summaryText() const;

public slots:
    /// Shows one head (e.g. chosen on the heads page) on the current example.
    void showHead(int layer, int head);
    void setExample(int example);
    /// Computes the attention of the chosen head on the chosen example.
    void run();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void markStale();
    QString maskDescription(const core::HeadMask& mask) const;
    void fillExamples();
    void filterExamples(const QString& text);
    void showResults(const AttentionResults& results);
    void scheduleRun();

    SessionState* m_session;
    AnalysisController* m_analysis;
    MessageBar* m_messages;
    QLineEdit* m_filter;
    QListWidget* m_examples;
    QSpinBox* m_layer;
    QSpinBox* m_head;
    JobProgressWidget* m_progress;
    AttentionPlot* m_plot;
    QLabel* m_status;
    QLabel* m_summary;
    QTableWidget* m_predictions;
    QTimer* m_runTimer;
    core::HeadMask m_runMask;   // the mask of the job last started
    core::HeadMask m_shownMask; // the mask of the numbers on screen
    bool m_stale = false;
};

} // namespace headscope::ui
