#pragma once
// The latency lab: throughput of the original model, the masked one (same weights, heads
// zeroed) and the actually pruned one (heads removed) per batch size, the speed-up table next
// to the FLOP ideal, and what the current mask saves in parameters and memory.
#include "jobs/analysis_results.h"
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace headscope::ui {

class AnalysisController;
class JobProgressWidget;
class LatencyPlot;
class MessageBar;
class SessionState;

class LatencyPage : public QWidget
{
    Q_OBJECT
public:
    LatencyPage(SessionState* session, AnalysisController* analysis, QWidget* parent = nullptr);

    LatencyPlot* plot() const { return m_plot; }
    QTableWidget* table() const { return m_table; }
    MessageBar* messageBar() const { return m_messages; }
    /// The current mask's pruned parameter count as shown (-1 without a model).
    qint64 prunedParameters() const { return m_prunedParameters; }

    /// Parameters of the model with the mask's masked heads removed (each head takes its rows
    /// of W_Q, W_K, W_V with their biases and its columns of W_O).
    static qint64 prunedParameterCount(qint64 parameters, int hiddenSize, int headDim, int nMaskedHeads);

public slots:
    void run();

private:
    void showResults(const LatencyResults& results);
    void updateMaskSummary();

    SessionState* m_session;
    AnalysisController* m_analysis;
    MessageBar* m_messages;
    QLineEdit* m_batchSizes;
    QSpinBox* m_seqLength;
    QSpinBox* m_timedRuns;
    QSpinBox* m_warmupRuns;
    QPushButton* m_runButton;
    JobProgressWidget* m_progress;
    LatencyPlot* m_plot;
    QTableWidget* m_table;
    QLabel* m_status;
    QLabel* m_maskSummary;
    qint64 m_prunedParameters = -1;
};

} // namespace headscope::ui
