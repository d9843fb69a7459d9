#include "pages/head_grid_page.h"

#include "analysis/encoded_dataset.h"
#include "analysis/latency.h"
#include "jobs/evaluation_controller.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "pages/page_helpers.h"
#include "session/session_state.h"
#include "widgets/evaluation_panel.h"
#include "widgets/head_grid_view.h"
#include "widgets/message_bar.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace headscope::ui {

HeadGridPage::HeadGridPage(SessionState* session, EvaluationController* controller, QWidget* parent)
    : QWidget(parent), m_session(session), m_messages(new MessageBar(this)), m_stack(new QStackedWidget(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(10);

    auto* toolbar = new QHBoxLayout;
    auto* title = new QLabel(tr("Head grid"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    title->setFont(titleFont);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true); // a long "12 layers × 16 heads · ..." wraps instead of widening the window
    auto* reset = new QPushButton(QIcon(QStringLiteral(":/icons/reset.svg")), tr("&Reset Mask"), this);
    reset->setToolTip(tr("Keep every head again"));
    auto* loadMask = new QPushButton(tr("&Load Mask…"), this);
    loadMask->setToolTip(tr("Apply a mask file (HeadScope JSON, Hugging Face pruned_heads, descriptor, CSV or .npy)"));
    toolbar->addWidget(title);
    toolbar->addSpacing(12);
    toolbar->addWidget(m_summary, 1);
    toolbar->addWidget(pagehelpers::numberingNote(this));
    toolbar->addWidget(loadMask);
    toolbar->addWidget(reset);
    layout->addLayout(toolbar);
    layout->addWidget(m_messages);

    auto* placeholder = new QLabel(tr("Open a model and a dataset on the Start page to see its heads here."), this);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setStyleSheet(QStringLiteral("color: palette(mid);"));

    auto* content = new QWidget(this);
    auto* contentLayout = new QHBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->setSpacing(16);
    auto* gridColumn = new QVBoxLayout;
    m_grid = new HeadGridView(content);
    m_grid->setHeadModel(session->headModel());
    auto* legend = new QLabel(tr("Click a head (or press Space) to mask or unmask it. Shift-click a layer name to "
                                 "toggle the whole layer. Blue: kept. Hatched and crossed: masked."),
                              content);
    legend->setWordWrap(true);
    legend->setStyleSheet(QStringLiteral("color: palette(mid);"));
    gridColumn->addWidget(m_grid);
    gridColumn->addWidget(legend);
    gridColumn->addStretch(1); // spare height goes below the grid; short of it, the cells shrink
    contentLayout->addLayout(gridColumn, 1);

    m_panel = new EvaluationPanel(controller, content);
    auto* panelScroll = new QScrollArea(content);
    panelScroll->setWidget(m_panel);
    panelScroll->setWidgetResizable(true);
    panelScroll->setFrameShape(QFrame::NoFrame);
    panelScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Room for the scroll bar; capped so that a 16-head grid beside it fits in 1024 pixels.
    panelScroll->setFixedWidth(std::min(m_panel->sizeHint().width() + 24, 300));
    contentLayout->addWidget(panelScroll);

    m_stack->addWidget(placeholder);
    m_stack->addWidget(content);
    layout->addWidget(m_stack, 1);

    connect(reset, &QPushButton::clicked, session, &SessionState::resetMask);
    connect(loadMask, &QPushButton::clicked, this, &HeadGridPage::chooseMaskFile);
    connect(session, &SessionState::modelChanged, this, &HeadGridPage::updateSummary);
    connect(session, &SessionState::datasetChanged, this, &HeadGridPage::updateSummary);
    connect(session, &SessionState::maskChanged, this, &HeadGridPage::updateSummary);
    connect(session, &SessionState::errorOccurred, this, [this](const QString& kind, const QString& message) {
        if (kind == QLatin1String("mask"))
            m_messages->showError(message, kind);
    });
    connect(controller, &EvaluationController::errorOccurred, this,
            [this](const QString& message) { m_messages->showError(message, EvaluationController::kEvalJob); });
    // A mask that did apply, or an evaluation that did finish, makes the old error moot.
    connect(session, &SessionState::maskChanged, this,
            [this]() { m_messages->clearSource(QStringLiteral("mask")); });
    connect(controller, &EvaluationController::evaluationFinished, this,
            [this]() { m_messages->clearSource(EvaluationController::kEvalJob); });
    updateSummary();
}

void HeadGridPage::chooseMaskFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load a head mask"), QString(),
                                                      tr("Masks (*.json *.txt *.csv *.npy);;All files (*)"));
    if (!path.isEmpty()) {
        m_messages->clearSource(QStringLiteral("mask"));
        m_session->loadMaskFile(path);
    }
}

void HeadGridPage::updateSummary()
{
    const auto model = m_session->model();
    m_stack->setCurrentIndex(model ? 1 : 0);
    if (!model) {
        m_summary->clear();
        return;
    }
    const int pruned = model->fullMask().countMasked();
    const int total = model->nLayers() * model->nHeads() - pruned;
    const int masked = m_session->mask().countMasked() - pruned;
    m_summary->setText(tr("%1 layers × %2 heads · %3 of %4 heads masked")
                           .arg(model->nLayers())
                           .arg(model->nHeads())
                           .arg(masked)
                           .arg(total));
    m_panel->setPrunedEstimate(estimatedPrunedSpeedup(), masked);
}

double HeadGridPage::estimatedPrunedSpeedup() const
{
    const auto model = m_session->model();
    if (!model || m_session->mask().empty())
        return 0.0;
    // At the dataset's mean length (attention grows with its square); 128 tokens without one.
    int seqLength = 128;
    if (const auto data = m_session->encodedDataset(); data && !data->examples.empty()) {
        size_t tokens = 0;
        for (const auto& e : data->examples)
            tokens += e.inputIds.size();
        seqLength = std::max(2, int(tokens / data->examples.size()));
    }
    const double original = core::forwardFlops(*model, model->fullMask(), seqLength);
    const double pruned = core::forwardFlops(*model, m_session->mask(), seqLength);
    return pruned > 0.0 ? original / pruned : 0.0;
}

} // namespace headscope::ui
