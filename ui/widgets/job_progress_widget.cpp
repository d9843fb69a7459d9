#include "widgets/job_progress_widget.h"

#include "jobs/job_runner.h"
#include "util/formatting.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace headscope::ui {

JobProgressWidget::JobProgressWidget(JobRunner* runner, QStringList kinds, QWidget* parent)
    : QWidget(parent), m_runner(runner), m_kinds(std::move(kinds)), m_stage(new QLabel(tr("Ready"), this)),
      m_bar(new QProgressBar(this)), m_timing(new QLabel(this)), m_cancel(new QPushButton(tr("Cancel"), this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);
    m_stage->setMinimumWidth(260);
    m_stage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bar->setRange(0, 1000);
    m_bar->setValue(0);
    m_bar->setTextVisible(false);
    m_bar->setMaximumHeight(14);
    m_bar->setMinimumWidth(160);
    m_timing->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_timing->setMinimumWidth(200);
    m_cancel->setEnabled(false);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setToolTip(tr("Stop the running analysis"));
    layout->addWidget(m_stage, 2);
    layout->addWidget(m_bar, 1);
    layout->addWidget(m_timing, 1);
    layout->addWidget(m_cancel);

    connect(m_cancel, &QPushButton::clicked, this, &JobProgressWidget::cancel);
    connect(runner, &JobRunner::jobStarted, this, [this](const QString& kind, quint64) { onStarted(kind); });
    connect(runner, &JobRunner::progressChanged, this, &JobProgressWidget::onProgress);
    connect(runner, &JobRunner::jobFinished, this, [this](const QString& kind, quint64 generation) {
        // A superseded job's end is not this kind's end: the newer job runs on.
        if (m_runner->currentGeneration(kind) == generation) onEnded(kind, false);
    });
    connect(runner, &JobRunner::jobCancelled, this, [this](const QString& kind, quint64) {
        if (m_kinds.contains(kind) && !m_cancelled.contains(kind)) m_cancelled << kind;
    });
    // A cancelled job stops running without finishing; a superseded one is followed by a start.
    connect(runner, &JobRunner::runningChanged, this, [this](const QString& kind, bool running) {
        if (!running && m_cancelled.removeAll(kind) > 0) onEnded(kind, true);
    });
}

QString JobProgressWidget::stageText() const
{
    return m_stage->text();
}

QString JobProgressWidget::timingText() const
{
    return m_timing->text();
}

bool JobProgressWidget::isCancelEnabled() const
{
    return m_cancel->isEnabled();
}

void JobProgressWidget::markFailed(const QString& kind)
{
    if (m_kinds.contains(kind) && !m_failed.contains(kind)) m_failed << kind;
}

void JobProgressWidget::clearFinished()
{
    for (const QString& kind : m_kinds)
        if (m_runner->isRunning(kind)) return;
    m_stage->setText(tr("Ready"));
    m_bar->setRange(0, 1000);
    m_bar->setValue(0);
    m_timing->clear();
}

void JobProgressWidget::cancel()
{
    for (const QString& kind : m_kinds)
        if (m_runner->isRunning(kind)) m_runner->cancel(kind);
}

void JobProgressWidget::onStarted(const QString& kind)
{
    if (!m_kinds.contains(kind)) return;
    m_cancelled.removeAll(kind);
    m_failed.removeAll(kind);
    m_timer.start();
    m_stage->setText(tr("Starting…"));
    m_bar->setRange(0, 0);
    m_timing->clear();
    m_cancel->setEnabled(true);
}

void JobProgressWidget::onProgress(const JobProgress& p)
{
    if (!m_kinds.contains(p.kind)) return;
    m_stage->setText(p.stage);
    if (p.isIndeterminate()) {
        m_bar->setRange(0, 0);
    } else {
        m_bar->setRange(0, 1000);
        m_bar->setValue(p.permille);
    }
    QString timing = tr("%1 elapsed").arg(format::duration(p.elapsedMs));
    if (p.remainingMs >= 0 && p.permille < 1000)
        timing += tr(", about %1 left").arg(format::duration(p.remainingMs));
    m_timing->setText(timing);
}

void JobProgressWidget::onEnded(const QString& kind, bool cancelled)
{
    if (!m_kinds.contains(kind)) return;
    const qint64 ms = m_timer.isValid() ? m_timer.elapsed() : 0;
    m_bar->setRange(0, 1000);
    m_bar->setValue(cancelled ? 0 : 1000);
    const bool failed = m_failed.removeAll(kind) > 0;
    m_stage->setText(cancelled ? tr("Cancelled") : failed ? tr("Failed: see the message above") : tr("Done"));
    m_timing->setText(cancelled || failed ? QString() : tr("took %1").arg(format::duration(ms)));
    updateRunning();
}

void JobProgressWidget::updateRunning()
{
    bool any = false;
    for (const QString& kind : m_kinds)
        any = any || m_runner->isRunning(kind);
    m_cancel->setEnabled(any);
}

} // namespace headscope::ui
