#include "pages/curves_page.h"

#include "jobs/analysis_controller.h"
#include "model/encoder_model.h"
#include "util/formatting.h"
#include "session/session_state.h"
#include "pages/page_helpers.h"
#include "plots/curve_plot.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cmath>

namespace headscope::ui {

CurvesPage::CurvesPage(SessionState* session, AnalysisController* analysis, QWidget* parent)
    : QWidget(parent), m_session(session), m_analysis(analysis), m_messages(new MessageBar(this))
{
    auto* layout = pagehelpers::pageLayout(this);

    m_status = pagehelpers::addHeader(layout, tr("Pruning curves"), m_messages, this).status;

    auto* controls = new QHBoxLayout;
    controls->setSpacing(8);
    m_byImportance = new QCheckBox(tr("by importance"), this);
    m_byAblation = new QCheckBox(tr("by ablation"), this);
    m_byRandom = new QCheckBox(tr("random"), this);
    m_byImportance->setChecked(true);
    m_byAblation->setChecked(true);
    m_byRandom->setChecked(true);
    m_step = new QDoubleSpinBox(this);
    m_step->setRange(1.0, 50.0);
    m_step->setDecimals(1);
    m_step->setValue(10.0);
    m_step->setSuffix(tr(" %"));
    m_step->setToolTip(tr("Share of all heads pruned per step"));
    m_rescore = new QCheckBox(tr("Re-score after each step"), this);
    m_rescore->setToolTip(tr("Compute the order again on the pruned model after each step (slower)"));
    m_minHeads = new QSpinBox(this);
    m_minHeads->setRange(0, 64);
    m_minHeads->setToolTip(tr("Never prune a layer below this many heads"));
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1000000);
    m_seed->setValue(42);
    m_seed->setToolTip(tr("Seed of the random order"));
    m_runButton = new QPushButton(tr("&Run Curves"), this);
    m_runButton->setObjectName(QStringLiteral("runButton")); // found by the GUI soak test
    m_runButton->setDefault(true);
    controls->addWidget(new QLabel(tr("Orders"), this));
    controls->addWidget(m_byImportance);
    controls->addWidget(m_byAblation);
    controls->addWidget(m_byRandom);
    controls->addSpacing(12);
    auto* stepLabel = new QLabel(tr("S&tep"), this);
    stepLabel->setBuddy(m_step);
    controls->addWidget(stepLabel);
    controls->addWidget(m_step);
    controls->addWidget(m_rescore);
    controls->addStretch(1);
    controls->addWidget(m_runButton);
    layout->addLayout(controls);
    // A second row, so that nothing is cut short at 1024 pixels.
    auto* more = new QHBoxLayout;
    more->setSpacing(8);
    auto* minLabel = new QLabel(tr("&Min heads per layer"), this);
    minLabel->setBuddy(m_minHeads);
    auto* seedLabel = new QLabel(tr("S&eed of the random order"), this);
    seedLabel->setBuddy(m_seed);
    more->addWidget(minLabel);
    more->addWidget(m_minHeads);
    more->addSpacing(12);
    more->addWidget(seedLabel);
    more->addWidget(m_seed);
    more->addStretch(1);
    layout->addLayout(more);

    m_progress = new JobProgressWidget(session->runner(), {AnalysisController::kCurveJob}, this);
    layout->addWidget(m_progress);

    auto* content = new QHBoxLayout;
    content->setSpacing(16);
    m_plot = new CurvePlot(this);
    content->addWidget(m_plot, 1);
    auto* side = new QVBoxLayout;
    auto* appliedBox = new QGroupBox(tr("Applied mask"), this);
    auto* appliedLayout = new QVBoxLayout(appliedBox);
    m_applied = new QLabel(tr("None yet."), appliedBox);
    m_applied->setWordWrap(true);
    m_applied->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* reset = new QPushButton(QIcon(QStringLiteral(":/icons/reset.svg")), tr("Reset Mask"), appliedBox);
    appliedLayout->addWidget(m_applied);
    appliedLayout->addWidget(reset, 0, Qt::AlignLeft);
    side->addWidget(appliedBox);
    side->addWidget(pagehelpers::noteLabel(
        tr("Click a point to apply that step's mask: the head grid, the maps and the live evaluation follow. "
           "Bands are 95% Wilson intervals of the accuracy; the dashed line is the model with every head. "
           "Michel et al. (2019, §4.2) prune by importance and find that many heads can go before accuracy "
           "drops."),
        this));
    content->addWidget(pagehelpers::sidePanel(side, this));
    layout->addLayout(content, 1);

    connect(m_runButton, &QPushButton::clicked, this, &CurvesPage::run);
    connect(reset, &QPushButton::clicked, session, &SessionState::resetMask);
    connect(m_plot, &CurvePlot::pointClicked, this, &CurvesPage::applyPoint);
    connect(analysis, &AnalysisController::curvesUpdated, this, &CurvesPage::showResults);
    connect(analysis, &AnalysisController::resultsCleared, this, [this]() {
        // Another model or dataset: the applied point belonged to curves that are gone.
        clearApplied(tr("None yet."));
        showResults(m_analysis->curves());
    });
    connect(session, &SessionState::maskChanged, this, [this]() {
        if (!m_appliedMask.empty() && m_session->mask() != m_appliedMask)
            clearApplied(m_session->mask() == m_session->fullMask()
                             ? tr("None: the mask was reset, every head is kept.")
                             : tr("None: the mask was changed after the point was applied."));
    });
    pagehelpers::showJobErrors(analysis, {AnalysisController::kCurveJob}, m_progress, m_messages, this);
    connect(session, &SessionState::modelChanged, this, &CurvesPage::updateControls);
    connect(session, &SessionState::datasetChanged, this, &CurvesPage::updateControls);
    updateControls();
    showResults(analysis->curves());
}

void CurvesPage::updateControls()
{
    m_runButton->setEnabled(m_session->isReady());
    if (auto model = m_session->model()) m_minHeads->setMaximum(model->nHeads());
}

void CurvesPage::run()
{
    m_messages->hide();
    AnalysisController::CurveRequest request;
    request.orders.clear();
    if (m_byImportance->isChecked()) request.orders.push_back(core::PruneOrder::Importance);
    if (m_byAblation->isChecked()) request.orders.push_back(core::PruneOrder::Ablation);
    if (m_byRandom->isChecked()) request.orders.push_back(core::PruneOrder::Random);
    request.stepPercent = m_step->value();
    request.rescore = m_rescore->isChecked();
    request.minHeadsPerLayer = m_minHeads->value();
    request.seed = uint64_t(m_seed->value());
    // Order by the importance the heads page shows, when it has some.
    if (m_analysis->importance().isValid()) {
        request.importance.method = m_analysis->importance()->params.method;
        request.importance.normalization = m_analysis->importance()->params.normalization;
    }
    m_analysis->runCurves(request);
}

void CurvesPage::showResults(const CurveResults& results)
{
    m_plot->setResults(results);
    if (!results.isValid()) {
        m_status->setText(m_session->isReady() ? tr("Not computed yet: press Run Curves.")
                                               : tr("Open a model and a dataset first."));
        return;
    }
    const core::PruneCurveParams& params = results->curves.front().params;
    QString text = tr("%1 heads · step %2 %").arg(results->totalHeads).arg(params.stepPercent, 0, 'g', 3);
    if (params.rescore) text += tr(" · re-scored each step");
    if (params.minHeadsPerLayer > 0)
        text += tr(" · at least %n head(s) per layer", nullptr, params.minHeadsPerLayer);
    const double baseline = results->baselineAccuracy();
    if (std::isfinite(baseline)) text += tr(" · unpruned accuracy %1").arg(format::percent(baseline));
    m_status->setText(text);
}

void CurvesPage::applyPoint(int series, int point)
{
    const CurveResults& results = m_plot->results();
    if (!results.isValid() || series < 0 || size_t(series) >= results->curves.size() || point < 0 ||
        size_t(point) >= results->curves[size_t(series)].points.size())
        return;
    const auto& s = results->curves[size_t(series)];
    const core::PruneCurvePoint& p = s.points[size_t(point)];
    m_appliedMask = p.mask; // before setMask: its maskChanged must not clear the new text
    if (!m_session->setMask(p.mask)) {
        m_appliedMask = {};
        return;
    }
    m_plot->setSelectedPoint(series, point);
    m_applied->setText(
        tr("%1, %2 % of heads pruned (%n head(s) masked).\nAccuracy on the curve: %3 (%4 – %5).\n"
           "Parameters of the pruned model: %6.",
           nullptr, p.nPruned)
            .arg(CurvePlot::orderName(s.order))
            .arg(p.percent, 0, 'f', 0)
            .arg(format::percent(p.accuracy), format::percent(p.accuracyInterval.low),
                 format::percent(p.accuracyInterval.high), format::count(p.nParameters)));
    emit maskApplied(p.mask);
}

void CurvesPage::clearApplied(const QString& text)
{
    m_appliedMask = {};
    m_applied->setText(text);
    if (m_analysis->curves().isValid()) m_plot->setSelectedPoint(-1, -1);
}

QString CurvesPage::appliedText() const
{
    return m_applied->text();
}

} // namespace headscope::ui
