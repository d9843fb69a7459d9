#include "pages/dynamics_page.h"

#include "jobs/analysis_controller.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "pages/page_helpers.h"
#include "plots/dynamics_plot.h"
#include "plots/head_heatmap.h"
#include "session/session_state.h"
#include "util/formatting.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"

#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>

namespace headscope::ui {

namespace {

const QString kEpochSet = QStringLiteral("dynamics-importance");

QString checkpointName(const core::CheckpointAnalysis& c)
{
    return c.checkpoint.epoch >= 0 ? DynamicsPage::tr("Epoch %1").arg(c.checkpoint.epoch)
                                   : QString::fromStdString(c.checkpoint.name);
}

} // namespace

DynamicsPage::DynamicsPage(SessionState* session, AnalysisController* analysis, QWidget* parent)
    : QWidget(parent), m_session(session), m_analysis(analysis), m_messages(new MessageBar(this))
{
    auto* layout = pagehelpers::pageLayout(this);
    m_status = pagehelpers::addHeader(layout, tr("Training dynamics"), m_messages, this).status;

    auto* controls = new QHBoxLayout;
    controls->setSpacing(8);
    m_folder = new QLineEdit(this);
    m_folder->setPlaceholderText(tr("Folder of checkpoints (epoch-01, epoch-02, ...)"));
    m_folder->setAccessibleName(tr("Checkpoints folder"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    m_step = new QDoubleSpinBox(this);
    m_step->setRange(1.0, 50.0);
    m_step->setDecimals(1);
    m_step->setValue(10.0);
    m_step->setSuffix(tr(" %"));
    m_step->setToolTip(tr("Share of all heads pruned per step of each curve"));
    m_runButton = new QPushButton(tr("&Run Dynamics"), this);
    m_runButton->setObjectName(QStringLiteral("runButton")); // found by the GUI soak test
    m_runButton->setDefault(true);
    controls->addWidget(new QLabel(tr("Checkpoints"), this));
    controls->addWidget(m_folder, 1);
    controls->addWidget(browse);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Step"), this));
    controls->addWidget(m_step);
    controls->addWidget(m_runButton);
    layout->addLayout(controls);

    m_progress = new JobProgressWidget(session->runner(), {AnalysisController::kDynamicsJob}, this);
    layout->addWidget(m_progress);

    auto* content = new QHBoxLayout;
    content->setSpacing(16);
    m_plot = new DynamicsPlot(this);
    content->addWidget(m_plot, 3);

    auto* side = new QVBoxLayout;
    auto* epochBox = new QGroupBox(tr("Importance at one checkpoint"), this);
    auto* epochLayout = new QVBoxLayout(epochBox);
    m_slider = new QSlider(Qt::Horizontal, epochBox);
    m_slider->setRange(0, 0);
    m_slider->setEnabled(false);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setAccessibleName(tr("Checkpoint"));
    m_epochLabel = new QLabel(tr("Run the analysis to see each checkpoint."), epochBox);
    m_epochLabel->setWordWrap(true);
    m_epochScores = new HeadTableModel(session, this);
    m_heatmap = new HeadHeatmap(epochBox);
    m_heatmap->setModel(m_epochScores);
    m_heatmap->setScale(HeadHeatmap::Scale::Sequential);
    m_heatmap->setValueLabel(tr("importance (normalised per layer)"));
    m_heatmap->setValueFormatter([](double v) { return QString::number(v, 'f', 2); });
    m_heatmap->setExportName(QStringLiteral("dynamics-importance"));
    m_heatmap->setMinimumHeight(260);
    epochLayout->addWidget(m_slider);
    epochLayout->addWidget(m_epochLabel);
    epochLayout->addWidget(m_heatmap, 1);
    side->addWidget(epochBox, 1);
    side->addWidget(pagehelpers::noteLabel(
        tr("Each line is one checkpoint of the training run, pruned by its own head importance; the "
           "y axis is accuracy relative to that checkpoint with every head. Michel et al. (2019, §6) "
           "find that early in training most heads matter, and that the set of heads that can go "
           "grows as training goes on. Layers and heads are numbered from 0."),
        this));
    auto* sideWidget = new QWidget(this);
    sideWidget->setLayout(side);
    sideWidget->setMinimumWidth(340);
    content->addWidget(sideWidget, 2);
    layout->addLayout(content, 1);

    connect(browse, &QPushButton::clicked, this, &DynamicsPage::chooseFolder);
    connect(m_runButton, &QPushButton::clicked, this, &DynamicsPage::run);
    connect(m_folder, &QLineEdit::textChanged, this, &DynamicsPage::updateControls);
    connect(m_slider, &QSlider::valueChanged, this, &DynamicsPage::showCheckpoint);
    connect(analysis, &AnalysisController::dynamicsUpdated, this, &DynamicsPage::showResults);
    connect(analysis, &AnalysisController::resultsCleared, this, [this]() { showResults(m_analysis->dynamics()); });
    pagehelpers::showJobErrors(analysis, {AnalysisController::kDynamicsJob}, m_progress, m_messages, this);
    connect(session, &SessionState::modelChanged, this, [this]() {
        if (m_folder->text().isEmpty() || !QFileInfo::exists(m_folder->text()))
            m_folder->setText(checkpointsFor(m_session->modelPath()));
        updateControls();
    });
    connect(session, &SessionState::datasetChanged, this, &DynamicsPage::updateControls);
    m_folder->setText(checkpointsFor(session->modelPath())); // a model may be open already
    updateControls();
    showResults(analysis->dynamics());
}

QString DynamicsPage::checkpointsFor(const QString& modelDir)
{
    if (modelDir.isEmpty()) return {};
    const QDir dir(modelDir);
    for (const QString& candidate : {dir.filePath(QStringLiteral("../checkpoints")), dir.filePath(QStringLiteral("checkpoints"))})
        if (QFileInfo(candidate).isDir()) return QDir::cleanPath(candidate);
    return {};
}

void DynamicsPage::setCheckpointsDir(const QString& dir)
{
    m_folder->setText(dir);
}

QString DynamicsPage::checkpointsDir() const
{
    return m_folder->text();
}

QString DynamicsPage::epochText() const
{
    return m_epochLabel->text();
}

void DynamicsPage::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of checkpoints"), m_folder->text());
    if (!dir.isEmpty()) m_folder->setText(dir);
}

void DynamicsPage::updateControls()
{
    m_runButton->setEnabled(m_session->isReady() && !m_folder->text().isEmpty());
    if (m_analysis->dynamics().isValid()) return;
    m_status->setText(!m_session->isReady()      ? tr("Open a model and a dataset first.")
                      : m_folder->text().isEmpty() ? tr("Choose the folder of a training run's checkpoints.")
                                                   : tr("Not computed yet: press Run Dynamics."));
}

void DynamicsPage::run()
{
    m_messages->hide();
    m_analysis->runDynamics(m_folder->text(), m_step->value());
}

void DynamicsPage::showResults(const DynamicsResults& results)
{
    m_plot->setResults(results);
    const int n = results.isValid() ? int(results->checkpoints.size()) : 0;
    m_slider->setEnabled(n > 1);
    const bool wasAtEnd = m_slider->value() >= m_slider->maximum();
    m_slider->setRange(0, std::max(0, n - 1));
    if (n == 0) {
        m_epochScores->removeScores(kEpochSet);
        m_epochLabel->setText(m_analysis->isRunning(AnalysisController::kDynamicsJob)
                                  ? tr("Computing the first checkpoint…")
                                  : tr("Run the analysis to see each checkpoint."));
        if (m_analysis->isRunning(AnalysisController::kDynamicsJob)) m_status->setText(tr("Running…"));
        else updateControls();
        return;
    }
    // Follow the newest checkpoint while they arrive, unless the user moved the slider back.
    if (wasAtEnd) m_slider->setValue(n - 1);
    showCheckpoint(m_slider->value());
    // Partial results are assembled as checkpoints arrive; only the final one has its time.
    const bool running = !(results->seconds > 0.0);
    m_status->setText(running ? tr("%n checkpoint(s) done so far", nullptr, n)
                              : tr("%n checkpoint(s) · %1", nullptr, n).arg(format::duration(qint64(results->seconds * 1000))));
}

void DynamicsPage::showCheckpoint(int i)
{
    const DynamicsResults& r = m_analysis->dynamics();
    if (!r.isValid() || i < 0 || size_t(i) >= r->checkpoints.size()) return;
    m_plot->setHighlighted(i);
    const core::CheckpointAnalysis& c = r->checkpoints[size_t(i)];
    const auto model = m_session->model();
    QString text = tr("<b>%1</b> of %2").arg(checkpointName(c)).arg(r->checkpoints.size());
    if (c.curves && !c.curves->curves.empty()) {
        const double base = c.curves->baselineAccuracy();
        double within = 0.0;
        for (const auto& p : c.curves->curves.front().points)
            if (p.accuracy >= base - 0.01) within = std::max(within, p.percent);
        text += tr(" · unpruned accuracy %1 · %2 % of heads pruned within 1 point")
                    .arg(format::percent(base))
                    .arg(within, 0, 'f', 0);
    }
    m_epochLabel->setText(text);
    if (!c.importance || !model || model->nLayers() != c.nLayers || model->nHeads() != c.nHeads) {
        m_epochScores->removeScores(kEpochSet);
        if (c.importance)
            m_epochLabel->setText(text + tr("<br>The open model has another shape: open this run's model to see its heatmap."));
        return;
    }
    m_epochScores->setScores(kEpochSet, c.importance->normalized);
    m_epochScores->setCurrentScores(kEpochSet);
}

} // namespace headscope::ui
