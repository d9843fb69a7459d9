#include "pages/latency_page.h"

#include "jobs/analysis_controller.h"
#include "model/encoder_model.h"
#include "util/formatting.h"
#include "session/session_state.h"
#include "pages/page_helpers.h"
#include "plots/latency_plot.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace headscope::ui {

namespace {

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignRight | Qt::AlignVCenter)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

// Milliseconds without the unit (the column header has it), three significant digits or so.
QString msNumber(double ms)
{
    return QString::number(ms, 'f', ms < 10 ? 2 : ms < 100 ? 1 : 0);
}

// "812.6 k" must not break between the number and its unit in the narrow side panel.
QString noBreak(QString text)
{
    return text.replace(QLatin1Char(' '), QChar(0x00A0));
}

QString speedup(double s)
{
    return s > 0 ? QStringLiteral("%1×").arg(s, 0, 'f', 2) : QStringLiteral("–");
}

} // namespace

qint64 LatencyPage::prunedParameterCount(qint64 parameters, int hiddenSize, int headDim, int nMaskedHeads)
{
    const qint64 perHead = 4 * qint64(headDim) * hiddenSize + 3 * qint64(headDim);
    return parameters - qint64(nMaskedHeads) * perHead;
}

LatencyPage::LatencyPage(SessionState* session, AnalysisController* analysis, QWidget* parent)
    : QWidget(parent), m_session(session), m_analysis(analysis), m_messages(new MessageBar(this))
{
    auto* layout = pagehelpers::pageLayout(this);

    m_status = pagehelpers::addHeader(layout, tr("Latency"), m_messages, this).status;

    auto* controls = new QHBoxLayout;
    controls->setSpacing(8);
    m_batchSizes = new QLineEdit(QStringLiteral("1, 4, 16, 64"), this);
    m_batchSizes->setMaximumWidth(160);
    m_batchSizes->setToolTip(tr("Comma-separated batch sizes"));
    m_seqLength = new QSpinBox(this);
    m_seqLength->setRange(2, 512);
    m_seqLength->setValue(128);
    m_seqLength->setToolTip(tr("Tokens per example (random token ids, no padding)"));
    m_timedRuns = new QSpinBox(this);
    m_timedRuns->setRange(1, 200);
    m_timedRuns->setValue(10);
    m_warmupRuns = new QSpinBox(this);
    m_warmupRuns->setRange(0, 50);
    m_warmupRuns->setValue(2);
    m_runButton = new QPushButton(tr("&Run Timing"), this);
    m_runButton->setObjectName(QStringLiteral("runButton")); // found by the GUI soak test
    m_runButton->setDefault(true);
    controls->addWidget(new QLabel(tr("Batch sizes"), this));
    controls->addWidget(m_batchSizes);
    controls->addWidget(new QLabel(tr("Sequence length"), this));
    controls->addWidget(m_seqLength);
    controls->addWidget(new QLabel(tr("Timed runs"), this));
    controls->addWidget(m_timedRuns);
    controls->addWidget(new QLabel(tr("Warm-up runs"), this));
    controls->addWidget(m_warmupRuns);
    controls->addStretch(1);
    controls->addWidget(m_runButton);
    layout->addLayout(controls);

    m_progress = new JobProgressWidget(session->runner(), {AnalysisController::kLatencyJob}, this);
    layout->addWidget(m_progress);

    auto* content = new QHBoxLayout;
    content->setSpacing(16);
    auto* left = new QVBoxLayout;
    m_plot = new LatencyPlot(this);
    m_plot->setMinimumHeight(220); // an empty chart stays a chart, not a strip
    left->addWidget(m_plot, 3);
    m_table = new QTableWidget(0, 7, this);
    // Two-line headers: whole words at 1024 pixels instead of "ginal, ms (IQ".
    m_table->setHorizontalHeaderLabels({tr("Batch"), tr("Original\nms (IQR)"), tr("Masked\nms (IQR)"),
                                        tr("Pruned\nms (IQR)"), tr("Speed-up\nmasked"), tr("Speed-up\npruned"),
                                        tr("FLOP\nideal")});
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setMinimumHeight(140);
    left->addWidget(m_table, 2);
    content->addLayout(left, 1);

    auto* side = new QVBoxLayout;
    auto* maskBox = new QGroupBox(tr("Current mask, pruned for real"), this);
    auto* maskLayout = new QVBoxLayout(maskBox);
    m_maskSummary = new QLabel(maskBox);
    m_maskSummary->setWordWrap(true);
    m_maskSummary->setTextFormat(Qt::RichText);
    m_maskSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    maskLayout->addWidget(m_maskSummary);
    side->addWidget(maskBox);
    side->addWidget(pagehelpers::noteLabel(
        tr("Masked: the same weights with the heads' outputs set to zero, so no faster. Pruned: the heads' "
           "rows and columns are removed from the weights, as Michel et al. (2019, §4.3, Table 4) do. The "
           "FLOP "
           "ideal is the speed-up if time followed the matrix multiplications exactly. Error bars: "
           "inter-quartile range of the timed runs."),
        this));
    content->addWidget(pagehelpers::sidePanel(side, this));
    layout->addLayout(content, 1);

    connect(m_runButton, &QPushButton::clicked, this, &LatencyPage::run);
    connect(analysis, &AnalysisController::runningChanged, this, [this](const QString& kind) {
        if (kind == AnalysisController::kLatencyJob && !m_analysis->latency().isValid())
            showResults(m_analysis->latency());
    });
    connect(analysis, &AnalysisController::latencyReady, this, &LatencyPage::showResults);
    connect(analysis, &AnalysisController::resultsCleared, this,
            [this]() { showResults(m_analysis->latency()); });
    pagehelpers::showJobErrors(analysis, {AnalysisController::kLatencyJob}, m_progress, m_messages, this);
    connect(session, &SessionState::modelChanged, this, &LatencyPage::updateMaskSummary);
    connect(session, &SessionState::maskChanged, this, &LatencyPage::updateMaskSummary);
    connect(m_seqLength, &QSpinBox::valueChanged, this, &LatencyPage::updateMaskSummary);
    updateMaskSummary();
    showResults(analysis->latency());
}

void LatencyPage::run()
{
    m_messages->hide();
    AnalysisController::LatencyRequest request;
    request.batchSizes.clear();
    const auto parts =
        m_batchSizes->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        bool ok = false;
        const int n = part.toInt(&ok);
        if (!ok || n < 1 || n > 4096) {
            m_messages->showError(
                tr("Batch sizes: \"%1\" is not a whole number between 1 and 4096.").arg(part));
            return;
        }
        request.batchSizes.push_back(n);
    }
    if (request.batchSizes.empty()) {
        m_messages->showError(tr("Batch sizes: give at least one, e.g. 1, 4, 16, 64."));
        return;
    }
    request.seqLength = m_seqLength->value();
    request.timedRuns = m_timedRuns->value();
    request.warmupRuns = m_warmupRuns->value();
    m_analysis->runLatency(request);
}

void LatencyPage::updateMaskSummary()
{
    const auto model = m_session->model();
    m_runButton->setEnabled(model != nullptr);
    if (!model) {
        m_prunedParameters = -1;
        m_maskSummary->setText(tr("Open a model first."));
        return;
    }
    m_seqLength->setMaximum(model->config().maxPositionEmbeddings);
    const core::HeadMask& mask = m_session->mask();
    const int present = model->fullMask().countKept();
    const int masked = mask.empty() ? 0 : mask.countMasked() - model->fullMask().countMasked();
    const qint64 params = model->parameterCount();
    m_prunedParameters =
        prunedParameterCount(params, model->config().hiddenSize, model->config().headDim(), masked);
    const double ideal = core::forwardFlops(*model, {}, m_seqLength->value()) /
                         core::forwardFlops(*model, mask, m_seqLength->value());
    const double saved = params > 0 ? 100.0 * double(params - m_prunedParameters) / double(params) : 0.0;
    m_maskSummary->setText(
        tr("<table cellspacing='4'>"
           "<tr><td>Heads masked</td><td align='right'><b>%1</b> of %2</td></tr>"
           "<tr><td>Parameters</td><td align='right'>%3 → <b>%4</b></td></tr>"
           "<tr><td>Saved</td><td align='right'>%5 % (%6)</td></tr>"
           "<tr><td>Memory (fp32)</td><td align='right'>%7 → <b>%8</b></td></tr>"
           "<tr><td>FLOP ideal speed-up<br>(sequence length %10)</td><td "
           "align='right'><b>%9</b></td></tr></table>")
            .arg(masked)
            .arg(present)
            .arg(noBreak(format::count(params)), noBreak(format::count(m_prunedParameters)))
            .arg(saved, 0, 'f', 1)
            .arg(noBreak(format::bytes((params - m_prunedParameters) * 4)),
                 noBreak(format::bytes(params * 4)), noBreak(format::bytes(m_prunedParameters * 4)),
                 speedup(ideal))
            .arg(m_seqLength->value()));
}

void LatencyPage::showResults(const LatencyResults& results)
{
    m_plot->setResults(results);
    m_table->setRowCount(0);
    if (!results.isValid()) {
        m_status->setText(!m_session->hasModel() ? tr("Open a model first.")
                          : m_analysis->isRunning(AnalysisController::kLatencyJob)
                              ? tr("Measuring… the table fills in when the timing is done.")
                              : tr("Not measured yet: press Run Timing."));
        return;
    }
    const core::LatencyResult& r = *results;
    const double ideal = r.flopsPruned > 0 ? r.flopsOriginal / r.flopsPruned : 0.0;
    int nMasked = 0;
    if (const auto model = m_session->model(); model && !r.params.mask.empty())
        nMasked = r.params.mask.countMasked() - model->fullMask().countMasked();
    // One row per shape, the variants side by side, as in the paper's Table 4.
    std::vector<std::pair<int, int>> shapes;
    for (const auto& m : r.measurements)
        if (std::find(shapes.begin(), shapes.end(), std::make_pair(m.batchSize, m.seqLength)) == shapes.end())
            shapes.emplace_back(m.batchSize, m.seqLength);
    auto find = [&r](const char* variant, int batch, int seq) -> const core::LatencyMeasurement* {
        for (const auto& m : r.measurements)
            if (m.variant == variant && m.batchSize == batch && m.seqLength == seq) return &m;
        return nullptr;
    };
    for (const auto& [batch, seq] : shapes) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, cell(QString::number(batch)));
        int column = 1;
        for (const char* variant : {"original", "masked", "pruned"}) {
            const core::LatencyMeasurement* m = find(variant, batch, seq);
            auto* item =
                cell(m ? tr("%1  (%2–%3)").arg(msNumber(m->medianMs), msNumber(m->q1Ms), msNumber(m->q3Ms))
                       : QStringLiteral("–"));
            if (m)
                item->setToolTip(tr("median %1 per batch of %2, inter-quartile range %3 – %4; %5 examples/s")
                                     .arg(format::milliseconds(m->medianMs))
                                     .arg(batch)
                                     .arg(format::milliseconds(m->q1Ms), format::milliseconds(m->q3Ms),
                                          format::number(m->examplesPerSecond)));
            m_table->setItem(row, column++, item);
        }
        m_table->setItem(row, 4,
                         cell(find("masked", batch, seq) ? speedup(core::speedupOf(r, "masked", batch, seq))
                                                         : QStringLiteral("–")));
        auto* pruned = cell(find("pruned", batch, seq) ? speedup(core::speedupOf(r, "pruned", batch, seq))
                                                       : QStringLiteral("–"));
        QFont bold = pruned->font();
        bold.setBold(true);
        pruned->setFont(bold);
        m_table->setItem(row, 5, pruned);
        m_table->setItem(row, 6, cell(find("pruned", batch, seq) ? speedup(ideal) : QStringLiteral("–")));
    }
    m_table->resizeRowsToContents(); // "44.7 (41.6–47.1)" wraps at 1024 pixels: show both lines
    m_status->setText(tr("%1, %n thread(s) · sequence length %2 · %3 head(s) masked", nullptr, r.nThreads)
                          .arg(QString::fromStdString(r.device))
                          .arg(r.measurements.empty() ? 0 : r.measurements.front().seqLength)
                          .arg(nMasked));
}

} // namespace headscope::ui
