#include "pages/attention_page.h"

#include "jobs/analysis_controller.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "session/session_state.h"
#include "pages/page_helpers.h"
#include "plots/attention_plot.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

namespace headscope::ui {

namespace {

constexpr int kMaxListed = 20000; // a list widget stays responsive up to about this many rows

std::vector<double> softmax(const std::vector<float>& logits)
{
    std::vector<double> p(logits.size());
    double top = -INFINITY, sum = 0.0;
    for (float v : logits)
        top = std::max(top, double(v));
    for (size_t i = 0; i < logits.size(); ++i)
        sum += p[i] = std::exp(double(logits[i]) - top);
    for (double& v : p)
        v /= sum;
    return p;
}

QTableWidgetItem* cell(const QString& text, bool bold = false)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setFlags(Qt::ItemIsEnabled);
    if (bold) {
        QFont f = item->font();
        f.setBold(true);
        item->setFont(f);
    }
    return item;
}

} // namespace

AttentionPage::AttentionPage(SessionState* session, AnalysisController* analysis, QWidget* parent)
    : QWidget(parent), m_session(session), m_analysis(analysis), m_messages(new MessageBar(this)),
      m_runTimer(new QTimer(this))
{
    auto* layout = pagehelpers::pageLayout(this);

    const auto header = pagehelpers::addHeader(layout, tr("Attention"), m_messages, this);
    m_status = header.status;
    header.row->addWidget(new QLabel(tr("Layer"), this));
    m_layer = new QSpinBox(this);
    header.row->addWidget(m_layer);
    header.row->addWidget(new QLabel(tr("Head"), this));
    m_head = new QSpinBox(this);
    header.row->addWidget(m_head);
    m_progress = new JobProgressWidget(session->runner(), {AnalysisController::kAttentionJob}, this);
    layout->addWidget(m_progress);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    auto* listPane = new QWidget(splitter);
    auto* listLayout = new QVBoxLayout(listPane);
    listLayout->setContentsMargins(0, 0, 0, 0);
    m_filter = new QLineEdit(listPane);
    m_filter->setPlaceholderText(tr("Filter examples"));
    m_filter->setClearButtonEnabled(true);
    m_examples = new QListWidget(listPane);
    m_examples->setWordWrap(true);
    m_examples->setUniformItemSizes(false);
    m_examples->setAlternatingRowColors(true);
    m_examples->setAccessibleName(tr("Examples"));
    listLayout->addWidget(m_filter);
    listLayout->addWidget(m_examples, 1);

    // The prediction sits under the list, so that the matrix gets the rest of the width.
    auto* predictionBox = new QGroupBox(tr("Prediction"), listPane);
    auto* predictionLayout = new QVBoxLayout(predictionBox);
    m_summary = new QLabel(predictionBox);
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_predictions = new QTableWidget(0, 3, predictionBox);
    m_predictions->setHorizontalHeaderLabels({tr("Label"), tr("Logit (p)"), tr("Head masked")});
    m_predictions->verticalHeader()->setVisible(false);
    m_predictions->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_predictions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_predictions->setSelectionMode(QAbstractItemView::NoSelection);
    m_predictions->setFixedHeight(80);
    predictionLayout->addWidget(m_summary);
    predictionLayout->addWidget(m_predictions);
    predictionLayout->addWidget(pagehelpers::noteLabel(
        tr("Rows are the tokens that attend, columns the tokens they attend to; each row sums to 1. Low "
           "entropy: the head focuses on few tokens. Logits and probabilities are with every head of the "
           "current mask, and with this head masked as well."),
        predictionBox));
    listLayout->addWidget(predictionBox);

    auto* viewPane = new QWidget(splitter);
    auto* viewLayout = new QHBoxLayout(viewPane);
    viewLayout->setContentsMargins(0, 0, 0, 0);
    m_plot = new AttentionPlot(viewPane);
    viewLayout->addWidget(m_plot, 1);
    splitter->addWidget(listPane);
    splitter->addWidget(viewPane);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({360, 900});
    layout->addWidget(splitter, 1);

    m_runTimer->setSingleShot(true);
    m_runTimer->setInterval(120); // spin-box key repeat: run once it settles
    connect(m_runTimer, &QTimer::timeout, this, &AttentionPage::run);
    connect(m_filter, &QLineEdit::textChanged, this, &AttentionPage::filterExamples);
    connect(m_examples, &QListWidget::currentRowChanged, this, &AttentionPage::scheduleRun);
    connect(m_layer, &QSpinBox::valueChanged, this, &AttentionPage::scheduleRun);
    connect(m_head, &QSpinBox::valueChanged, this, &AttentionPage::scheduleRun);
    connect(analysis, &AnalysisController::attentionReady, this, &AttentionPage::showResults);
    pagehelpers::showJobErrors(analysis, {AnalysisController::kAttentionJob}, m_progress, m_messages, this);
    connect(session, &SessionState::modelChanged, this, &AttentionPage::fillExamples);
    connect(session, &SessionState::datasetChanged, this, &AttentionPage::fillExamples);
    // Every number here depends on the mask: a change made on another page is computed again
    // when this page is shown, and the old numbers say meanwhile which mask they belong to.
    connect(session, &SessionState::maskChanged, this, [this]() {
        if (!m_analysis->attention().isValid()) return;
        markStale();
        if (isVisible()) scheduleRun();
    });
    fillExamples();
}

void AttentionPage::fillExamples()
{
    const auto model = m_session->model();
    m_layer->setRange(0, model ? model->nLayers() - 1 : 0);
    m_head->setRange(0, model ? model->nHeads() - 1 : 0);
    const int keep = currentExample();
    m_examples->blockSignals(true);
    m_examples->clear();
    const auto dataset = m_session->isReady() ? m_session->dataset() : nullptr;
    if (dataset) {
        const size_t n = std::min(dataset->examples.size(), size_t(kMaxListed));
        for (size_t i = 0; i < n; ++i) {
            const core::Example& e = dataset->examples[i];
            QString text = QString::fromStdString(e.textA);
            if (e.textB) text += QStringLiteral(" ‖ ") + QString::fromStdString(*e.textB);
            // The model's name for the label ("positive") reads better than the file's "1".
            const auto& names = m_session->model()->config().id2label;
            const QString label = e.label >= 0 && size_t(e.label) < names.size()
                                      ? QString::fromStdString(names[size_t(e.label)])
                                      : QString::fromStdString(e.labelText);
            auto* item = new QListWidgetItem(
                tr("%1. [%2] %3").arg(i + 1).arg(label.isEmpty() ? tr("no label") : label, text.simplified()),
                m_examples);
            item->setData(Qt::UserRole, int(i));
        }
    }
    m_examples->blockSignals(false);
    filterExamples(m_filter->text());
    if (m_examples->count() > 0) setExample(keep >= 0 && keep < m_examples->count() ? keep : 0);
    m_status->setText(dataset ? tr("%n example(s)", nullptr, int(dataset->examples.size()))
                              : tr("Open a model and a dataset first."));
}

void AttentionPage::filterExamples(const QString& text)
{
    for (int i = 0; i < m_examples->count(); ++i) {
        QListWidgetItem* item = m_examples->item(i);
        item->setHidden(!text.isEmpty() && !item->text().contains(text, Qt::CaseInsensitive));
    }
}

QString AttentionPage::summaryText() const
{
    return m_summary->text();
}

int AttentionPage::currentExample() const
{
    const QListWidgetItem* item = m_examples->currentItem();
    return item ? item->data(Qt::UserRole).toInt() : -1;
}

void AttentionPage::setExample(int example)
{
    for (int i = 0; i < m_examples->count(); ++i)
        if (m_examples->item(i)->data(Qt::UserRole).toInt() == example) {
            m_examples->setCurrentRow(i);
            m_examples->scrollToItem(m_examples->item(i));
            return;
        }
}

void AttentionPage::showHead(int layer, int head)
{
    m_layer->setValue(layer);
    m_head->setValue(head);
    scheduleRun();
}

void AttentionPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale) scheduleRun();
}

void AttentionPage::markStale()
{
    if (m_stale || m_predictions->rowCount() == 0) return;
    m_stale = true;
    m_summary->setText(m_summary->text() +
                       tr("<br><b style='color:#c62828'>Computed with the previous mask (%1); the mask has "
                          "changed since.</b>")
                           .arg(maskDescription(m_shownMask).toHtmlEscaped()));
    m_predictions->setEnabled(false);
}

QString AttentionPage::maskDescription(const core::HeadMask& mask) const
{
    const core::HeadMask full = m_session->fullMask();
    if (mask.empty() || full.empty() || mask.nLayers() != full.nLayers() || mask.nHeads() != full.nHeads())
        return tr("unknown mask");
    const int masked = mask.countMasked() - full.countMasked();
    return masked <= 0 ? tr("all heads") : tr("%n head(s) masked", nullptr, masked);
}

void AttentionPage::scheduleRun()
{
    if (m_session->isReady() && currentExample() >= 0) m_runTimer->start();
}

void AttentionPage::run()
{
    m_runTimer->stop();
    m_messages->hide();
    const int example = currentExample();
    if (example < 0) return;
    const int layer = m_layer->value(), head = m_head->value();
    if (m_session->headModel()->isPruned(layer, head)) {
        m_messages->showWarning(
            tr("Layer %1, head %2 is pruned from the weights: it has no attention.").arg(layer).arg(head));
        return;
    }
    m_runMask = m_session->mask();
    m_analysis->runAttention(example, layer, head);
}

void AttentionPage::showResults(const AttentionResults& results)
{
    if (!results.isValid()) return;
    const core::AttentionView& view = *results;
    m_shownMask = m_runMask;
    m_stale = m_shownMask != m_session->mask();
    m_predictions->setEnabled(!m_stale);
    QStringList labelNames;
    if (const auto model = m_session->model())
        for (const auto& name : model->config().id2label)
            labelNames << QString::fromStdString(name);
    QStringList tokens;
    for (const auto& t : view.tokens)
        tokens << QString::fromStdString(t);
    m_plot->setAttention(tokens, view.weights);
    m_plot->setExportName(
        QStringLiteral("attention-example%1-layer%2-head%3").arg(int(view.example) + 1).arg(view.layer).arg(view.head));

    const auto pWith = softmax(view.logits), pWithout = softmax(view.logitsHeadMasked);
    auto labelName = [&](int id) {
        return id >= 0 && id < labelNames.size() ? labelNames[id] : QString::number(id);
    };
    m_predictions->setRowCount(int(view.logits.size()));
    for (int c = 0; c < int(view.logits.size()); ++c) {
        auto* name = new QTableWidgetItem(labelName(c));
        name->setFlags(Qt::ItemIsEnabled);
        m_predictions->setItem(c, 0, name);
        // Logit, and the probability it gives, with and without the head.
        m_predictions->setItem(c, 1,
                               cell(tr("%1 (%2%)")
                                        .arg(view.logits[size_t(c)], 0, 'f', 2)
                                        .arg(100.0 * pWith[size_t(c)], 0, 'f', 1),
                                    c == view.prediction));
        m_predictions->setItem(c, 2,
                               cell(tr("%1 (%2%)")
                                        .arg(view.logitsHeadMasked[size_t(c)], 0, 'f', 2)
                                        .arg(100.0 * pWithout[size_t(c)], 0, 'f', 1),
                                    c == view.predictionHeadMasked));
    }
    // As tall as its rows: no empty table area below the labels.
    m_predictions->resizeRowsToContents();
    int tableHeight = m_predictions->horizontalHeader()->height() + 2 * m_predictions->frameWidth();
    for (int row = 0; row < m_predictions->rowCount(); ++row)
        tableHeight += m_predictions->rowHeight(row);
    m_predictions->setFixedHeight(std::min(tableHeight, 220));

    QString gold;
    if (const auto dataset = m_session->dataset(); dataset && size_t(int(view.example)) < dataset->examples.size()) {
        const int label = dataset->examples[size_t(int(view.example))].label;
        if (label >= 0) gold = tr("<br>True label: <b>%1</b>").arg(labelName(label).toHtmlEscaped());
    }
    const bool flips = view.prediction != view.predictionHeadMasked;
    QString text = tr("Layer %1, head %2 · entropy <b>%3 nats</b><br>Prediction: <b>%4</b>")
                       .arg(view.layer)
                       .arg(view.head)
                       .arg(view.entropy, 0, 'f', 3)
                       .arg(labelName(view.prediction).toHtmlEscaped());
    text += flips ? tr(", <b style='color:#c62828'>%1</b> without this head")
                        .arg(labelName(view.predictionHeadMasked).toHtmlEscaped())
                  : tr(", unchanged without this head");
    if (view.headMaskedAlready)
        text += tr("<br><i>This head is already masked in the current mask, so both columns agree.</i>");
    text += tr("<br>Mask: <b>%1</b>").arg(maskDescription(m_shownMask).toHtmlEscaped());
    m_summary->setText(text + gold);
    m_status->setText(tr("Example %1 · %n token(s)", nullptr, int(tokens.size())).arg(int(view.example) + 1));
}

} // namespace headscope::ui
