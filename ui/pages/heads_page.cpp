#include "pages/heads_page.h"

#include "jobs/analysis_controller.h"
#include "util/formatting.h"
#include "models/head_table_model.h"
#include "session/session_state.h"
#include "pages/page_helpers.h"
#include "plots/head_heatmap.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace headscope::ui {

namespace {

QString signedPoints(double fraction)
{
    const double points = fraction * 100.0;
    const QString magnitude = QString::number(std::abs(points), 'f', 2);
    if (magnitude.toDouble() == 0.0) return magnitude;
    return (points > 0 ? QStringLiteral("+") : QString(QChar(0x2212))) + magnitude;
}

// One way of writing each quantity, used by the map, the grid, the tooltips and the extremes.
std::function<QString(double)> formatterFor(HeadsPage::Mode mode)
{
    switch (mode) {
    case HeadsPage::Mode::ImportanceRaw:
        return [](double v) { return QString::number(v, 'g', 3); };
    case HeadsPage::Mode::Ablation:
    case HeadsPage::Mode::KeepOne:
        return &signedPoints;
    case HeadsPage::Mode::Importance:
    case HeadsPage::Mode::Entropy:
        break;
    }
    return [](double v) { return QString::number(v, 'f', 3); };
}

} // namespace

HeadsPage::HeadsPage(SessionState* session, AnalysisController* analysis, QWidget* parent)
    : QWidget(parent), m_session(session), m_analysis(analysis), m_messages(new MessageBar(this))
{
    auto* layout = pagehelpers::pageLayout(this);

    m_status = pagehelpers::addHeader(layout, tr("Heads"), m_messages, this).status;
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* controls = new QHBoxLayout;
    controls->setSpacing(8);
    m_modeBox = new QComboBox(this);
    m_modeBox->addItem(tr("Importance (normalised)"), int(Mode::Importance));
    m_modeBox->addItem(tr("Importance (raw)"), int(Mode::ImportanceRaw));
    m_modeBox->addItem(tr("Ablation: mask one head"), int(Mode::Ablation));
    m_modeBox->addItem(tr("Ablation: keep one head per layer"), int(Mode::KeepOne));
    m_modeBox->addItem(tr("Attention entropy"), int(Mode::Entropy));
    m_modeBox->setAccessibleName(tr("Heatmap"));
    m_methodBox = new QComboBox(this);
    m_methodBox->addItem(tr("mask gradient (paper's equation)"), int(core::ImportanceMethod::MaskGradient));
    m_methodBox->addItem(tr("paper code (authors' release)"), int(core::ImportanceMethod::PaperCode));
    m_methodBox->setToolTip(
        tr("mask gradient: mean over examples of |dL/dξ|.\npaper code: the authors' released "
           "computation (|<dL/dctx, ctx>| per token, batch-mean loss, batches in file order)."));
    m_normalizationBox = new QComboBox(this);
    m_normalizationBox->addItem(tr("per layer (l2)"), int(core::ImportanceNormalization::Layer));
    m_normalizationBox->addItem(tr("global min-max"), int(core::ImportanceNormalization::Global));
    m_normalizationBox->addItem(tr("none"), int(core::ImportanceNormalization::None));
    m_testBox = new QComboBox(this);
    m_testBox->addItem(tr("paired t-test"), int(AnalysisController::SignificanceTest::TTest));
    m_testBox->addItem(tr("McNemar exact"), int(AnalysisController::SignificanceTest::McNemar));
    m_testBox->setToolTip(
        tr("Test over per-example correctness, masked vs all heads; cells with p < 0.01 get a dot."));
    m_runButton = new QPushButton(tr("&Run"), this);
    m_runButton->setObjectName(QStringLiteral("runButton")); // found by the GUI soak test
    m_runButton->setDefault(true);
    // Two rows, so that no combo box is cut short at 1024 pixels.
    auto* options = new QHBoxLayout;
    options->setSpacing(8);
    for (QComboBox* box : {m_modeBox, m_methodBox, m_normalizationBox, m_testBox})
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto addLabelled = [this](QHBoxLayout* row, const QString& text, QWidget* field) {
        auto* label = new QLabel(text, this);
        label->setBuddy(field);
        row->addWidget(label);
        row->addWidget(field);
    };
    addLabelled(controls, tr("&Show"), m_modeBox);
    controls->addStretch(1);
    controls->addWidget(m_runButton);
    addLabelled(options, tr("&Method"), m_methodBox);
    options->addSpacing(8);
    addLabelled(options, tr("&Normalisation"), m_normalizationBox);
    options->addSpacing(8);
    addLabelled(options, tr("Si&gnificance"), m_testBox);
    options->addStretch(1);
    layout->addLayout(controls);
    layout->addLayout(options);

    m_progress = new JobProgressWidget(session->runner(),
                                       {AnalysisController::kImportanceJob, AnalysisController::kAblationJob,
                                        AnalysisController::kEntropyJob},
                                       this);
    layout->addWidget(m_progress);

    auto* content = new QHBoxLayout;
    content->setSpacing(16);
    m_heatmap = new HeadHeatmap(this);
    m_heatmap->setModel(session->headModel());
    m_heatmap->setSignificanceLevel(0.01);
    content->addWidget(m_heatmap, 1);

    auto* side = new QVBoxLayout;
    auto* aboutBox = new QGroupBox(tr("Reading the map"), this);
    auto* aboutLayout = new QVBoxLayout(aboutBox);
    m_explanation = new QLabel(aboutBox);
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::RichText);
    aboutLayout->addWidget(m_explanation);
    aboutLayout->addWidget(pagehelpers::noteLabel(
        tr("Hatched and crossed cells are masked heads. Click a cell to mask or keep that head: the head "
           "grid, "
           "the live evaluation and every map follow. Right-click for the head's attention."),
        aboutBox));
    side->addWidget(aboutBox);
    auto* extremesBox = new QGroupBox(tr("Extremes"), this);
    auto* extremesLayout = new QVBoxLayout(extremesBox);
    m_extremes = new QLabel(extremesBox);
    m_extremes->setTextFormat(Qt::RichText);
    m_extremes->setWordWrap(true);
    m_extremes->setTextInteractionFlags(Qt::TextSelectableByMouse);
    extremesLayout->addWidget(m_extremes);
    side->addWidget(extremesBox);
    content->addWidget(pagehelpers::sidePanel(side, this));
    layout->addLayout(content, 1);

    connect(m_modeBox, &QComboBox::currentIndexChanged, this, [this]() {
        // "took 3 s" of the previous view's job would read as this view's.
        m_progress->clearFinished();
        applyMode();
    });
    connect(analysis, &AnalysisController::runningChanged, this, [this]() { updateStatus(); });
    connect(m_normalizationBox, &QComboBox::currentIndexChanged, this, [this]() {
        // Normalisation is a view of the raw scores: no need to run again.
        m_analysis->setImportanceNormalization(
            core::ImportanceNormalization(m_normalizationBox->currentData().toInt()));
    });
    connect(m_testBox, &QComboBox::currentIndexChanged, this, [this]() {
        m_analysis->setSignificanceTest(
            AnalysisController::SignificanceTest(m_testBox->currentData().toInt()));
        updateStatus();
    });
    connect(m_runButton, &QPushButton::clicked, this, &HeadsPage::run);
    connect(m_heatmap, &HeadHeatmap::cellClicked, this, &HeadsPage::onCellClicked);
    connect(m_heatmap, &HeadHeatmap::attentionRequested, this, &HeadsPage::attentionRequested);

    connect(analysis, &AnalysisController::importanceReady, this, [this]() { applyMode(); });
    connect(analysis, &AnalysisController::ablationUpdated, this, &HeadsPage::onAblation);
    connect(analysis, &AnalysisController::entropyReady, this, [this]() { applyMode(); });
    connect(analysis, &AnalysisController::resultsCleared, this, &HeadsPage::applyMode);
    pagehelpers::showJobErrors(analysis,
                               {AnalysisController::kImportanceJob, AnalysisController::kAblationJob,
                                AnalysisController::kEntropyJob},
                               m_progress, m_messages, this);
    connect(session, &SessionState::modelChanged, this, &HeadsPage::applyMode);
    // The extremes follow the map: new values or a mask change (masked heads are marked).
    connect(session->headModel(), &QAbstractItemModel::dataChanged, this, &HeadsPage::updateExtremes);
    connect(session->headModel(), &QAbstractItemModel::modelReset, this, &HeadsPage::updateExtremes);
    connect(session, &SessionState::datasetChanged, this, &HeadsPage::updateControls);
    applyMode();
}

HeadsPage::Mode HeadsPage::mode() const
{
    return Mode(m_modeBox->currentData().toInt());
}

void HeadsPage::setMode(Mode mode)
{
    m_modeBox->setCurrentIndex(m_modeBox->findData(int(mode)));
}

QString HeadsPage::scoreSet(Mode mode)
{
    switch (mode) {
    case Mode::Importance:
        return AnalysisController::kImportanceSet;
    case Mode::ImportanceRaw:
        return AnalysisController::kImportanceRawSet;
    case Mode::Ablation:
        return AnalysisController::kAblationSet;
    case Mode::KeepOne:
        return AnalysisController::kKeepOneSet;
    case Mode::Entropy:
        return AnalysisController::kEntropySet;
    }
    return {};
}

void HeadsPage::applyMode()
{
    const Mode m = mode();
    // Every view of heads shows the same score set: the grid's numbers follow the map.
    m_session->headModel()->setCurrentScores(scoreSet(m));
    m_heatmap->setValueFormatter(formatterFor(m));
    switch (m) {
    case Mode::Importance:
    case Mode::ImportanceRaw:
        m_heatmap->setScale(HeadHeatmap::Scale::Sequential);
        m_heatmap->setDisplayFactor(1.0);
        m_heatmap->setValueLabel(m == Mode::Importance ? tr("importance (normalised)")
                                                       : tr("importance (raw)"));
        m_heatmap->setExportName(m == Mode::Importance ? QStringLiteral("heads-importance")
                                                       : QStringLiteral("heads-importance-raw"));
        m_explanation->setText(tr(
            "<p><b>Head importance</b> (Michel et al. 2019, §4.1): how much the loss reacts to scaling the "
            "head's output, averaged over the examples. <b>Brighter</b> cells are more important heads; the "
            "least important are pruned first.</p>"));
        break;
    case Mode::Ablation:
    case Mode::KeepOne:
        m_heatmap->setScale(HeadHeatmap::Scale::Diverging);
        m_heatmap->setValueLabel(m == Mode::Ablation ? tr("accuracy change, this head masked (points)")
                                                     : tr("accuracy change, only this head kept in its layer (points)"));
        m_heatmap->setDisplayFactor(100.0);
        m_heatmap->setExportName(m == Mode::Ablation ? QStringLiteral("heads-ablation")
                                                     : QStringLiteral("heads-keep-one"));
        m_explanation->setText(
            m == Mode::Ablation
                ? tr("<p><b>Single-head ablation</b> (§3.2): accuracy with this head alone masked, minus the "
                     "accuracy with all heads. <b>Red</b>: accuracy drops without the head; <b>blue</b>: it "
                     "rises.</p>"
                     "<p>● marks p &lt; 0.01 over the examples.</p>")
                : tr("<p><b>Keep one head</b> (§3.3): accuracy when every other head of the layer is masked "
                     "and only "
                     "this one kept, minus the accuracy with all heads. A pale row means the layer can lose "
                     "all "
                     "heads but one.</p><p>● marks p &lt; 0.01 over the examples.</p>"));
        break;
    case Mode::Entropy:
        m_heatmap->setScale(HeadHeatmap::Scale::Sequential);
        m_heatmap->setDisplayFactor(1.0);
        m_heatmap->setValueLabel(tr("attention entropy (nats)"));
        m_heatmap->setExportName(QStringLiteral("heads-entropy"));
        m_explanation->setText(
            tr("<p><b>Attention entropy</b>: mean entropy of the head's attention over the "
               "tokens, in nats. <b>Low</b>: the head looks at a few tokens; <b>high</b>: it "
               "spreads its attention out.</p>"));
        break;
    }
    m_session->headModel()->setScoreFormat(formatterFor(m), m_heatmap->valueLabel());
    updateControls();
    updateStatus();
    updateExtremes();
}

void HeadsPage::updateControls()
{
    const Mode m = mode();
    const bool importance = m == Mode::Importance || m == Mode::ImportanceRaw;
    const bool ablation = m == Mode::Ablation || m == Mode::KeepOne;
    m_methodBox->setEnabled(importance);
    m_normalizationBox->setEnabled(m == Mode::Importance);
    m_testBox->setEnabled(ablation);
    m_runButton->setEnabled(m_session->isReady());
    m_runButton->setText(importance ? tr("&Run Importance")
                         : ablation ? tr("&Run Ablation")
                                    : tr("&Run Entropy"));
}

void HeadsPage::updateStatus()
{
    QString text;
    switch (mode()) {
    case Mode::Importance:
    case Mode::ImportanceRaw: {
        const ImportanceResults& r = m_analysis->importance();
        if (r.isValid())
            text = tr("%1, %2 normalisation · %3 examples · %4")
                       .arg(QString::fromLatin1(core::importanceMethodName(r->params.method)),
                            QString::fromLatin1(core::normalizationName(r->params.normalization)))
                       .arg(r->nExamples)
                       .arg(format::duration(qint64(r->seconds * 1000)));
        break;
    }
    case Mode::Ablation:
    case Mode::KeepOne: {
        const AblationResults& r = mode() == Mode::Ablation ? m_analysis->ablation() : m_analysis->keepOne();
        if (r.isValid()) {
            text =
                tr("baseline accuracy %1 on %2 examples").arg(format::percent(r->baselineAccuracy)).arg(r->n);
            text +=
                r->complete()
                    ? tr(" · %1 · p-values: %2")
                          .arg(format::duration(qint64(r->seconds * 1000)),
                               m_analysis->significanceTest() == AnalysisController::SignificanceTest::TTest
                                   ? tr("paired t-test")
                                   : tr("McNemar"))
                    : tr(" · layer %1 of %2 done").arg(r->layersDone).arg(r->nLayers);
        }
        break;
    }
    case Mode::Entropy:
        if (m_analysis->entropy().isValid()) text = tr("mean over the non-padding tokens of every example");
        break;
    }
    if (text.isEmpty() && m_analysis->isRunning(jobKind(mode())))
        text = mode() == Mode::Ablation || mode() == Mode::KeepOne
                   ? tr("Computing… the map fills in layer by layer as each layer's heads are measured.")
                   : tr("Computing… the map fills in when the job is done.");
    if (text.isEmpty())
        text = m_session->isReady() ? tr("Not computed yet: press Run.")
                                    : tr("Open a model and a dataset first.");
    m_status->setText(text);
}

void HeadsPage::updateExtremes()
{
    struct Cell
    {
        double value;
        int layer, head;
        bool masked;
    };
    HeadTableModel* model = m_session->headModel();
    std::vector<Cell> cells;
    for (int l = 0; l < model->rowCount(); ++l)
        for (int h = 0; h < model->columnCount(); ++h) {
            const QModelIndex index = model->index(l, h);
            const double v = index.data(HeadTableModel::ScoreRole).toDouble();
            if (std::isfinite(v) && !index.data(HeadTableModel::PrunedRole).toBool())
                cells.push_back({v, l, h, index.data(HeadTableModel::MaskedRole).toBool()});
        }
    if (cells.empty()) {
        m_extremes->setText(tr("No values yet."));
        return;
    }
    std::stable_sort(cells.begin(), cells.end(),
                     [](const Cell& a, const Cell& b) { return a.value > b.value; });
    const Mode m = mode();
    const bool delta = m == Mode::Ablation || m == Mode::KeepOne;
    const auto formatter = formatterFor(m);
    auto format = [&](double v) { return delta ? formatter(v) + tr(" pts") : formatter(v); };
    auto list = [&](auto begin, auto end) {
        QStringList rows;
        for (auto it = begin; it != end; ++it)
            rows << tr("<tr><td>layer %1, head %2%3</td><td align='right'>%4</td></tr>")
                        .arg(it->layer)
                        .arg(it->head)
                        .arg(it->masked ? tr(" <i>(masked)</i>") : QString(), format(it->value));
        return rows.join(QString());
    };
    const size_t n = std::min<size_t>(4, (cells.size() + 1) / 2);
    // Deltas: the most negative ones, at the end, cost the most accuracy. Keep-one values are for
    // keeping only that head in its layer, not for removing it.
    QString high = tr("Highest"), low = tr("Lowest");
    if (m == Mode::Ablation) {
        high = tr("Masking it helps most");
        low = tr("Masking it hurts most");
    } else if (m == Mode::KeepOne) {
        high = tr("Best head to keep alone in its layer");
        low = tr("Worst head to keep alone in its layer");
    }
    m_extremes->setText(QStringLiteral("<b>%1</b><table width='100%' cellspacing='2'>%2</table><b>%3</b>"
                                       "<table width='100%' cellspacing='2'>%4</table>")
                            .arg(high, list(cells.begin(), cells.begin() + long(n)), low,
                                 list(cells.rbegin(), cells.rbegin() + long(n))));
}

QString HeadsPage::jobKind(Mode mode)
{
    switch (mode) {
    case Mode::Importance:
    case Mode::ImportanceRaw:
        return AnalysisController::kImportanceJob;
    case Mode::Ablation:
    case Mode::KeepOne:
        return AnalysisController::kAblationJob;
    case Mode::Entropy:
        return AnalysisController::kEntropyJob;
    }
    return {};
}

QString HeadsPage::extremesText() const
{
    return m_extremes->text();
}

QString HeadsPage::statusText() const
{
    return m_status->text();
}

void HeadsPage::onAblation(const AblationResults& results)
{
    // Show the mode that is filling in, so the user sees the layers arrive.
    const Mode wanted = results->params.mode == core::AblationMode::SingleHead ? Mode::Ablation : Mode::KeepOne;
    if (mode() == wanted) applyMode();
}

void HeadsPage::run()
{
    m_messages->hide();
    switch (mode()) {
    case Mode::Importance:
    case Mode::ImportanceRaw:
        m_analysis->runImportance(core::ImportanceMethod(m_methodBox->currentData().toInt()),
                                  core::ImportanceNormalization(m_normalizationBox->currentData().toInt()));
        break;
    case Mode::Ablation:
        m_analysis->runAblation(core::AblationMode::SingleHead);
        break;
    case Mode::KeepOne:
        m_analysis->runAblation(core::AblationMode::KeepOne);
        break;
    case Mode::Entropy:
        m_analysis->runEntropy();
        break;
    }
}

void HeadsPage::onCellClicked(int layer, int head)
{
    HeadTableModel* model = m_session->headModel();
    const QModelIndex index = model->index(layer, head);
    if (!index.isValid() || model->isPruned(layer, head)) return;
    model->setData(index, !model->isMasked(layer, head), HeadTableModel::MaskedRole);
}

} // namespace headscope::ui
