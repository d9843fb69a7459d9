#pragma once
// The Translation page: a Marian model's three attention types side by side (encoder self,
// encoder-decoder, decoder self), each a heatmap of importance or single-head ablation BLEU
// deltas where a click masks a head of that type; the live BLEU of every mask change; the
// Translations view (unmasked vs current hypothesis, changed words highlighted); and the
// per-type pruning curves (the paper's Figure 4); and the training dynamics of a run's
// checkpoints (Figure 5). Every job runs in the TranslationController.
#include "jobs/analysis_results.h"
#include "jobs/translation_controller.h"

#include <QWidget>
#include <array>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;

namespace headscope::ui {

class HeadHeatmap;
class JobProgressWidget;
class MessageBar;
class TranslationCurvePlot;
class TranslationDynamicsTab;
class TranslationHeadModel;
class TranslationListModel;

class TranslationPage : public QWidget
{
    Q_OBJECT
public:
    explicit TranslationPage(TranslationController* controller, QWidget* parent = nullptr);

    TranslationController* controller() const { return m_controller; }
    HeadHeatmap* heatmap(core::AttentionType type) const { return m_heatmaps[size_t(type)]; }
    TranslationHeadModel* headModel(core::AttentionType type) const { return m_models[size_t(type)]; }
    TranslationListModel* translations() const { return m_translations; }
    TranslationCurvePlot* curvePlot() const { return m_curvePlot; }
    TranslationDynamicsTab* dynamicsTab() const { return m_dynamics; }
    QTabWidget* tabs() const { return m_tabs; }
    MessageBar* messages() const { return m_messages; }
    /// The live BLEU line as shown ("BLEU 27.31 on 120 of 200 sentences", then the final one).
    QString bleuText() const;
    /// What the heatmaps show: "importance" or "ablation".
    QString heatmapContent() const { return m_content; }

    /// Lists only the sentences whose translation the mask changed (the view's check box).
    void setChangedOnly(bool on);
    /// Sentences of the ablation's test subset (0: all).
    void setAblationSubset(int sentences);
    /// Folder of a Marian model; the test set is asked for afterwards (or given here).
    void openModel(const QString& dir, const QString& sourcePath = {}, const QString& referencePath = {});

public slots:
    void chooseModel();
    void chooseTestSet();
    void chooseMaskFile();
    void exportMask();
    void runImportance();
    void runAblation();
    void runCurves();

private:
    QWidget* buildHeadsTab();
    QWidget* buildTranslationsTab();
    QWidget* buildCurvesTab();
    void showImportance(const TranslationImportanceResults& results);
    void showAblation(const TranslationAblationResults& results);
    void showHoveredAblation(core::AttentionType type, int layer, int head);
    void onEvaluationStarted();
    void onPartial(const TranslationController::LiveBleu& live);
    void onEvaluationFinished(const TranslationEvalResults& results);
    void onTestSetChanged();
    void updateTitle();
    void updateButtons();

    TranslationController* m_controller;
    MessageBar* m_messages;
    JobProgressWidget* m_progress;
    QLabel* m_title;
    QLabel* m_bleu;
    QTabWidget* m_tabs;
    std::array<TranslationHeadModel*, 3> m_models{};
    std::array<HeadHeatmap*, 3> m_heatmaps{};
    QPushButton* m_loadMaskButton;
    QPushButton* m_exportMaskButton;
    QPushButton* m_importanceButton;
    QPushButton* m_ablationButton;
    QSpinBox* m_subsetSize;
    QLabel* m_heatmapInfo;
    TranslationListModel* m_translations;
    QTableView* m_table;
    QCheckBox* m_changedOnly;
    QLabel* m_changedCount;
    TranslationCurvePlot* m_curvePlot;
    QDoubleSpinBox* m_curveStep;
    QPushButton* m_curveButton;
    TranslationDynamicsTab* m_dynamics;
    QString m_content;
};

} // namespace headscope::ui
