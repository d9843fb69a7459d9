#pragma once
// Cross-dataset comparison (Michel et al. 2019, §3.4): the same per-head analysis on the
// session's dataset (A) and a second file (B), as a scatter with Pearson's r and Spearman's rho.
#include "jobs/analysis_results.h"
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace headscope::ui {

class AnalysisController;
class JobProgressWidget;
class MessageBar;
class ScatterPlot;
class SessionState;

class ComparePage : public QWidget
{
    Q_OBJECT
public:
    ComparePage(SessionState* session, AnalysisController* analysis, QWidget* parent = nullptr);

    ScatterPlot* plot() const { return m_plot; }
    MessageBar* messageBar() const { return m_messages; }
    QString secondDataset() const;
    void setSecondDataset(const QString& path);

public slots:
    void run();
    void chooseSecondDataset();

private:
    void showResults(const CompareResults& results);
    void updateControls();

    SessionState* m_session;
    AnalysisController* m_analysis;
    MessageBar* m_messages;
    QLabel* m_datasetA;
    QLineEdit* m_datasetB;
    QComboBox* m_whatBox;
    QComboBox* m_methodBox;
    QPushButton* m_runButton;
    JobProgressWidget* m_progress;
    ScatterPlot* m_plot;
    QLabel* m_status;
    QLabel* m_numbers;
};

} // namespace headscope::ui
