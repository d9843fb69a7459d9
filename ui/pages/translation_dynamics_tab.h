#pragma once
// The Translation page's training-dynamics tab (Michel et al. 2019, section 6, Figure 5 on
// IWSLT): every checkpoint of a training run pruned by its own importance, BLEU relative to
// that checkpoint's unpruned BLEU against the share of heads pruned, one line per epoch, and a
// table of each checkpoint's BLEU, loss and how much of it prunes within one BLEU point.
#include "jobs/analysis_results.h"

#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace headscope::ui {

class DynamicsPlot;
class TranslationController;

class TranslationDynamicsTab : public QWidget
{
    Q_OBJECT
public:
    explicit TranslationDynamicsTab(TranslationController* controller, QWidget* parent = nullptr);

    /// The folder whose sub-folders are the checkpoints (epoch-01, epoch-02, ...).
    void setCheckpointsDir(const QString& dir);
    QString checkpointsDir() const;
    /// Which heads each checkpoint's curve prunes (computed and shown).
    void setScope(core::PruneScope scope);
    core::PruneScope scope() const;
    /// Sentences of the test set used (its first N; 0: all).
    void setSentences(int sentences);
    void setStepPercent(double percent);

    DynamicsPlot* plot() const { return m_plot; }
    QTableWidget* table() const { return m_table; }
    QPushButton* runButton() const { return m_runButton; }
    QString statusText() const;

public slots:
    void run();

private:
    void chooseFolder();
    void showResults(const TranslationDynamicsResults& results);
    void onModelChanged();
    void updateControls();

    TranslationController* m_controller;
    QLineEdit* m_folder;
    QComboBox* m_scope;
    QDoubleSpinBox* m_step;
    QSpinBox* m_sentences;
    QPushButton* m_runButton;
    QLabel* m_status;
    DynamicsPlot* m_plot;
    QTableWidget* m_table;
    QString m_autoFolder; // the folder filled in for the model (replaced when the model changes)
};

} // namespace headscope::ui
