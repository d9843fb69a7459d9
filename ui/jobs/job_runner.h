#pragma once
// Serial background jobs for one device, identified by kind, with generation ids.
//
//   runner->start(QStringLiteral("eval"), this,
//       [params](JobContext& ctx) { return core::evaluate(*model, *data, params, ctx.progressCallback()); },
//       [this](const core::Result<core::EvalResult>& r) { show(r); });
//
// Starting a job supersedes the running or pending job of the same kind: its cancel flag is
// set (the core's progress callback then returns false) and whatever it still delivers is
// dropped, because its generation is no longer the kind's current one. Results reach the UI
// thread through a queued call; they are never delivered to a receiver that was destroyed.
// Work functions return a core::Result<T>; exceptions are turned into a Runtime error.
#include "jobs/job_context.h"
#include "jobs/job_progress.h"

#include <QHash>
#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <type_traits>

namespace headscope::ui {

class JobRunner : public QObject
{
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;

    /// Queues work (run on the worker thread); done(result) runs on the UI thread if the job is
    /// still current and receiver still exists. Returns the job's generation.
    template <class Work, class Done>
    quint64 start(const QString& kind, QObject* receiver, Work work, Done done)
    {
        return enqueue(kind, receiver, [work = std::move(work), done = std::move(done)](JobContext& ctx) mutable {
            using R = std::decay_t<decltype(work(ctx))>;
            std::shared_ptr<const R> result;
            try {
                result = std::make_shared<const R>(work(ctx));
            } catch (const std::exception& e) {
                result = std::make_shared<const R>(core::Error{core::ErrorCode::Runtime, e.what(), {}, {}});
            }
            return std::function<void()>([done, result]() mutable { done(*result); });
        });
    }

    /// Cancels the current job of this kind; its result will not be delivered.
    void cancel(const QString& kind);
    void cancelAll();

    /// True from start() until the current job of this kind delivered or was cancelled.
    bool isRunning(const QString& kind) const;
    bool isBusy() const;
    quint64 currentGeneration(const QString& kind) const;
    bool isCurrent(const QString& kind, quint64 generation) const;

    /// Blocks until the worker thread is idle. For shutdown and tests only.
    bool waitForIdle(int msecs = -1);

signals:
    void jobStarted(const QString& kind, quint64 generation);
    void progressChanged(const headscope::ui::JobProgress& progress);
    /// The job's result was handed to its receiver.
    void jobFinished(const QString& kind, quint64 generation);
    /// Superseded by a newer job of the same kind, or cancelled.
    void jobCancelled(const QString& kind, quint64 generation);
    /// A stale job's final result arrived and was discarded.
    void resultDropped(const QString& kind, quint64 generation);
    void runningChanged(const QString& kind, bool running);

private:
    friend class JobContext;
    using ErasedJob = std::function<std::function<void()>(JobContext&)>;

    struct KindState
    {
        quint64 generation = 0;
        std::shared_ptr<std::atomic<bool>> cancel;
        bool running = false;
    };

    quint64 enqueue(const QString& kind, QObject* receiver, ErasedJob job);
    /// Called from the worker thread: queues fn to the UI thread with a staleness check.
    void postToUi(const QString& kind, quint64 generation, const QPointer<QObject>& receiver,
                  std::function<void()> fn, bool final);
    void postProgress(const JobProgress& progress);
    void setRunning(const QString& kind, bool running);

    QHash<QString, KindState> m_kinds;
    quint64 m_nextGeneration = 1;
    QThreadPool m_pool;
};

} // namespace headscope::ui
