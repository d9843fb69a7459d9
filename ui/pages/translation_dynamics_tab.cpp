#include "pages/translation_dynamics_tab.h"

#include "jobs/translation_controller.h"
#include "plots/dynamics_plot.h"

#include "analysis/translation_set.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace headscope::ui {

namespace {

constexpr core::PruneScope kScopes[] = {core::PruneScope::All, core::PruneScope::EncoderSelf,
                                        core::PruneScope::EncoderDecoder, core::PruneScope::DecoderSelf};

QString scopeTitle(core::PruneScope scope)
{
    switch (scope) {
    case core::PruneScope::EncoderSelf: return TranslationDynamicsTab::tr("Encoder self-attention heads");
    case core::PruneScope::EncoderDecoder: return TranslationDynamicsTab::tr("Encoder-decoder heads");
    case core::PruneScope::DecoderSelf: return TranslationDynamicsTab::tr("Decoder self-attention heads");
    case core::PruneScope::All: break;
    }
    return TranslationDynamicsTab::tr("All heads together");
}

const core::TranslationPruneCurve* curveOf(const core::TranslationCheckpointAnalysis& c, core::PruneScope scope)
{
    if (!c.curves) return nullptr;
    for (const auto& curve : c.curves->curves)
        if (curve.scope == scope) return &curve;
    return nullptr;
}

QTableWidgetItem* numberItem(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

TranslationDynamicsTab::TranslationDynamicsTab(TranslationController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("translationDynamics"));
    m_folder = new QLineEdit(this);
    m_folder->setPlaceholderText(tr("Folder of checkpoints (epoch-01, epoch-02, ...)"));
    auto* choose = new QPushButton(tr("Choose…"), this);
    connect(choose, &QPushButton::clicked, this, &TranslationDynamicsTab::chooseFolder);
    connect(m_folder, &QLineEdit::textChanged, this, &TranslationDynamicsTab::updateControls);

    m_scope = new QComboBox(this);
    for (core::PruneScope scope : kScopes)
        m_scope->addItem(scopeTitle(scope), int(scope));
    m_scope->setToolTip(tr("Which heads each checkpoint's curve prunes, least important first"));
    connect(m_scope, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this]() { showResults(m_controller->dynamics()); });
    m_step = new QDoubleSpinBox(this);
    m_step->setRange(1.0, 50.0);
    m_step->setValue(10.0);
    m_step->setSuffix(tr(" % per step"));
    m_sentences = new QSpinBox(this);
    m_sentences->setRange(0, 1000000);
    m_sentences->setValue(200);
    m_sentences->setSpecialValueText(tr("all sentences"));
    m_sentences->setSuffix(tr(" sentences"));
    m_sentences->setToolTip(tr("The first N sentences of the test set (every checkpoint decodes them once per "
                               "step of its curve)"));
    m_runButton = new QPushButton(tr("Compute Dynamics"), this);
    m_runButton->setToolTip(tr("Each checkpoint: its BLEU, its head importance, and BLEU as its heads are pruned in "
                               "its own importance order (Michel et al. 2019, section 6)"));
    connect(m_runButton, &QPushButton::clicked, this, &TranslationDynamicsTab::run);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setObjectName(QStringLiteral("dynamicsStatus"));

    m_plot = new DynamicsPlot(this);
    m_table = new QTableWidget(0, 5, this);
    m_table->setHorizontalHeaderLabels(
        {tr("Checkpoint"), tr("BLEU"), tr("Loss"), tr("Pruned within 1 BLEU"), tr("BLEU at 50 %")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(m_table, &QTableWidget::currentCellChanged, this,
            [this](int row) { m_plot->setHighlighted(row); });

    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(new QLabel(tr("Checkpoints:"), this));
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(choose);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(m_runButton);
    runRow->addWidget(m_scope);
    runRow->addWidget(m_step);
    runRow->addWidget(m_sentences);
    runRow->addStretch(1);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_plot);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(folderRow);
    layout->addLayout(runRow);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    connect(controller, &TranslationController::modelChanged, this, &TranslationDynamicsTab::onModelChanged);
    connect(controller, &TranslationController::testSetChanged, this, [this]() {
        showResults({});
        updateControls();
    });
    connect(controller, &TranslationController::dynamicsUpdated, this, &TranslationDynamicsTab::showResults);
    connect(controller, &TranslationController::runningChanged, this, [this](const QString& kind) {
        updateControls();
        // A stopped series keeps what it finished; say so instead of "so far…".
        if (kind == TranslationController::kDynamicsJob) showResults(m_controller->dynamics());
    });
    onModelChanged();
}

void TranslationDynamicsTab::setCheckpointsDir(const QString& dir)
{
    m_folder->setText(dir);
}

QString TranslationDynamicsTab::checkpointsDir() const
{
    return m_folder->text().trimmed();
}

void TranslationDynamicsTab::setScope(core::PruneScope scope)
{
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
}

core::PruneScope TranslationDynamicsTab::scope() const
{
    return core::PruneScope(m_scope->currentData().toInt());
}

void TranslationDynamicsTab::setSentences(int sentences)
{
    m_sentences->setValue(std::max(0, sentences));
}

void TranslationDynamicsTab::setStepPercent(double percent)
{
    m_step->setValue(percent);
}

QString TranslationDynamicsTab::statusText() const
{
    return m_status->text();
}

void TranslationDynamicsTab::run()
{
    if (checkpointsDir().isEmpty()) return chooseFolder();
    m_controller->runDynamics(checkpointsDir(), {scope()}, m_step->value(), m_sentences->value());
}

void TranslationDynamicsTab::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of Checkpoints"), checkpointsDir());
    if (!dir.isEmpty()) setCheckpointsDir(dir);
}

void TranslationDynamicsTab::onModelChanged()
{
    // Suggest the model's own checkpoints, unless the user typed another folder.
    const QString suggested = TranslationController::checkpointsFor(m_controller->modelPath());
    if (checkpointsDir().isEmpty() || checkpointsDir() == m_autoFolder) setCheckpointsDir(suggested);
    m_autoFolder = suggested;
    showResults({});
    updateControls();
}

void TranslationDynamicsTab::showResults(const TranslationDynamicsResults& results)
{
    const core::PruneScope shown = scope();
    m_plot->setResults(results, shown);
    m_table->setRowCount(0);
    if (!results.isValid()) {
        m_status->setText(m_controller->isReady()
                              ? tr("Choose the checkpoints of a training run and compute: every checkpoint is "
                                   "pruned in its own importance order.")
                              : tr("Open a translation model and a test set with references first."));
        return;
    }
    const auto& list = results->checkpoints;
    m_table->setRowCount(int(list.size()));
    bool missingScope = false;
    for (size_t i = 0; i < list.size(); ++i) {
        const auto& c = list[i];
        const int row = int(i);
        m_table->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(c.checkpoint.name)));
        m_table->setItem(row, 1, numberItem(QString::number(c.bleu, 'f', 2)));
        m_table->setItem(row, 2, numberItem(c.importance ? QString::number(c.importance->meanLoss, 'f', 4) : QString()));
        const core::TranslationPruneCurve* curve = curveOf(c, shown);
        missingScope = missingScope || (c.curves && !curve);
        QString within, half;
        if (curve) {
            // The largest share pruned within one BLEU point of this checkpoint unpruned.
            double best = 0.0;
            for (const auto& p : curve->points) {
                if (p.bleu >= c.bleu - 1.0) best = std::max(best, p.percent);
                if (std::abs(p.percent - 50.0) < 1e-6) half = QString::number(p.bleu, 'f', 2);
            }
            within = tr("%1 %").arg(best, 0, 'f', 0);
        }
        m_table->setItem(row, 3, numberItem(within));
        m_table->setItem(row, 4, numberItem(half));
    }
    QString text = results->complete
                       ? tr("%n checkpoint(s) on %1 sentences, %2 s.", nullptr, int(list.size()))
                             .arg(results->nSentences)
                             .arg(results->seconds, 0, 'f', 1)
                       : m_controller->isRunning(TranslationController::kDynamicsJob)
                             ? tr("%n checkpoint(s) done so far…", nullptr, int(list.size()))
                             : tr("Stopped after %n checkpoint(s).", nullptr, int(list.size()));
    if (missingScope) text += QLatin1Char(' ') + tr("These curves prune other heads: compute again for this choice.");
    m_status->setText(text);
}

void TranslationDynamicsTab::updateControls()
{
    const bool ready = m_controller->isReady() && m_controller->testSet()->hasReferences();
    const bool running = m_controller->isRunning(TranslationController::kDynamicsJob);
    m_runButton->setEnabled(ready && !running && !checkpointsDir().isEmpty());
    m_runButton->setToolTip(ready ? m_runButton->toolTip() : tr("Open a model and a test set with references first"));
}

} // namespace headscope::ui
