#include "pages/compare_page.h"

#include "jobs/analysis_controller.h"
#include "util/formatting.h"
#include "session/session_state.h"
#include "pages/page_helpers.h"
#include "plots/scatter_plot.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <cmath>

namespace headscope::ui {

namespace {
QString correlation(double v)
{
    return std::isfinite(v) ? QString::number(v, 'f', 3) : QStringLiteral("–");
}
} // namespace

ComparePage::ComparePage(SessionState* session, AnalysisController* analysis, QWidget* parent)
    : QWidget(parent), m_session(session), m_analysis(analysis), m_messages(new MessageBar(this))
{
    auto* layout = pagehelpers::pageLayout(this);

    m_status = pagehelpers::addHeader(layout, tr("Compare datasets"), m_messages, this).status;

    auto* controls = new QHBoxLayout;
    controls->setSpacing(8);
    m_datasetA = new QLabel(this);
    m_datasetA->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_datasetB = new QLineEdit(this);
    m_datasetB->setPlaceholderText(tr("second dataset (same columns)"));
    m_datasetB->setMinimumWidth(180);
    auto* browse = new QPushButton(tr("Browse…"), this);
    m_whatBox = new QComboBox(this);
    m_whatBox->addItem(tr("single-head ablation Δ"), int(AnalysisController::CompareWhat::Ablation));
    m_whatBox->addItem(tr("importance (normalised)"), int(AnalysisController::CompareWhat::Importance));
    m_methodBox = new QComboBox(this);
    m_methodBox->addItem(tr("mask gradient"), int(core::ImportanceMethod::MaskGradient));
    m_methodBox->addItem(tr("paper code"), int(core::ImportanceMethod::PaperCode));
    m_runButton = new QPushButton(tr("&Compare"), this);
    m_runButton->setObjectName(QStringLiteral("runButton")); // found by the GUI soak test
    m_runButton->setDefault(true);
    controls->addWidget(new QLabel(tr("A:"), this));
    controls->addWidget(m_datasetA);
    controls->addSpacing(8);
    controls->addWidget(new QLabel(tr("B:"), this));
    controls->addWidget(m_datasetB, 1);
    controls->addWidget(browse);
    layout->addLayout(controls);
    // A second row, so that nothing is cut short at 1024 pixels.
    auto* what = new QHBoxLayout;
    what->setSpacing(8);
    auto* whatLabel = new QLabel(tr("&Per head"), this);
    whatLabel->setBuddy(m_whatBox);
    what->addWidget(whatLabel);
    what->addWidget(m_whatBox);
    what->addWidget(m_methodBox);
    what->addStretch(1);
    what->addWidget(m_runButton);
    layout->addLayout(what);

    m_progress = new JobProgressWidget(session->runner(), {AnalysisController::kCompareJob}, this);
    layout->addWidget(m_progress);

    auto* content = new QHBoxLayout;
    content->setSpacing(16);
    m_plot = new ScatterPlot(this);
    content->addWidget(m_plot, 1);
    auto* side = new QVBoxLayout;
    auto* numbersBox = new QGroupBox(tr("Correlation over heads"), this);
    auto* numbersLayout = new QVBoxLayout(numbersBox);
    m_numbers = new QLabel(tr("Not computed yet."), numbersBox);
    m_numbers->setWordWrap(true);
    m_numbers->setTextFormat(Qt::RichText);
    m_numbers->setTextInteractionFlags(Qt::TextSelectableByMouse);
    numbersLayout->addWidget(m_numbers);
    side->addWidget(numbersBox);
    side->addWidget(pagehelpers::noteLabel(
        tr("Each dot is one head: its value on dataset A across, on B up. Dots near the dashed diagonal "
           "behave "
           "alike on both. Michel et al. (2019, §3.4) compare MNLI matched and mismatched this way and find "
           "that the heads that matter on one set mostly matter on the other."),
        this));
    content->addWidget(pagehelpers::sidePanel(side, this));
    layout->addLayout(content, 1);

    connect(browse, &QPushButton::clicked, this, &ComparePage::chooseSecondDataset);
    connect(m_runButton, &QPushButton::clicked, this, &ComparePage::run);
    connect(m_whatBox, &QComboBox::currentIndexChanged, this, &ComparePage::updateControls);
    connect(m_datasetB, &QLineEdit::textChanged, this, &ComparePage::updateControls);
    connect(analysis, &AnalysisController::runningChanged, this, [this](const QString& kind) {
        if (kind == AnalysisController::kCompareJob && !m_analysis->comparison().isValid())
            showResults(m_analysis->comparison());
    });
    connect(analysis, &AnalysisController::compareReady, this, &ComparePage::showResults);
    connect(analysis, &AnalysisController::resultsCleared, this,
            [this]() { showResults(m_analysis->comparison()); });
    pagehelpers::showJobErrors(analysis, {AnalysisController::kCompareJob}, m_progress, m_messages, this);
    connect(session, &SessionState::modelChanged, this, &ComparePage::updateControls);
    connect(session, &SessionState::datasetChanged, this, &ComparePage::updateControls);
    updateControls();
    showResults(analysis->comparison());
}

QString ComparePage::secondDataset() const
{
    return m_datasetB->text().trimmed();
}

void ComparePage::setSecondDataset(const QString& path)
{
    m_datasetB->setText(path);
}

void ComparePage::chooseSecondDataset()
{
    const QString start =
        secondDataset().isEmpty() ? QFileInfo(m_session->datasetPath()).absolutePath() : secondDataset();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Second dataset"), start, tr("Datasets (*.tsv *.csv *.jsonl *.json);;All files (*)"));
    if (!path.isEmpty()) setSecondDataset(path);
}

void ComparePage::updateControls()
{
    const QString a = m_session->datasetPath();
    m_datasetA->setText(a.isEmpty() ? tr("(no dataset)") : QFileInfo(a).fileName());
    m_datasetA->setToolTip(a);
    m_methodBox->setEnabled(m_whatBox->currentData().toInt() ==
                            int(AnalysisController::CompareWhat::Importance));
    m_runButton->setEnabled(m_session->isReady() && !secondDataset().isEmpty());
}

void ComparePage::run()
{
    m_messages->hide();
    m_analysis->runCompare(secondDataset(), AnalysisController::CompareWhat(m_whatBox->currentData().toInt()),
                           core::ImportanceMethod(m_methodBox->currentData().toInt()));
}

void ComparePage::showResults(const CompareResults& results)
{
    if (!results.isValid()) {
        m_plot->setPoints({}, tr("dataset A"), tr("dataset B"));
        m_plot->setTitle(QString());
        m_numbers->setText(tr("Not computed yet."));
        m_status->setText(!m_session->isReady() ? tr("Open a model and a dataset first.")
                          : m_analysis->isRunning(AnalysisController::kCompareJob)
                              ? tr("Computing… the plot fills in when both datasets are done.")
                              : tr("Choose a second dataset and press Compare."));
        return;
    }
    const core::CompareResult& r = *results;
    const bool ablation = r.a.ablation && r.b.ablation;
    const core::Matrix none;
    const core::Matrix& a = ablation ? r.a.ablation->delta : r.a.importance ? r.a.importance->normalized : none;
    const core::Matrix& b = ablation ? r.b.ablation->delta : r.b.importance ? r.b.importance->normalized : none;
    const core::Correlation c = (ablation ? r.ablationDelta : r.importance).value_or(core::Correlation{});
    QVector<ScatterPlot::Point> points;
    for (size_t l = 0; l < a.size() && l < b.size(); ++l)
        for (size_t h = 0; h < a[l].size() && h < b[l].size(); ++h) {
            ScatterPlot::Point p;
            // Deltas in percentage points read better than fractions.
            p.x = ablation ? 100.0 * a[l][h] : a[l][h];
            p.y = ablation ? 100.0 * b[l][h] : b[l][h];
            p.layer = int(l);
            p.head = int(h);
            if (std::isfinite(p.x) && std::isfinite(p.y)) points << p;
        }
    const QString nameA = QFileInfo(QString::fromStdString(r.dataA.path)).fileName(),
                  nameB = QFileInfo(QString::fromStdString(r.dataB.path)).fileName();
    const QString unit = ablation ? tr("accuracy change (points)") : tr("importance");
    m_plot->setPoints(points, tr("A: %1, %2").arg(nameA, unit), tr("B: %1, %2").arg(nameB, unit));
    m_plot->setTitle(tr("Pearson r = %1 · Spearman ρ = %2 · %n head(s)", nullptr, c.nHeads)
                         .arg(correlation(c.pearson), correlation(c.spearman)));
    QString numbers = tr("<table cellspacing='4'><tr><td>Pearson r</td><td align='right'><b>%1</b></td></tr>"
                         "<tr><td>Spearman ρ</td><td align='right'><b>%2</b></td></tr>"
                         "<tr><td>Heads</td><td align='right'>%3</td></tr>")
                          .arg(correlation(c.pearson), correlation(c.spearman))
                          .arg(c.nHeads);
    if (ablation)
        numbers += tr("<tr><td>Accuracy on A</td><td align='right'>%1 (n = %2)</td></tr>"
                      "<tr><td>Accuracy on B</td><td align='right'>%3 (n = %4)</td></tr>")
                       .arg(format::percent(r.a.ablation->baselineAccuracy))
                       .arg(r.a.ablation->n)
                       .arg(format::percent(r.b.ablation->baselineAccuracy))
                       .arg(r.b.ablation->n);
    numbers += QStringLiteral("</table>");
    m_numbers->setText(numbers);
    m_status->setText(ablation ? tr("single-head ablation deltas, %1 vs %2").arg(nameA, nameB)
                               : tr("normalised importance, %1 vs %2").arg(nameA, nameB));
}

} // namespace headscope::ui
