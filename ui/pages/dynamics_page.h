#pragma once
// Training dynamics (Michel et al. 2019, section 6): pruning curves of every checkpoint of a
// training run overlaid (accuracy relative to each checkpoint's unpruned accuracy), and an epoch
// slider that shows that checkpoint's head importance as a heatmap.
#include "jobs/analysis_results.h"

#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;

namespace headscope::ui {

class AnalysisController;
class DynamicsPlot;
class HeadHeatmap;
class HeadTableModel;
class JobProgressWidget;
class MessageBar;
class SessionState;

class DynamicsPage : public QWidget
{
    Q_OBJECT
public:
    DynamicsPage(SessionState* session, AnalysisController* analysis, QWidget* parent = nullptr);

    /// The folder whose sub-folders are the checkpoints (epoch-01, epoch-02, ...).
    void setCheckpointsDir(const QString& dir);
    QString checkpointsDir() const;
    /// The checkpoints folder that belongs to the session's model, if there is one: a
    /// "checkpoints" folder beside the model folder or inside it.
    static QString checkpointsFor(const QString& modelDir);

    DynamicsPlot* plot() const { return m_plot; }
    HeadHeatmap* heatmap() const { return m_heatmap; }
    QSlider* epochSlider() const { return m_slider; }
    MessageBar* messageBar() const { return m_messages; }
    QString epochText() const;

public slots:
    void run();
    /// Shows checkpoint i (0-based in the series) on the heatmap.
    void showCheckpoint(int i);

private:
    void showResults(const DynamicsResults& results);
    void updateControls();
    void chooseFolder();

    SessionState* m_session;
    AnalysisController* m_analysis;
    MessageBar* m_messages;
    QLabel* m_status;
    QLineEdit* m_folder;
    QDoubleSpinBox* m_step;
    QPushButton* m_runButton;
    JobProgressWidget* m_progress;
    DynamicsPlot* m_plot;
    QSlider* m_slider;
    QLabel* m_epochLabel;
    HeadTableModel* m_epochScores;
    HeadHeatmap* m_heatmap;
};

} // namespace headscope::ui
