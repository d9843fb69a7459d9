#pragma once
// Heatmaps of the heads: importance (raw or normalised), single-head ablation deltas with
// significance marks, keep-one-head results and attention entropy. The map reads the shared
// HeadTableModel; clicking a cell masks or keeps that head everywhere. Ablation fills in
// layer by layer while it runs.
#include "jobs/analysis_results.h"
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace headscope::ui {

class AnalysisController;
class HeadHeatmap;
class JobProgressWidget;
class MessageBar;
class SessionState;

class HeadsPage : public QWidget
{
    Q_OBJECT
public:
    enum class Mode
    {
        Importance,
        ImportanceRaw,
        Ablation,
        KeepOne,
        Entropy
    };

    HeadsPage(SessionState* session, AnalysisController* analysis, QWidget* parent = nullptr);

    Mode mode() const;
    void setMode(Mode mode);
    /// The HeadTableModel score set a mode shows.
    static QString scoreSet(Mode mode);
    /// The AnalysisController job kind that computes a mode's values.
    static QString jobKind(Mode mode);

    HeadHeatmap* heatmap() const { return m_heatmap; }
    MessageBar* messageBar() const { return m_messages; }
    JobProgressWidget* progress() const { return m_progress; }
    QString statusText() const;
    QString extremesText() const;

public slots:
    /// Runs the analysis the current mode shows, with the page's settings.
    void run();
    /// Toggles the head's mask through the head model (as a click on the map does).
    void onCellClicked(int layer, int head);

signals:
    /// The user asked to see a head's attention (context menu of the map).
    void attentionRequested(int layer, int head);

private:
    void applyMode();
    void updateControls();
    void updateStatus();
    void onAblation(const AblationResults& results);
    void updateExtremes();

    SessionState* m_session;
    AnalysisController* m_analysis;
    MessageBar* m_messages;
    QComboBox* m_modeBox;
    QComboBox* m_methodBox;
    QComboBox* m_normalizationBox;
    QComboBox* m_testBox;
    QPushButton* m_runButton;
    JobProgressWidget* m_progress;
    HeadHeatmap* m_heatmap;
    QLabel* m_explanation;
    QLabel* m_extremes;
    QLabel* m_status;
};

} // namespace headscope::ui
