#include "widgets/evaluation_panel.h"

#include "jobs/evaluation_controller.h"
#include "util/formatting.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace headscope::ui {

namespace {

QLabel* valueLabel(QWidget* parent, double pointScale = 1.0, bool bold = false)
{
    auto* label = new QLabel(QStringLiteral("–"), parent);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * pointScale);
    f.setBold(bold);
    label->setFont(f);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QLabel* captionLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setStyleSheet(QStringLiteral("color: palette(mid);"));
    return label;
}

} // namespace

EvaluationPanel::EvaluationPanel(EvaluationController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);

    // Current mask: the number the user is watching, large.
    auto* currentBox = new QGroupBox(tr("Current mask"), this);
    auto* currentLayout = new QVBoxLayout(currentBox);
    m_accuracy = valueLabel(currentBox, 2.4, true);
    m_accuracy->setAccessibleName(tr("Accuracy"));
    m_interval = valueLabel(currentBox);
    m_count = valueLabel(currentBox);
    m_state = captionLabel(QString(), currentBox);
    currentLayout->addWidget(captionLabel(tr("Accuracy"), currentBox));
    currentLayout->addWidget(m_accuracy);
    currentLayout->addWidget(m_interval);
    currentLayout->addWidget(m_count);
    currentLayout->addWidget(m_state);
    layout->addWidget(currentBox);

    auto* compareBox = new QGroupBox(tr("Compared with all heads"), this);
    auto* compareForm = new QFormLayout(compareBox);
    compareForm->setLabelAlignment(Qt::AlignLeft);
    m_baseline = valueLabel(compareBox, 1.0, true);
    m_baselineInterval = valueLabel(compareBox);
    m_delta = valueLabel(compareBox, 1.3, true);
    m_masked = valueLabel(compareBox);
    compareForm->addRow(tr("Baseline accuracy"), m_baseline);
    compareForm->addRow(tr("95% interval"), m_baselineInterval);
    compareForm->addRow(tr("Difference"), m_delta);
    compareForm->addRow(tr("Heads masked"), m_masked);
    layout->addWidget(compareBox);

    auto* speedBox = new QGroupBox(tr("Speed of this configuration"), this);
    auto* speedForm = new QFormLayout(speedBox);
    m_msPerExample = valueLabel(speedBox, 1.0, true);
    m_examplesPerSecond = valueLabel(speedBox);
    m_prunedEstimate = valueLabel(speedBox, 1.0, true);
    m_prunedEstimate->setWordWrap(true);
    m_prunedEstimate->setToolTip(tr("Ratio of the forward pass's matrix-product FLOPs, original over pruned, at the "
                                    "dataset's mean length. Measure it on the Latency page."));
    speedForm->addRow(tr("Latency per example"), m_msPerExample);
    speedForm->addRow(tr("Throughput"), m_examplesPerSecond);
    speedForm->addRow(tr("Pruned model (est.)"), m_prunedEstimate);
    // Masking multiplies a head's output by 0: the head is still computed.
    m_speedNote = captionLabel(tr("Measured on the masked model: masked heads are still computed (their output "
                                  "is multiplied by 0), so masking does not make it faster. Removing them "
                                  "(File > Export > Pruned Model) does."),
                               speedBox);
    m_speedNote->setWordWrap(true);
    speedForm->addRow(m_speedNote);
    layout->addWidget(speedBox);

    auto* jobBox = new QGroupBox(tr("Evaluation"), this);
    auto* jobLayout = new QVBoxLayout(jobBox);
    m_stage = new QLabel(tr("Idle"), jobBox);
    m_stage->setWordWrap(true);
    m_progress = new QProgressBar(jobBox);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_timing = captionLabel(QString(), jobBox);
    m_cancel = new QPushButton(tr("Cancel"), jobBox);
    m_cancel->setEnabled(false);
    m_cancel->setToolTip(tr("Stop the running evaluation"));
    auto* row = new QHBoxLayout;
    row->addWidget(m_progress, 1);
    row->addWidget(m_cancel);
    jobLayout->addWidget(m_stage);
    jobLayout->addLayout(row);
    jobLayout->addWidget(m_timing);
    layout->addWidget(jobBox);
    layout->addStretch(1);

    connect(m_cancel, &QPushButton::clicked, controller, &EvaluationController::cancel);
    connect(controller, &EvaluationController::currentChanged, this, &EvaluationPanel::showCurrent);
    connect(controller, &EvaluationController::baselineChanged, this, &EvaluationPanel::showBaseline);
    connect(controller, &EvaluationController::progressChanged, this, &EvaluationPanel::showProgress);
    connect(controller, &EvaluationController::evaluatingChanged, this, &EvaluationPanel::setEvaluating);
    showCurrent(controller->current());
    showBaseline(controller->baseline());
}

QString EvaluationPanel::accuracyText() const
{
    return m_accuracy->text();
}

void EvaluationPanel::setPrunedEstimate(double speedup, int nMaskedHeads)
{
    if (speedup <= 0.0)
        m_prunedEstimate->setText(QStringLiteral("–"));
    else if (nMaskedHeads <= 0)
        m_prunedEstimate->setText(tr("no head masked: as the original"));
    else
        m_prunedEstimate->setText(tr("×%1 faster (%n head(s) removed)", nullptr, nMaskedHeads)
                                      .arg(speedup, 0, 'f', 2));
}

QString EvaluationPanel::prunedEstimateText() const
{
    return m_prunedEstimate->text();
}

QString EvaluationPanel::speedNoteText() const
{
    return m_speedNote->text();
}

void EvaluationPanel::showCurrent(const EvalSnapshot& s)
{
    if (!s.hasNumbers()) {
        m_accuracy->setText(QStringLiteral("–"));
        m_interval->setText(QString());
        m_count->setText(QString());
    } else {
        m_accuracy->setText(format::percent(s.accuracy));
        m_interval->setText(tr("95% interval %1 – %2").arg(format::percent(s.interval.low), format::percent(s.interval.high)));
        m_count->setText(tr("%1 of %2 examples").arg(s.nDone).arg(s.nTotal));
    }
    switch (s.state) {
    case EvalSnapshot::State::Empty: m_state->setText(tr("Open a model and a dataset to evaluate.")); break;
    case EvalSnapshot::State::Running: m_state->setText(tr("Updating as batches finish…")); break;
    case EvalSnapshot::State::Finished: m_state->setText(tr("Final for this mask.")); break;
    case EvalSnapshot::State::Cancelled: m_state->setText(tr("Cancelled: numbers cover the examples done.")); break;
    case EvalSnapshot::State::Failed: m_state->setText(tr("Failed: see the message above.")); break;
    }
    // Heads pruned from the weights are 0 in every mask, the baseline's included.
    const core::HeadMask& full = m_controller->baseline().mask;
    const int pruned = full.empty() ? 0 : full.countMasked();
    const int masked = s.mask.empty() ? 0 : s.mask.countMasked() - pruned;
    m_masked->setText(s.mask.empty() ? QStringLiteral("–")
                                     : tr("%1 of %2").arg(masked).arg(s.mask.nLayers() * s.mask.nHeads() - pruned));
    m_msPerExample->setText(format::milliseconds(s.msPerExample));
    m_examplesPerSecond->setText(s.examplesPerSecond > 0 ? tr("%1 examples/s").arg(format::number(s.examplesPerSecond))
                                                         : QStringLiteral("–"));
    updateDelta();
}

void EvaluationPanel::showBaseline(const EvalSnapshot& s)
{
    if (s.isFinished()) {
        m_baseline->setText(format::percent(s.accuracy));
        m_baselineInterval->setText(tr("%1 – %2").arg(format::percent(s.interval.low), format::percent(s.interval.high)));
    } else if (s.hasNumbers()) {
        m_baseline->setText(tr("%1 (so far)").arg(format::percent(s.accuracy)));
        m_baselineInterval->setText(QString());
    } else {
        m_baseline->setText(s.state == EvalSnapshot::State::Running ? tr("computing…") : QStringLiteral("–"));
        m_baselineInterval->setText(QString());
    }
    updateDelta();
}

void EvaluationPanel::updateDelta()
{
    const EvalSnapshot& b = m_controller->baseline();
    const EvalSnapshot& c = m_controller->current();
    if (!b.isFinished() || !c.hasNumbers()) {
        m_delta->setText(QStringLiteral("–"));
        m_delta->setStyleSheet(QString());
        return;
    }
    const double d = c.accuracy - b.accuracy;
    QString text = format::deltaPoints(d);
    if (!c.isFinished())
        text += tr(" (so far)");
    m_delta->setText(text);
    // The sign is in the text; colour only reinforces it.
    const QString colour = d < -1e-12 ? QStringLiteral("#c62828") : d > 1e-12 ? QStringLiteral("#2e7d32") : QString();
    m_delta->setStyleSheet(colour.isEmpty() ? QString() : QStringLiteral("color: %1;").arg(colour));
}

void EvaluationPanel::showProgress(const JobProgress& p)
{
    m_stage->setText(p.stage);
    if (p.isIndeterminate()) {
        m_progress->setRange(0, 0);
    } else {
        m_progress->setRange(0, 1000);
        m_progress->setValue(p.permille);
    }
    QString timing = tr("%1 elapsed").arg(format::duration(p.elapsedMs));
    if (p.remainingMs >= 0 && p.permille < 1000)
        timing += tr(", about %1 left").arg(format::duration(p.remainingMs));
    m_timing->setText(timing);
}

void EvaluationPanel::setEvaluating(bool evaluating)
{
    m_cancel->setEnabled(evaluating);
    if (!evaluating) {
        m_progress->setRange(0, 1000);
        const auto state = m_controller->current().state;
        m_progress->setValue(state == EvalSnapshot::State::Finished ? 1000 : m_progress->value());
        m_stage->setText(state == EvalSnapshot::State::Cancelled ? tr("Cancelled")
                         : state == EvalSnapshot::State::Finished ? tr("Done")
                                                                  : tr("Idle"));
    }
}

} // namespace headscope::ui
