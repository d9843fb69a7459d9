#include "jobs/job_runner.h"

#include <QMetaObject>

namespace headscope::ui {

JobRunner::JobRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<JobProgress>();
    // Serial: LibTorch already uses every core inside one forward, and jobs share one model.
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
}

JobRunner::~JobRunner()
{
    cancelAll();
    m_pool.clear();
    // Workers post to this object; it must outlive them.
    m_pool.waitForDone();
}

quint64 JobRunner::enqueue(const QString& kind, QObject* receiver, ErasedJob job)
{
    KindState& state = m_kinds[kind];
    if (state.cancel) {
        state.cancel->store(true);
        if (state.running)
            emit jobCancelled(kind, state.generation);
    }
    state.generation = m_nextGeneration++;
    state.cancel = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = state.generation;
    auto cancelFlag = state.cancel;
    QPointer<QObject> target(receiver ? receiver : this);

    m_pool.start([this, kind, generation, cancelFlag, target, job]() mutable {
        if (cancelFlag->load())
            return; // superseded before it began: the UI already moved on
        JobContext ctx(this, kind, generation, cancelFlag, target);
        auto deliver = job(ctx);
        postToUi(kind, generation, target, std::move(deliver), true);
    });

    emit jobStarted(kind, generation);
    setRunning(kind, true);
    return generation;
}

void JobRunner::postToUi(const QString& kind, quint64 generation, const QPointer<QObject>& receiver,
                         std::function<void()> fn, bool final)
{
    QMetaObject::invokeMethod(
        this,
        [this, kind, generation, receiver, fn = std::move(fn), final]() {
            if (!isCurrent(kind, generation) || receiver.isNull()) {
                if (final)
                    emit resultDropped(kind, generation);
                return;
            }
            fn();
            if (!final)
                return;
            // fn may have started a newer job of this kind: that one is still running.
            if (isCurrent(kind, generation))
                setRunning(kind, false);
            emit jobFinished(kind, generation);
        },
        Qt::QueuedConnection);
}

void JobRunner::postProgress(const JobProgress& progress)
{
    QMetaObject::invokeMethod(
        this,
        [this, progress]() {
            if (isCurrent(progress.kind, progress.generation) && isRunning(progress.kind))
                emit progressChanged(progress);
        },
        Qt::QueuedConnection);
}

void JobRunner::cancel(const QString& kind)
{
    auto it = m_kinds.find(kind);
    if (it == m_kinds.end() || !it->cancel)
        return;
    it->cancel->store(true);
    const quint64 old = it->generation;
    const bool wasRunning = it->running;
    // A fresh generation makes anything the cancelled job still sends stale.
    it->generation = m_nextGeneration++;
    it->cancel.reset();
    if (wasRunning) {
        emit jobCancelled(kind, old);
        setRunning(kind, false);
    }
}

void JobRunner::cancelAll()
{
    const auto kinds = m_kinds.keys();
    for (const auto& kind : kinds)
        cancel(kind);
}

bool JobRunner::isRunning(const QString& kind) const
{
    auto it = m_kinds.constFind(kind);
    return it != m_kinds.constEnd() && it->running;
}

bool JobRunner::isBusy() const
{
    for (const auto& state : m_kinds)
        if (state.running)
            return true;
    return false;
}

quint64 JobRunner::currentGeneration(const QString& kind) const
{
    auto it = m_kinds.constFind(kind);
    return it == m_kinds.constEnd() ? 0 : it->generation;
}

bool JobRunner::isCurrent(const QString& kind, quint64 generation) const
{
    return generation != 0 && currentGeneration(kind) == generation;
}

bool JobRunner::waitForIdle(int msecs)
{
    return m_pool.waitForDone(msecs);
}

void JobRunner::setRunning(const QString& kind, bool running)
{
    KindState& state = m_kinds[kind];
    if (state.running == running)
        return;
    state.running = running;
    emit runningChanged(kind, running);
}

} // namespace headscope::ui
