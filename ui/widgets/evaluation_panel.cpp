#include "widgets/evaluation_panel.h"

#include "jobs/evaluation_controller.h"
#include "session/session_state.h"
#include "util/formatting.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
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
    m_interval->setWordWrap(true);
    m_count = valueLabel(currentBox);
    m_state = captionLabel(QString(), currentBox);
    m_state->setWordWrap(true);
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
    m_delta->setWordWrap(true);
    m_deltaNote = captionLabel(QString(), compareBox);
    m_deltaNote->setWordWrap(true);
    m_masked = valueLabel(compareBox);
    compareForm->addRow(tr("Baseline accuracy"), m_baseline);
    compareForm->addRow(tr("95% interval"), m_baselineInterval);
    compareForm->addRow(tr("Difference"), m_delta);
    compareForm->addRow(QString(), m_deltaNote);
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
    m_sample = new QCheckBox(tr("Sample mode"), jobBox);
    m_sample->setToolTip(tr("Evaluate a stratified random sample (its size is in Settings) instead of every "
                            "example: quick exploration on large datasets."));
    m_evaluateAll = new QPushButton(tr("Evaluate all examples"), jobBox);
    m_evaluateAll->setToolTip(tr("Run the current mask on every example, to the exact number"));
    m_evaluateAll->setVisible(false);
    auto* modeRow = new QHBoxLayout;
    modeRow->addWidget(m_sample);
    modeRow->addStretch(1);
    modeRow->addWidget(m_evaluateAll);
    jobLayout->addWidget(m_stage);
    jobLayout->addLayout(row);
    jobLayout->addWidget(m_timing);
    jobLayout->addLayout(modeRow);
    layout->addWidget(jobBox);
    layout->addStretch(1);

    connect(m_cancel, &QPushButton::clicked, controller, &EvaluationController::cancel);
    connect(m_sample, &QCheckBox::toggled, controller, &EvaluationController::setSampleMode);
    connect(controller, &EvaluationController::sampleModeChanged, m_sample, [this](bool on) {
        const QSignalBlocker block(m_sample);
        m_sample->setChecked(on);
    });
    connect(m_evaluateAll, &QPushButton::clicked, controller, &EvaluationController::evaluateAll);
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

QString EvaluationPanel::deltaText() const
{
    return m_delta->text();
}

QString EvaluationPanel::deltaNoteText() const
{
    return m_deltaNote->text();
}

QString EvaluationPanel::stateText() const
{
    return m_state->text();
}

void EvaluationPanel::showCurrent(const EvalSnapshot& s)
{
    const qint64 population = s.counts.nPopulation > 0 ? s.counts.nPopulation : s.nTotal;
    if (!s.hasNumbers()) {
        m_accuracy->setText(QStringLiteral("–"));
        m_interval->setText(QString());
        m_count->setText(QString());
    } else {
        m_accuracy->setText(format::percent(s.accuracy));
        const QString range = tr("%1 – %2").arg(format::percent(s.interval.low), format::percent(s.interval.high));
        m_interval->setText(s.isComplete() ? tr("95% interval %1").arg(range)
                                           : tr("Final number (95%): %1").arg(range));
        m_count->setText(tr("%1 of %2 examples").arg(format::count(s.nDone), format::count(population)));
    }
    const EngineSettings& settings = m_controller->session()->engineSettings();
    switch (s.state) {
    case EvalSnapshot::State::Empty: m_state->setText(tr("Open a model and a dataset to evaluate.")); break;
    case EvalSnapshot::State::Running:
        m_state->setText(tr("Estimate, updating as batches finish (examples in random order)."));
        break;
    case EvalSnapshot::State::Finished:
        switch (s.coverage) {
        case core::EvalResult::Coverage::All: m_state->setText(tr("Final for this mask, every example.")); break;
        case core::EvalResult::Coverage::Sample:
            m_state->setText(tr("Sample mode: a random sample of %1 of %2 examples. The numbers estimate the "
                                "whole dataset's.")
                                 .arg(format::count(s.nDone), format::count(population)));
            break;
        case core::EvalResult::Coverage::StoppedAtWidth:
            m_state->setText(tr("Stopped after %1 of %2 examples: the change's interval was narrower than %3 pts.")
                                 .arg(format::count(s.nDone), format::count(population))
                                 .arg(settings.stopWidthPoints, 0, 'f', 1));
            break;
        }
        break;
    case EvalSnapshot::State::Cancelled: m_state->setText(tr("Cancelled: numbers cover the examples done.")); break;
    case EvalSnapshot::State::Failed: m_state->setText(tr("Failed: see the message above.")); break;
    }
    m_evaluateAll->setVisible(s.isFinished() && !s.isComplete());
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
    const auto show = [this](const QString& text, const QString& note, double colourBy) {
        m_delta->setText(text);
        m_deltaNote->setText(note);
        // The sign is in the text; colour only reinforces it, once the change is established.
        const QString colour = colourBy < -1e-12 ? QStringLiteral("#c62828")
                               : colourBy > 1e-12 ? QStringLiteral("#2e7d32")
                                                  : QString();
        m_delta->setStyleSheet(colour.isEmpty() ? QString() : QStringLiteral("color: %1;").arg(colour));
    };
    if (!c.hasNumbers() || !b.hasNumbers()) {
        show(QStringLiteral("–"), QString(), 0.0);
        return;
    }
    if (c.mask == b.mask) {
        show(format::deltaPoints(0.0), tr("This is the baseline."), 0.0);
        return;
    }
    if (c.hasPairedDelta()) {
        const core::StreamingEstimate d = c.counts.deltaEstimate();
        const QString examples = tr("%1 of %2 examples").arg(format::count(d.n), format::count(d.population));
        if (d.exact()) {
            show(format::deltaPoints(d.value), tr("Exact, all %1 examples, against the baseline on the same "
                                                  "examples.").arg(format::count(d.population)),
                 d.value);
            return;
        }
        const QString text = tr("%1\n95%: %2 to %3")
                                 .arg(format::deltaPoints(d.value), format::signedPoints(d.interval.low),
                                      format::signedPoints(d.interval.high));
        const bool settled = d.interval.low > 0.0 || d.interval.high < 0.0;
        show(text,
             tr("Estimate of the change on the whole dataset, from %1 (paired with the baseline: "
                "%2 now wrong, %3 now right).")
                 .arg(examples)
                 .arg(c.counts.nBaselineOnly)
                 .arg(c.counts.nCurrentOnly),
             settled ? d.value : 0.0);
        return;
    }
    if (b.isComplete() && c.isComplete()) {
        const double d = c.accuracy - b.accuracy;
        show(format::deltaPoints(d), tr("Exact, all examples."), d);
        return;
    }
    show(QStringLiteral("–"), b.isFinished() ? tr("Waiting for this mask's run to pair it with the baseline.")
                                             : tr("Waiting for the baseline to finish."),
         0.0);
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
