// JobRunner: delivery on the UI thread, supersede-and-drop by generation, cancel, throttled
// progress, receivers that disappear, exceptions. Fake jobs only (no model needed).
#include "jobs/job_runner.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace headscope;
using namespace headscope::ui;

class TestJobRunner : public QObject
{
    Q_OBJECT
private slots:
    void deliversResultOnUiThread()
    {
        JobRunner runner;
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        int value = 0;
        QThread* deliveredOn = nullptr;
        QThread* workedOn = nullptr;
        const quint64 gen = runner.start(QStringLiteral("calc"), this,
            [&workedOn](JobContext&) -> core::Result<int> {
                workedOn = QThread::currentThread();
                return 6 * 7;
            },
            [&](const core::Result<int>& r) {
                value = r.value();
                deliveredOn = QThread::currentThread();
            });
        QVERIFY(runner.isRunning(QStringLiteral("calc")));
        QVERIFY(finished.wait(10000));
        QCOMPARE(value, 42);
        QCOMPARE(deliveredOn, QThread::currentThread());
        QVERIFY(workedOn != QThread::currentThread());
        QCOMPARE(finished.at(0).at(1).toULongLong(), gen);
        QVERIFY(!runner.isRunning(QStringLiteral("calc")));
    }

    void supersededResultIsDropped()
    {
        JobRunner runner;
        QSemaphore started, gate;
        std::atomic<bool> firstSawCancel{false};
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        QSignalSpy dropped(&runner, &JobRunner::resultDropped);
        QSignalSpy cancelled(&runner, &JobRunner::jobCancelled);
        QList<int> delivered;

        // The first job ignores its cancel flag on purpose: its result arrives after it was
        // superseded and must be dropped by the generation check alone.
        const quint64 first = runner.start(QStringLiteral("eval"), this,
            [&](JobContext& ctx) -> core::Result<int> {
                started.release();
                gate.acquire();
                firstSawCancel = ctx.isCancelled();
                return 1;
            },
            [&](const core::Result<int>& r) { delivered << r.value(); });
        started.acquire(); // the first job is running on the worker now
        const quint64 second = runner.start(QStringLiteral("eval"), this,
            [](JobContext&) -> core::Result<int> { return 2; },
            [&](const core::Result<int>& r) { delivered << r.value(); });
        QVERIFY(second > first);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(cancelled.at(0).at(1).toULongLong(), first);
        gate.release();

        QVERIFY(finished.wait(10000));
        QVERIFY(runner.waitForIdle(10000));
        QCoreApplication::sendPostedEvents(&runner); // deliver anything still queued
        QCOMPARE(delivered, QList<int>{2});
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(1).toULongLong(), second);
        QCOMPARE(dropped.count(), 1);
        QCOMPARE(dropped.at(0).at(1).toULongLong(), first);
        QVERIFY(firstSawCancel.load());
    }

    void pendingJobOfSameKindNeverRuns()
    {
        JobRunner runner;
        QSemaphore started, gate;
        std::atomic<int> runs{0};
        QList<QString> delivered;
        // Occupy the single worker with another kind, queue two "b" jobs behind it.
        runner.start(QStringLiteral("a"), this,
            [&](JobContext&) -> core::Result<int> {
                started.release();
                gate.acquire();
                return 0;
            },
            [&](const core::Result<int>&) { delivered << QStringLiteral("a"); });
        started.acquire();
        for (int i = 0; i < 2; ++i)
            runner.start(QStringLiteral("b"), this,
                [&runs, i](JobContext&) -> core::Result<int> {
                    ++runs;
                    return i;
                },
                [&delivered](const core::Result<int>& r) { delivered << QStringLiteral("b%1").arg(r.value()); });
        gate.release();
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 2, 10000);
        QVERIFY(runner.waitForIdle(10000));
        QCOMPARE(delivered, (QList<QString>{QStringLiteral("a"), QStringLiteral("b1")}));
        QCOMPARE(runs.load(), 1); // the superseded pending job was skipped, not run
    }

    void cancelStopsCoreStyleLoop()
    {
        JobRunner runner;
        QSemaphore started;
        bool delivered = false;
        std::atomic<int64_t> stepsDone{0};
        QSignalSpy running(&runner, &JobRunner::runningChanged);
        runner.start(QStringLiteral("long"), this,
            [&](JobContext& ctx) -> core::Result<int> {
                core::Progress progress = ctx.progressCallback();
                started.release();
                // Like a core function: loop until the progress callback says stop.
                int64_t i = 0;
                while (progress(i, 1000000000)) {
                    ++i;
                    std::this_thread::yield();
                }
                stepsDone = i;
                return core::Error{core::ErrorCode::Cancelled, "cancelled", {}, {}};
            },
            [&](const core::Result<int>&) { delivered = true; });
        started.acquire();
        runner.cancel(QStringLiteral("long"));
        QVERIFY(!runner.isRunning(QStringLiteral("long")));
        QVERIFY(runner.waitForIdle(10000));
        QCoreApplication::sendPostedEvents(&runner);
        QVERIFY(!delivered);
        QVERIFY(stepsDone.load() < 1000000000);
        QCOMPARE(running.count(), 2); // true at start, false at cancel
        QCOMPARE(running.at(1).at(1).toBool(), false);
    }

    void progressIsThrottledAndStaged()
    {
        JobRunner runner;
        QList<JobProgress> reports;
        connect(&runner, &JobRunner::progressChanged, this, [&](const JobProgress& p) { reports << p; });
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        qint64 workMs = 0;
        runner.start(QStringLiteral("steps"), this,
            [&workMs](JobContext& ctx) -> core::Result<int> {
                QElapsedTimer t;
                t.start();
                ctx.setStage(QStringLiteral("Counting"));
                const int64_t total = 200000;
                for (int64_t i = 1; i <= total; ++i)
                    ctx.reportProgress(i, total);
                workMs = t.elapsed();
                return 0;
            },
            [](const core::Result<int>&) {});
        QVERIFY(finished.wait(10000));
        QVERIFY(!reports.isEmpty());
        // 200,000 steps, at most one report per 50 ms plus the stage start and the last step.
        QVERIFY2(reports.size() <= int(workMs / 50) + 3,
                 qPrintable(QStringLiteral("%1 reports in %2 ms").arg(reports.size()).arg(workMs)));
        QCOMPARE(reports.first().stage, QStringLiteral("Counting"));
        QVERIFY(reports.first().isIndeterminate()); // setStage: total not known yet
        QCOMPARE(reports.last().permille, 1000);
        QCOMPARE(reports.last().done, 200000);
        QCOMPARE(reports.last().kind, QStringLiteral("steps"));
        for (int i = 1; i < reports.size(); ++i)
            QVERIFY(reports[i].elapsedMs >= reports[i - 1].elapsedMs);
    }

    void partialResultsOfStaleJobsAreDropped()
    {
        JobRunner runner;
        QSemaphore started, gate;
        QList<int> partials;
        runner.start(QStringLiteral("p"), this,
            [&](JobContext& ctx) -> core::Result<int> {
                ctx.post([&partials]() { partials << 10; }); // before it is superseded
                started.release();
                gate.acquire();
                ctx.post([&partials]() { partials << 11; }); // after: must not arrive
                return 0;
            },
            [](const core::Result<int>&) {});
        started.acquire();
        // The first post is still queued (the UI thread has not run its event loop): it is
        // dropped too, since by the time it is delivered the job is stale.
        runner.start(QStringLiteral("p"), this,
            [](JobContext& ctx) -> core::Result<int> {
                ctx.post([]() {});
                return 0;
            },
            [&partials](const core::Result<int>&) { partials << 20; });
        gate.release();
        QTRY_COMPARE_WITH_TIMEOUT(partials.size(), 1, 10000);
        QVERIFY(runner.waitForIdle(10000));
        QCoreApplication::sendPostedEvents(&runner);
        QCOMPARE(partials, QList<int>{20});
    }

    void destroyedReceiverGetsNothing()
    {
        JobRunner runner;
        QSemaphore started, gate;
        auto* receiver = new QObject;
        bool delivered = false;
        QSignalSpy dropped(&runner, &JobRunner::resultDropped);
        runner.start(QStringLiteral("r"), receiver,
            [&](JobContext&) -> core::Result<int> {
                started.release();
                gate.acquire();
                return 1;
            },
            [&delivered](const core::Result<int>&) { delivered = true; });
        started.acquire();
        delete receiver;
        gate.release();
        QVERIFY(dropped.wait(10000));
        QVERIFY(!delivered);
    }

    void exceptionsBecomeErrors()
    {
        JobRunner runner;
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        QString message;
        core::ErrorCode code = core::ErrorCode::InvalidArgument;
        runner.start(QStringLiteral("x"), this,
            [](JobContext&) -> core::Result<int> { throw std::runtime_error("boom"); },
            [&](const core::Result<int>& r) {
                QVERIFY(!r.ok());
                message = QString::fromStdString(r.error().message);
                code = r.error().code;
            });
        QVERIFY(finished.wait(10000));
        QCOMPARE(message, QStringLiteral("boom"));
        QCOMPARE(int(code), int(core::ErrorCode::Runtime));
    }

    void kindsAreIndependent()
    {
        JobRunner runner;
        QList<int> delivered;
        runner.start(QStringLiteral("one"), this, [](JobContext&) -> core::Result<int> { return 1; },
                     [&](const core::Result<int>& r) { delivered << r.value(); });
        runner.start(QStringLiteral("two"), this, [](JobContext&) -> core::Result<int> { return 2; },
                     [&](const core::Result<int>& r) { delivered << r.value(); });
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 2, 10000);
        // Serial worker: in the order they were started.
        QCOMPARE(delivered, (QList<int>{1, 2}));
        QVERIFY(!runner.isBusy());
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
