#include "jobs/job_context.h"

#include "jobs/job_runner.h"

#include <algorithm>

namespace headscope::ui {

namespace {
constexpr qint64 kMinReportIntervalMs = 50; // at most 20 progress updates per second
}

JobContext::JobContext(JobRunner* runner, QString kind, quint64 generation, std::shared_ptr<std::atomic<bool>> cancel,
                       QPointer<QObject> receiver)
    : m_runner(runner)
    , m_kind(std::move(kind))
    , m_generation(generation)
    , m_cancel(std::move(cancel))
    , m_receiver(std::move(receiver))
{
    m_jobTimer.start();
    m_remaining.restart(0);
}

void JobContext::setStage(const QString& stage)
{
    m_stage = stage;
    m_remaining.restart(m_jobTimer.elapsed());
    sendProgress(0, 0);
}

void JobContext::setStageText(const QString& stage)
{
    m_stage = stage;
    sendProgress(m_lastDone, m_lastTotal);
}

void JobContext::reportProgress(int64_t done, int64_t total)
{
    const qint64 now = m_jobTimer.elapsed();
    const bool last = total > 0 && done >= total;
    if (!last && now - m_lastReportMs < kMinReportIntervalMs)
        return;
    sendProgress(done, total);
}

core::Progress JobContext::progressCallback()
{
    return [this](int64_t done, int64_t total) {
        reportProgress(done, total);
        return !isCancelled();
    };
}

void JobContext::postErased(std::function<void()> fn)
{
    m_runner->postToUi(m_kind, m_generation, m_receiver, std::move(fn), false);
}

void JobContext::sendProgress(int64_t done, int64_t total)
{
    m_lastReportMs = m_jobTimer.elapsed();
    JobProgress p;
    p.kind = m_kind;
    p.generation = m_generation;
    p.stage = m_stage;
    p.done = done;
    p.total = total;
    p.elapsedMs = m_lastReportMs;
    m_lastDone = done;
    m_lastTotal = total;
    if (total > 0) {
        p.permille = int(std::clamp<int64_t>(done * 1000 / total, 0, 1000));
        p.remainingMs = m_remaining.update(p.elapsedMs, done, total);
    }
    m_runner->postProgress(p);
}

} // namespace headscope::ui
