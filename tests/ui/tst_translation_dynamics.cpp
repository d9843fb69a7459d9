// The Translation page's Training Dynamics tab on the shipped translation demo and its eight
// checkpoints: the folder is found from the model, the series runs as a job with a partial
// result per checkpoint, the table shows each checkpoint's BLEU (checked against a direct
// core::evaluateTranslation of that checkpoint), the plot draws one line per checkpoint of the
// scope computed, a finished series goes into the session and comes back, a cancelled one does not.
#include "analysis/translation_eval.h"
#include "analysis/translation_set.h"
#include "jobs/job_runner.h"
#include "jobs/translation_controller.h"
#include "model/seq2seq_model.h"
#include "pages/translation_dynamics_tab.h"
#include "plots/dynamics_plot.h"

#include <QDir>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace headscope;
using namespace headscope::ui;

namespace {

const QString kDemo = QStringLiteral(HEADSCOPE_SOURCE_DIR "/resources/demo/translation");

struct Loaded
{
    JobRunner runner;
    TranslationController controller{&runner};
};

bool waitFor(QSignalSpy& spy, int count = 1, int timeoutMs = 300000)
{
    while (spy.count() < count)
        if (!spy.wait(timeoutMs)) return false;
    return true;
}

// Opens the demo model and its test set and waits for the unmasked decode.
bool openDemo(TranslationController& c)
{
    QSignalSpy finished(&c, &TranslationController::evaluationFinished);
    c.setBatchSize(16);
    c.openTestSet(kDemo + QStringLiteral("/data/test.src"), kDemo + QStringLiteral("/data/test.tgt"));
    c.openModel(kDemo + QStringLiteral("/model"));
    return waitFor(finished);
}

} // namespace

class TestTranslationDynamics : public QObject
{
    Q_OBJECT
private slots:
    void seriesRunsShowsAndRoundTrips()
    {
        Loaded l;
        TranslationController& c = l.controller;
        TranslationDynamicsTab tab(&c);
        QVERIFY(!tab.runButton()->isEnabled()); // no model yet
        QSignalSpy errors(&c, &TranslationController::errorOccurred);
        QVERIFY2(openDemo(c), "the demo's unmasked decode did not finish");
        QCOMPARE(QDir(tab.checkpointsDir()).canonicalPath(), QDir(kDemo + QStringLiteral("/checkpoints")).canonicalPath());
        QVERIFY(tab.runButton()->isEnabled());

        QSignalSpy updated(&c, &TranslationController::dynamicsUpdated);
        QSignalSpy done(&c, &TranslationController::jobDone);
        tab.setSentences(12);
        tab.setStepPercent(50.0);
        tab.setScope(core::PruneScope::EncoderDecoder);
        tab.run();
        QVERIFY(!tab.runButton()->isEnabled()); // running
        QVERIFY2(waitFor(done), "the series did not finish");
        QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(1).toString()));
        QCOMPARE(done.first().at(0).toString(), TranslationController::kDynamicsJob);
        QCOMPARE(updated.count(), 9); // one per checkpoint, then the whole series
        const TranslationDynamicsResults r = c.dynamics();
        QVERIFY(r.isValid() && r->complete);
        QCOMPARE(r->checkpoints.size(), size_t(8));
        QCOMPARE(r->nSentences, int64_t(12));

        // The table against the result, and the last checkpoint's BLEU against the core alone.
        QTableWidget* table = tab.table();
        QCOMPARE(table->rowCount(), 8);
        for (int row = 0; row < 8; ++row) {
            QCOMPARE(table->item(row, 0)->text(), QStringLiteral("epoch-0%1").arg(row + 1));
            QCOMPARE(table->item(row, 1)->text(), QString::number(r->checkpoints[size_t(row)].bleu, 'f', 2));
        }
        core::LoadOptions load;
        load.nThreads = 2;
        auto last = core::Seq2SeqModel::load(QString(kDemo + QStringLiteral("/checkpoints/epoch-08")).toStdString(), load);
        QVERIFY(last.ok());
        core::TranslationSetOptions first12;
        first12.limit = 12;
        auto set = core::loadTranslationSet(**last, QString(kDemo + QStringLiteral("/data/test.src")).toStdString(),
                                            QString(kDemo + QStringLiteral("/data/test.tgt")).toStdString(), first12);
        QVERIFY(set.ok());
        core::TranslationEvalParams ep;
        ep.decode.batchSize = 16;
        ep.computeChrf = false;
        auto direct = core::evaluateTranslation(**last, *set, ep);
        QVERIFY(direct.ok());
        QCOMPARE(r->checkpoints[7].bleu, direct->bleu.score);
        QVERIFY(r->checkpoints[7].bleu > r->checkpoints[0].bleu);

        // One line per checkpoint with a BLEU to be relative to; another scope has none.
        int withBleu = 0;
        for (const auto& cp : r->checkpoints)
            withBleu += cp.bleu > 0 ? 1 : 0;
        QCOMPARE(tab.plot()->lineCount(), withBleu);
        tab.setScope(core::PruneScope::All);
        QCOMPARE(tab.plot()->lineCount(), 0);
        QVERIFY(tab.statusText().contains(QStringLiteral("compute again")));

        // Into a session and back, on a second controller with the same model and test set.
        const auto entries = c.sessionEntries();
        const auto it = std::find_if(entries.begin(), entries.end(),
                                     [](const core::report::SessionEntry& e) { return e.key == "checkpoints"; });
        QVERIFY(it != entries.end());
        Loaded other;
        QVERIFY(openDemo(other.controller));
        QSignalSpy restored(&other.controller, &TranslationController::dynamicsUpdated);
        const QStringList problems = other.controller.adoptSession(nullptr, {*it});
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        QCOMPARE(restored.count(), 1);
        QCOMPARE(other.controller.dynamics()->checkpoints.size(), size_t(8));
        QCOMPARE(other.controller.dynamics()->checkpoints[7].bleu, r->checkpoints[7].bleu);
        QCOMPARE(other.controller.dynamics()->checkpoints[3].curves->curves[0].points[1].bleu,
                 r->checkpoints[3].curves->curves[0].points[1].bleu);
    }

    void cancelledSeriesIsNotSaved()
    {
        Loaded l;
        TranslationController& c = l.controller;
        TranslationDynamicsTab tab(&c);
        QVERIFY(openDemo(c));
        QSignalSpy updated(&c, &TranslationController::dynamicsUpdated);
        QSignalSpy cancelled(&l.runner, &JobRunner::jobCancelled);
        QSignalSpy errors(&c, &TranslationController::errorOccurred);
        tab.setSentences(12);
        tab.setStepPercent(50.0);
        tab.run();
        QVERIFY(waitFor(updated)); // the first checkpoint is done
        c.cancel(TranslationController::kDynamicsJob);
        QVERIFY2(waitFor(cancelled), "the series was not cancelled");
        QVERIFY(errors.isEmpty()); // a cancel is not an error
        QVERIFY(c.dynamics().isValid() && !c.dynamics()->complete);
        QVERIFY(c.dynamics()->checkpoints.size() < 8);
        for (const auto& e : c.sessionEntries())
            QVERIFY(e.key != "checkpoints");
        QVERIFY(tab.runButton()->isEnabled());
        QVERIFY2(tab.statusText().startsWith(QStringLiteral("Stopped after")), qPrintable(tab.statusText()));
    }
};

QTEST_MAIN(TestTranslationDynamics)
#include "tst_translation_dynamics.moc"
