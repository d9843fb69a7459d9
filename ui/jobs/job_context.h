#pragma once
// What a background job sees while it runs: its cancel flag, a throttled progress reporter and
// a way to hand partial results to the UI thread. Used by one worker thread only.
#include "jobs/remaining_time.h"
#include "util/result.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace headscope::ui {

class JobRunner;

class JobContext
{
public:
    JobContext(JobRunner* runner, QString kind, quint64 generation, std::shared_ptr<std::atomic<bool>> cancel,
               QPointer<QObject> receiver);

    const QString& kind() const { return m_kind; }
    quint64 generation() const { return m_generation; }
    /// True once a newer job of the same kind started or the job was cancelled.
    bool isCancelled() const { return m_cancel->load(std::memory_order_relaxed); }

    /// Starts a new stage ("Loading weights") whose progress counts from 0; reported at once,
    /// the time-left estimate restarts.
    void setStage(const QString& stage);
    /// Names the next part of a job whose progress counts over all its parts (the second of
    /// three curves): the time left keeps being measured over the whole job.
    void setStageText(const QString& stage);
    /// Reports done/total of the current stage; at most every 50 ms (and always the last step).
    void reportProgress(int64_t done, int64_t total);
    /// A core::Progress that reports and returns false once cancelled.
    core::Progress progressCallback();

    /// Runs fn on the UI thread, unless the job is stale by then (or the receiver is gone).
    template <class Fn>
    void post(Fn fn)
    {
        postErased(std::function<void()>(std::move(fn)));
    }

private:
    void postErased(std::function<void()> fn);
    void sendProgress(int64_t done, int64_t total);

    JobRunner* m_runner;
    QString m_kind;
    quint64 m_generation;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QPointer<QObject> m_receiver;
    QString m_stage;
    QElapsedTimer m_jobTimer;
    RemainingTimeEstimate m_remaining;
    qint64 m_lastReportMs = -1000;
    int64_t m_lastDone = 0;
    int64_t m_lastTotal = 0;
};

} // namespace headscope::ui
