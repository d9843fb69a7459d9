#include "pages/translation_page.h"

#include "analysis/translation_set.h"
#include "models/translation_head_model.h"
#include "models/translation_list_model.h"
#include "pages/translation_dynamics_tab.h"
#include "plots/head_heatmap.h"
#include "plots/translation_curve_plot.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"
#include "widgets/rich_text_delegate.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

namespace headscope::ui {

namespace {

QString typeTitle(core::AttentionType type)
{
    switch (type) {
    case core::AttentionType::EncoderSelf:
        return TranslationPage::tr("Encoder self-attention (Enc-Enc)");
    case core::AttentionType::EncoderDecoder:
        return TranslationPage::tr("Encoder-decoder attention (Enc-Dec)");
    case core::AttentionType::DecoderSelf:
        return TranslationPage::tr("Decoder self-attention (Dec-Dec)");
    }
    return {};
}

QStringList toQStringList(const std::vector<std::string>& lines)
{
    QStringList out;
    out.reserve(qsizetype(lines.size()));
    for (const std::string& line : lines)
        out << QString::fromStdString(line);
    return out;
}

// The folder's name, with its parent's when the folder is called "model" (as in the demos and
// in training outputs), so that the title says which model it is.
QString modelName(const QString& path)
{
    const QFileInfo info(path);
    if (info.fileName() == QLatin1String("model")) return QFileInfo(info.path()).fileName() + QLatin1Char('/') + info.fileName();
    return info.fileName();
}

QString signedNumber(double v)
{
    return (v >= 0 ? QStringLiteral("+") : QString()) + QString::number(v, 'f', 2);
}

} // namespace

TranslationPage::TranslationPage(TranslationController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("translationPage"));
    m_messages = new MessageBar(this);
    m_progress = new JobProgressWidget(controller->runner(), TranslationController::jobKinds(), this);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    m_bleu = new QLabel(this);
    m_bleu->setObjectName(QStringLiteral("liveBleu"));
    m_bleu->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = m_bleu->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_bleu->setFont(big);

    auto* openModel = new QPushButton(tr("Open Model…"), this);
    auto* openSet = new QPushButton(tr("Open Test Set…"), this);
    auto* reset = new QPushButton(tr("Keep All Heads"), this);
    m_loadMaskButton = new QPushButton(tr("Load Mask…"), this);
    m_loadMaskButton->setToolTip(tr("Apply a mask file: json or descriptor with the three attention types "
                                    "(the CLI's --mask), csv or npy for encoder self-attention"));
    m_exportMaskButton = new QPushButton(tr("Export Mask…"), this);
    m_exportMaskButton->setToolTip(tr("Save the heads masked now (all three types) as a mask file for "
                                      "headscope-cli --mask or Load Mask"));
    connect(m_loadMaskButton, &QPushButton::clicked, this, &TranslationPage::chooseMaskFile);
    connect(m_exportMaskButton, &QPushButton::clicked, this, &TranslationPage::exportMask);
    connect(openModel, &QPushButton::clicked, this, &TranslationPage::chooseModel);
    connect(openSet, &QPushButton::clicked, this, &TranslationPage::chooseTestSet);
    connect(reset, &QPushButton::clicked, controller, &TranslationController::resetMasks);
    auto* top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(openModel);
    top->addWidget(openSet);
    top->addWidget(m_loadMaskButton);
    top->addWidget(m_exportMaskButton);
    top->addWidget(reset);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(buildHeadsTab(), tr("Heads"));
    m_tabs->addTab(buildTranslationsTab(), tr("Translations"));
    m_tabs->addTab(buildCurvesTab(), tr("Pruning Curves"));
    m_dynamics = new TranslationDynamicsTab(controller, this);
    m_tabs->addTab(m_dynamics, tr("Training Dynamics"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_messages);
    layout->addLayout(top);
    layout->addWidget(m_bleu);
    layout->addWidget(m_progress);
    layout->addWidget(m_tabs, 1);

    connect(controller, &TranslationController::errorOccurred, this,
            [this](const QString& kind, const QString& message) {
                m_messages->showError(message, kind);
                m_progress->markFailed(kind);
            });
    connect(controller, &TranslationController::modelChanged, this, [this]() {
        m_messages->clearSource(TranslationController::kLoadModelJob);
        m_content.clear();
        for (HeadTableModel* model : m_models)
            model->clearScores();
        m_curvePlot->setResults({});
        updateTitle();
        updateButtons();
    });
    connect(controller, &TranslationController::testSetChanged, this, &TranslationPage::onTestSetChanged);
    connect(controller, &TranslationController::evaluationStarted, this, &TranslationPage::onEvaluationStarted);
    connect(controller, &TranslationController::evaluationPartial, this, &TranslationPage::onPartial);
    connect(controller, &TranslationController::unmaskedReady, this, [this](const TranslationEvalResults& r) {
        m_translations->setUnmasked(toQStringList(r->hypotheses));
    });
    connect(controller, &TranslationController::evaluationFinished, this, &TranslationPage::onEvaluationFinished);
    connect(controller, &TranslationController::importanceReady, this, &TranslationPage::showImportance);
    connect(controller, &TranslationController::ablationUpdated, this, &TranslationPage::showAblation);
    connect(controller, &TranslationController::curvesUpdated, m_curvePlot, &TranslationCurvePlot::setResults);
    connect(controller, &TranslationController::runningChanged, this, &TranslationPage::updateButtons);
    updateTitle();
    updateButtons();
}

QWidget* TranslationPage::buildHeadsTab()
{
    auto* tab = new QWidget(this);
    m_importanceButton = new QPushButton(tr("Importance"), tab);
    m_importanceButton->setToolTip(tr("Mask-gradient importance of every head (teacher-forced loss), per type"));
    m_ablationButton = new QPushButton(tr("Ablation"), tab);
    m_ablationButton->setToolTip(tr("BLEU change with each head masked alone; fills in layer by layer"));
    m_subsetSize = new QSpinBox(tab);
    m_subsetSize->setRange(0, 1000000);
    m_subsetSize->setSpecialValueText(tr("all sentences"));
    m_subsetSize->setPrefix(tr("subset: "));
    m_subsetSize->setToolTip(tr("Ablation decodes the test set once per head: a subset of the first N "
                                "sentences is faster, with wider intervals"));
    connect(m_importanceButton, &QPushButton::clicked, this, &TranslationPage::runImportance);
    connect(m_ablationButton, &QPushButton::clicked, this, &TranslationPage::runAblation);
    m_heatmapInfo = new QLabel(tr("Click a head to mask it; shift-click a layer label to mask the layer."), tab);
    m_heatmapInfo->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_importanceButton);
    buttons->addWidget(m_ablationButton);
    buttons->addWidget(m_subsetSize);
    buttons->addStretch(1);

    auto* maps = new QHBoxLayout;
    for (core::AttentionType type : core::kSeq2SeqAttentionTypes) {
        const size_t i = size_t(type);
        m_models[i] = new TranslationHeadModel(m_controller, type, this);
        m_heatmaps[i] = new HeadHeatmap(tab);
        m_heatmaps[i]->setModel(m_models[i]);
        m_heatmaps[i]->setAttentionActionVisible(false);
        m_heatmaps[i]->setExportName(QStringLiteral("translation-") + QString::fromLatin1(core::attentionTypeName(type)));
        m_heatmaps[i]->setMinimumSize(220, 200);
        m_heatmaps[i]->setValueLabel(tr("importance or ablation")); // "…: not computed yet" until one runs
        connect(m_heatmaps[i], &HeadHeatmap::cellClicked, this, [this, type](int layer, int head) {
            m_controller->setHeadMasked(type, layer, head, !m_controller->isMasked(type, layer, head));
        });
        connect(m_heatmaps[i], &HeadHeatmap::layerLabelClicked, this,
                [this, type](int layer, Qt::KeyboardModifiers modifiers) {
                    if (modifiers & Qt::ShiftModifier) m_controller->toggleLayer(type, layer);
                });
        connect(m_heatmaps[i], &HeadHeatmap::hoveredCellChanged, this,
                [this, type](int layer, int head) { showHoveredAblation(type, layer, head); });
        auto* column = new QVBoxLayout;
        auto* title = new QLabel(QStringLiteral("<b>%1</b>").arg(typeTitle(type)), tab);
        title->setAlignment(Qt::AlignCenter);
        column->addWidget(title);
        column->addWidget(m_heatmaps[i], 1);
        maps->addLayout(column, 1);
    }

    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(buttons);
    layout->addLayout(maps, 1);
    layout->addWidget(m_heatmapInfo);
    return tab;
}

QWidget* TranslationPage::buildTranslationsTab()
{
    auto* tab = new QWidget(this);
    m_translations = new TranslationListModel(this);
    m_table = new QTableView(tab);
    m_table->setObjectName(QStringLiteral("translationTable"));
    m_table->setModel(m_translations);
    m_table->setItemDelegateForColumn(TranslationListModel::CurrentColumn,
                                      new RichTextDelegate(TranslationListModel::HtmlRole, m_table));
    m_table->setWordWrap(true);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    // Row heights follow the wrapped text; they are measured again when the columns change
    // width (ResizeToContents alone keeps the heights of the first layout).
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    auto* rowFit = new QTimer(this);
    rowFit->setSingleShot(true);
    rowFit->setInterval(50);
    connect(rowFit, &QTimer::timeout, m_table, &QTableView::resizeRowsToContents);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, rowFit, qOverload<>(&QTimer::start));
    connect(m_translations, &QAbstractItemModel::modelReset, rowFit, qOverload<>(&QTimer::start));
    connect(m_translations, &QAbstractItemModel::dataChanged, rowFit, qOverload<>(&QTimer::start));
    connect(m_translations, &QAbstractItemModel::layoutChanged, rowFit, qOverload<>(&QTimer::start));
    m_changedOnly = new QCheckBox(tr("Only sentences whose translation changed"), tab);
    m_changedCount = new QLabel(tab);
    connect(m_changedOnly, &QCheckBox::toggled, m_translations, &TranslationListModel::setChangedOnly);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_changedOnly);
    bar->addStretch(1);
    bar->addWidget(m_changedCount);
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    return tab;
}

QWidget* TranslationPage::buildCurvesTab()
{
    auto* tab = new QWidget(this);
    m_curvePlot = new TranslationCurvePlot(tab);
    m_curveStep = new QDoubleSpinBox(tab);
    m_curveStep->setRange(1.0, 50.0);
    m_curveStep->setValue(10.0);
    m_curveStep->setSuffix(tr(" % per step"));
    m_curveButton = new QPushButton(tr("Compute Curves"), tab);
    m_curveButton->setToolTip(tr("Prune heads by importance, least important first, per attention type and "
                                 "all together; BLEU at every step (Michel et al. 2019, Figure 4)"));
    connect(m_curveButton, &QPushButton::clicked, this, &TranslationPage::runCurves);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_curveButton);
    bar->addWidget(m_curveStep);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(tab);
    layout->addLayout(bar);
    layout->addWidget(m_curvePlot, 1);
    return tab;
}

void TranslationPage::openModel(const QString& dir, const QString& sourcePath, const QString& referencePath)
{
    m_messages->clearSource(TranslationController::kLoadModelJob);
    if (!sourcePath.isEmpty()) m_controller->openTestSet(sourcePath, referencePath);
    m_controller->openModel(dir);
}

void TranslationPage::setChangedOnly(bool on)
{
    m_changedOnly->setChecked(on);
}

void TranslationPage::setAblationSubset(int sentences)
{
    m_subsetSize->setValue(std::max(0, sentences));
}

void TranslationPage::chooseModel()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Translation Model (Marian folder)"));
    if (!dir.isEmpty()) openModel(dir);
}

void TranslationPage::chooseTestSet()
{
    const QString start = m_controller->modelPath();
    const QString src = QFileDialog::getOpenFileName(this, tr("Source Sentences (one per line)"), start);
    if (src.isEmpty()) return;
    const QString ref = QFileDialog::getOpenFileName(
        this, tr("Reference Translations (same number of lines; cancel for none)"), QFileInfo(src).absolutePath());
    m_messages->clearSource(TranslationController::kLoadSetJob);
    m_controller->openTestSet(src, ref);
}

void TranslationPage::chooseMaskFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load Mask"), m_controller->modelPath(),
                                                      tr("Mask files (*.json *.txt *.csv *.npy);;All files (*)"));
    if (path.isEmpty()) return;
    QString error;
    if (!m_controller->loadMaskFile(path, &error)) m_messages->showError(error, QStringLiteral("translation-mask"));
}

void TranslationPage::exportMask()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Export Mask"), QStringLiteral("translation-mask.json"),
                                                tr("HeadScope mask (*.json);;Typed descriptor (*.txt)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".json");
    QString error;
    if (!m_controller->saveMaskFile(path, &error))
        m_messages->showError(error, QStringLiteral("translation-mask"));
    else
        m_messages->showInformation(tr("Mask saved to %1").arg(path), QStringLiteral("translation-mask"));
}

void TranslationPage::runImportance()
{
    m_messages->clearSource(TranslationController::kImportanceJob);
    m_controller->runImportance();
}

void TranslationPage::runAblation()
{
    m_messages->clearSource(TranslationController::kAblationJob);
    if (m_controller->runAblation(m_subsetSize->value()) != 0) {
        m_content = QStringLiteral("ablation");
        for (HeadTableModel* model : m_models)
            model->removeScores(QStringLiteral("ablation"));
    }
}

void TranslationPage::runCurves()
{
    m_messages->clearSource(TranslationController::kCurveJob);
    m_controller->runCurves(m_curveStep->value());
}

void TranslationPage::showImportance(const TranslationImportanceResults& results)
{
    m_content = QStringLiteral("importance");
    for (core::AttentionType type : core::kSeq2SeqAttentionTypes) {
        const size_t i = size_t(type);
        m_models[i]->setScores(QStringLiteral("importance"), results->normalized.of(type));
        m_models[i]->setCurrentScores(QStringLiteral("importance"));
        m_heatmaps[i]->setScale(HeadHeatmap::Scale::Sequential);
        m_heatmaps[i]->setValueLabel(tr("importance (normalised per layer)"));
    }
    m_heatmapInfo->setText(tr("Head importance over %n sentence pair(s). Click a head to mask it; shift-click a "
                              "layer label to mask the layer.",
                              nullptr, int(results->nExamples)));
}

void TranslationPage::showAblation(const TranslationAblationResults& results)
{
    m_content = QStringLiteral("ablation");
    for (core::AttentionType type : core::kSeq2SeqAttentionTypes) {
        const size_t i = size_t(type);
        m_models[i]->setScores(QStringLiteral("ablation"), results->delta.of(type));
        m_models[i]->setPValues(QStringLiteral("ablation"), results->pValue.of(type));
        m_models[i]->setCurrentScores(QStringLiteral("ablation"));
        m_heatmaps[i]->setScale(HeadHeatmap::Scale::Diverging);
        m_heatmaps[i]->setValueLabel(tr("BLEU change with the head masked"));
    }
    const int64_t n = int64_t(results->subset.size());
    m_heatmapInfo->setText(
        tr("Single-head ablation: %1 of %2 layers on %3 of %4 sentences (unmasked BLEU %5); dots: p < 0.01 "
           "(paired bootstrap). Hover a head for its 95% interval.")
            .arg(results->layersDone.size())
            .arg(results->nLayersTotal)
            .arg(n)
            .arg(results->nPopulation)
            .arg(results->baselineBleu, 0, 'f', 2));
}

void TranslationPage::showHoveredAblation(core::AttentionType type, int layer, int head)
{
    const TranslationAblationResults& r = m_controller->ablation();
    if (layer < 0 || m_content != QStringLiteral("ablation") || !r.isValid()) return;
    const auto& delta = r->delta.of(type);
    if (size_t(layer) >= delta.size() || size_t(head) >= delta[size_t(layer)].size()) return;
    const double d = delta[size_t(layer)][size_t(head)];
    if (!std::isfinite(d)) return;
    const double lo = r->deltaLow.of(type)[size_t(layer)][size_t(head)];
    const double hi = r->deltaHigh.of(type)[size_t(layer)][size_t(head)];
    const double p = r->pValue.of(type)[size_t(layer)][size_t(head)];
    m_heatmapInfo->setText(tr("%1, layer %2, head %3 masked: BLEU %4 (95% interval %5 to %6, p = %7) on %8 of %9 "
                              "sentences")
                               .arg(typeTitle(type))
                               .arg(layer)
                               .arg(head)
                               .arg(signedNumber(d), signedNumber(lo), signedNumber(hi))
                               .arg(p, 0, 'g', 3)
                               .arg(r->subset.size())
                               .arg(r->nPopulation));
}

void TranslationPage::onTestSetChanged()
{
    const auto set = m_controller->testSet();
    m_translations->setTestSet(toQStringList(set->sources), toQStringList(set->references));
    m_messages->clearSource(TranslationController::kLoadSetJob);
    updateTitle();
    updateButtons();
}

void TranslationPage::onEvaluationStarted()
{
    const auto& live = m_controller->live();
    m_bleu->setText(tr("Translating: 0 of %n sentence(s)…", nullptr, int(live.nTotal)));
}

void TranslationPage::onPartial(const TranslationController::LiveBleu& live)
{
    m_bleu->setText(tr("BLEU %1 so far (%2 of %3 sentences)").arg(live.bleu, 0, 'f', 2).arg(live.nDone).arg(live.nTotal));
}

void TranslationPage::onEvaluationFinished(const TranslationEvalResults& results)
{
    const auto& r = *results;
    QString text = tr("BLEU %1 on %2 sentences").arg(r.bleu.score, 0, 'f', 2).arg(r.nSentences);
    if (r.bootstrap) {
        const auto& b = *r.bootstrap;
        text += tr(" — change vs unmasked %1 (95% interval %2 to %3, p = %4)")
                    .arg(signedNumber(b.delta), signedNumber(b.deltaInterval.low), signedNumber(b.deltaInterval.high))
                    .arg(b.pValue, 0, 'g', 3);
    } else if (m_controller->masks().allKept()) {
        text += tr(" — every head kept");
    }
    if (!r.hasReferences) text = tr("Translated %1 sentences (no references: no BLEU)").arg(r.nSentences);
    m_bleu->setText(text);
    m_translations->setCurrent(toQStringList(r.hypotheses));
    m_changedCount->setText(tr("%1 of %2 translations changed")
                                .arg(m_translations->changedCount())
                                .arg(m_translations->sentenceCount()));
}

QString TranslationPage::bleuText() const
{
    return m_bleu->text();
}

void TranslationPage::updateTitle()
{
    const auto model = m_controller->model();
    if (!model) {
        m_title->setText(tr("Open a Marian translation model folder (config.json with model_type marian), then a "
                            "test set: a source file and a reference file with one sentence per line."));
        return;
    }
    QString text = tr("<b>%1</b>: %2+%3 layers × %4 heads")
                       .arg(modelName(m_controller->modelPath()).toHtmlEscaped())
                       .arg(model->nLayers(core::AttentionType::EncoderSelf))
                       .arg(model->nLayers(core::AttentionType::DecoderSelf))
                       .arg(model->nHeads(core::AttentionType::EncoderSelf));
    m_title->setToolTip(m_controller->modelPath());
    if (const auto set = m_controller->testSet())
        text += tr(" — test set %1 (%2 sentences)").arg(QFileInfo(m_controller->sourcePath()).fileName()).arg(set->size());
    else
        text += tr(" — no test set yet: Open Test Set…");
    m_title->setText(text);
}

void TranslationPage::updateButtons()
{
    const bool ready = m_controller->isReady() && m_controller->testSet()->hasReferences();
    m_importanceButton->setEnabled(ready);
    m_ablationButton->setEnabled(ready);
    m_curveButton->setEnabled(ready);
    m_loadMaskButton->setEnabled(m_controller->model() != nullptr);
    m_exportMaskButton->setEnabled(m_controller->model() != nullptr);
}

} // namespace headscope::ui
