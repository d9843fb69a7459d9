// The live-evaluation pipeline without widgets: load a tiny model and dataset through
// SessionState (on the JobRunner), toggle heads through HeadTableModel::setData, and check the
// numbers against core::evaluate run directly on the same files with the same mask. A second
// click during an evaluation supersedes the first, whose numbers must never be shown.
#include "analysis/encoded_dataset.h"
#include "analysis/evaluator.h"
#include "analysis/layer_state_cache.h"
#include "jobs/evaluation_controller.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "session/session_state.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace headscope;
using namespace headscope::ui;

namespace {

/// Every snapshot the controller emitted, to check what the UI would have shown.
struct Recorder
{
    QList<EvalSnapshot> current;
    QList<EvalSnapshot> finished;
    QList<EvalSnapshot> baseline;

    explicit Recorder(EvaluationController& c)
    {
        QObject::connect(&c, &EvaluationController::currentChanged, [this](const EvalSnapshot& s) { current << s; });
        QObject::connect(&c, &EvaluationController::evaluationFinished, [this](const EvalSnapshot& s) { finished << s; });
        QObject::connect(&c, &EvaluationController::baselineChanged, [this](const EvalSnapshot& s) { baseline << s; });
    }
};

} // namespace

class TestEvaluationFlow : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_modelDir;
    QString m_dataFile;
    static constexpr int kBatchSize = 8;
    static constexpr int kExamples = 120;

    /// core::evaluate on the files, independently of the session's copies.
    core::EvalResult evaluateDirectly(const core::HeadMask& mask)
    {
        auto model = core::EncoderModel::load(m_modelDir.toStdString());
        if (!model)
            qFatal("%s", model.error().toString().c_str());
        auto ds = core::loadDataset(m_dataFile.toStdString(), core::DatasetOptions(), &(*model)->config().label2id);
        if (!ds)
            qFatal("%s", ds.error().toString().c_str());
        const int maxLength = std::min((*model)->config().maxPositionEmbeddings,
                                       (*model)->tokenizer().options().modelMaxLength);
        const auto encoded = core::encodeDataset((*model)->tokenizer(), ds.value(), maxLength);
        core::EvalParams params;
        params.batchSize = kBatchSize;
        params.mask = mask;
        auto r = core::evaluate(**model, encoded, params);
        if (!r)
            qFatal("%s", r.error().toString().c_str());
        return r.value();
    }

    void loadInto(SessionState& session)
    {
        EngineSettings settings = session.engineSettings();
        settings.batchSize = kBatchSize;
        session.setEngineSettings(settings);
        QSignalSpy data(&session, &SessionState::datasetChanged);
        QSignalSpy errors(&session, &SessionState::errorOccurred);
        session.loadModel(m_modelDir);
        session.loadDataset(m_dataFile);
        QTRY_VERIFY_WITH_TIMEOUT(session.isReady() || !errors.isEmpty(), 120000);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.isEmpty() ? QString() : errors.first().at(1).toString()));
    }

    static void compareLogits(const core::EvalResult& a, const core::EvalResult& b)
    {
        QCOMPARE(a.logits.size(), b.logits.size());
        for (size_t i = 0; i < a.logits.size(); ++i)
            for (size_t j = 0; j < a.logits[i].size(); ++j)
                QVERIFY2(std::abs(a.logits[i][j] - b.logits[i][j]) <= 1e-5f,
                         qPrintable(QStringLiteral("example %1 logit %2: %3 vs %4").arg(i).arg(j).arg(a.logits[i][j]).arg(b.logits[i][j])));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_modelDir = m_dir.filePath(QStringLiteral("tiny"));
        m_dataFile = m_dir.filePath(QStringLiteral("data.tsv"));
        testing::TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 4;
        spec.weightScale = 0.6f; // larger weights: masking one head flips some predictions
        testing::writeTinyBert(m_modelDir.toStdString(), spec);
        testing::writeTinyDataset(m_dataFile.toStdString(), kExamples, false, 11);
    }

    void baselineThenMaskedHead()
    {
        SessionState session;
        EvaluationController controller(&session);
        Recorder rec(controller);
        QSignalSpy finished(&controller, &EvaluationController::evaluationFinished);
        loadInto(session);

        // All heads: the baseline is the current evaluation (it may have finished already
        // while loadInto waited).
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        const core::EvalResult direct = evaluateDirectly(session.fullMask());
        QVERIFY(controller.baseline().isFinished());
        QCOMPARE(controller.baseline().nCorrect, direct.nCorrect);
        QCOMPARE(controller.baseline().nTotal, int64_t(kExamples));
        QCOMPARE(controller.current().accuracy, direct.accuracy);
        compareLogits(*controller.baseline().result, direct);
        // Partial numbers came in batch by batch before the final one (at least the last batch).
        QVERIFY(std::any_of(rec.baseline.begin(), rec.baseline.end(),
                            [](const EvalSnapshot& s) { return s.state == EvalSnapshot::State::Running && s.nDone > 0; }));

        // Click head (1, 2): a new evaluation with exactly that head masked.
        HeadTableModel* model = session.headModel();
        QVERIFY(model->setData(model->index(1, 2), true, HeadTableModel::MaskedRole));
        QVERIFY(controller.isEvaluating());
        QVERIFY(finished.wait(120000));
        core::HeadMask expected = session.fullMask();
        expected.setKept(1, 2, false);
        const EvalSnapshot& s = controller.current();
        QCOMPARE(s.mask, expected);
        const core::EvalResult directMasked = evaluateDirectly(expected);
        QCOMPARE(s.nCorrect, directMasked.nCorrect);
        QCOMPARE(s.accuracy, directMasked.accuracy);
        QCOMPARE(s.interval.low, directMasked.accuracyInterval.low);
        QCOMPARE(s.interval.high, directMasked.accuracyInterval.high);
        compareLogits(*s.result, directMasked);
        // The mask reached the engine: some logit moved.
        bool moved = false;
        for (size_t i = 0; i < direct.logits.size() && !moved; ++i)
            moved = std::abs(direct.logits[i][0] - s.result->logits[i][0]) > 1e-4f;
        QVERIFY(moved);
        // The baseline was not evaluated again.
        QCOMPARE(controller.baseline().generation, rec.baseline.last().generation);

        // Back to all heads: the baseline is reused at once, without a new job.
        session.resetMask();
        QVERIFY(!controller.isEvaluating());
        QCOMPARE(controller.current().nCorrect, direct.nCorrect);
        QCOMPARE(finished.count(), 3);
    }

    // The click's run streams the paired change against the baseline on the same examples,
    // exact at the end; it starts at the clicked layer from the cached states of the layers below.
    void pairedChangeAndLayerCache()
    {
        SessionState session;
        EvaluationController controller(&session);
        QSignalSpy finished(&controller, &EvaluationController::evaluationFinished);
        loadInto(session);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        const core::EvalResult direct = evaluateDirectly(session.fullMask());
        QCOMPARE(controller.layerCache().stats().layersHeld, 1); // the input of layer 1 of 2
        Recorder rec(controller);
        session.setHeadMasked(1, 2, true);
        QVERIFY(finished.wait(120000));
        core::HeadMask mask = session.fullMask();
        mask.setKept(1, 2, false);
        const core::EvalResult directMasked = evaluateDirectly(mask);
        const EvalSnapshot& s = controller.current();
        QVERIFY(s.isComplete());
        QVERIFY(s.hasPairedDelta());
        const core::StreamingEstimate d = s.counts.deltaEstimate();
        QVERIFY(d.exact());
        QVERIFY(std::fabs(d.value - (directMasked.accuracy - direct.accuracy)) < 1e-12);
        int64_t b = 0, c = 0;
        for (size_t i = 0; i < direct.correct.size(); ++i) {
            b += direct.correct[i] && !directMasked.correct[i] ? 1 : 0;
            c += !direct.correct[i] && directMasked.correct[i] ? 1 : 0;
        }
        QCOMPARE(s.counts.nBaselineOnly, b);
        QCOMPARE(s.counts.nCurrentOnly, c);
        // Every partial snapshot of the run was paired and its interval held the final change.
        for (const EvalSnapshot& p : rec.current) {
            if (p.state != EvalSnapshot::State::Running || !p.hasNumbers())
                continue;
            QVERIFY(p.hasPairedDelta());
            const auto e = p.counts.deltaEstimate();
            QVERIFY(e.interval.low <= d.value + 1e-12 && d.value <= e.interval.high + 1e-12);
        }
        // Every batch of the click started at layer 1.
        const auto stats = controller.layerCache().stats();
        QVERIFY(stats.batchesFromCache > 0);
        QCOMPARE(stats.layersSkipped, stats.batchesFromCache);
        compareLogits(*s.result, directMasked);
    }

    void sampleModeStopWidthAndEvaluateAll()
    {
        SessionState session;
        EvaluationController controller(&session);
        QSignalSpy finished(&controller, &EvaluationController::evaluationFinished);
        loadInto(session);
        EngineSettings settings = session.engineSettings();
        settings.sampleSize = 40;
        session.setEngineSettings(settings);
        QTRY_VERIFY_WITH_TIMEOUT(controller.baseline().isComplete(), 120000);
        controller.setSampleMode(true);
        QVERIFY(controller.sampleMode());
        session.setHeadMasked(0, 1, true);
        QTRY_VERIFY_WITH_TIMEOUT(controller.current().isFinished(), 120000);
        EvalSnapshot s = controller.current();
        QCOMPARE(s.coverage, core::EvalResult::Coverage::Sample);
        QCOMPARE(s.nDone, int64_t(40));
        QCOMPARE(s.counts.nPopulation, int64_t(kExamples));
        QVERIFY(s.hasPairedDelta()); // the complete baseline pairs with a sample
        QVERIFY(!s.counts.deltaEstimate().exact());

        // Back to every example, once.
        controller.evaluateAll();
        QVERIFY(!controller.sampleMode());
        QTRY_VERIFY_WITH_TIMEOUT(controller.current().isComplete(), 120000);
        core::HeadMask mask = session.fullMask();
        mask.setKept(0, 1, false);
        QCOMPARE(controller.current().nCorrect, evaluateDirectly(mask).nCorrect);

        // A stop width wider than any interval after the first batch: the click stops early.
        settings.stopWidthPoints = 90.0;
        session.setEngineSettings(settings);
        QTRY_VERIFY_WITH_TIMEOUT(controller.baseline().isComplete(), 120000);
        session.setHeadMasked(1, 0, true);
        QTRY_VERIFY_WITH_TIMEOUT(controller.current().isFinished() && controller.current().mask.countMasked() == 2,
                                 120000);
        s = controller.current();
        QCOMPARE(s.coverage, core::EvalResult::Coverage::StoppedAtWidth);
        QVERIFY(s.nDone < kExamples);
        QVERIFY(s.counts.deltaEstimate().width() < 0.90);
        // "Evaluate all examples" ignores the stop width for that run.
        controller.evaluateAll();
        QTRY_VERIFY_WITH_TIMEOUT(controller.current().isComplete(), 120000);
        QCOMPARE(controller.current().nDone, int64_t(kExamples));
    }

    void secondClickSupersedesFirst()
    {
        SessionState session;
        EvaluationController controller(&session);
        QSignalSpy finished(&controller, &EvaluationController::evaluationFinished);
        QSignalSpy dropped(session.runner(), &JobRunner::resultDropped);
        QSignalSpy cancelled(session.runner(), &JobRunner::jobCancelled);
        loadInto(session);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000); // the baseline
        Recorder rec(controller);

        // Two clicks without returning to the event loop in between: the first evaluation is
        // queued or running when the second one supersedes it.
        HeadTableModel* model = session.headModel();
        model->setData(model->index(0, 1), true, HeadTableModel::MaskedRole);
        const quint64 firstGen = session.runner()->currentGeneration(EvaluationController::kEvalJob);
        model->setData(model->index(1, 3), true, HeadTableModel::MaskedRole);
        const quint64 secondGen = session.runner()->currentGeneration(EvaluationController::kEvalJob);
        QVERIFY(secondGen > firstGen);
        QVERIFY(std::any_of(cancelled.begin(), cancelled.end(),
                            [&](const QList<QVariant>& a) { return a.at(1).toULongLong() == firstGen; }));

        QVERIFY(finished.wait(120000));
        QVERIFY(session.runner()->waitForIdle(120000));
        QCoreApplication::sendPostedEvents(session.runner());

        // Exactly one finished evaluation, the second one, with both heads masked.
        QCOMPARE(rec.finished.size(), 1);
        QCOMPARE(rec.finished.first().generation, secondGen);
        core::HeadMask both = session.fullMask();
        both.setKept(0, 1, false);
        both.setKept(1, 3, false);
        QCOMPARE(rec.finished.first().mask, both);
        QCOMPARE(rec.finished.first().nCorrect, evaluateDirectly(both).nCorrect);
        // The first evaluation never showed a number: its only snapshot is the empty "started"
        // one emitted on the click itself.
        for (const EvalSnapshot& s : rec.current) {
            if (s.generation == firstGen)
                QVERIFY2(!s.hasNumbers(), "a number from the superseded evaluation reached the UI");
        }
        // Whatever the first job still sent was dropped by the generation check (when it ran
        // at all: a superseded job that had not started yet is skipped entirely).
        for (const auto& d : dropped)
            QVERIFY(d.at(1).toULongLong() != secondGen);
    }

    void cancelKeepsPartialNumbers()
    {
        SessionState session;
        EvaluationController controller(&session);
        QSignalSpy finished(&controller, &EvaluationController::evaluationFinished);
        loadInto(session);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000); // the baseline
        session.setHeadMasked(0, 0, true);
        QVERIFY(controller.isEvaluating());
        controller.cancel();
        QVERIFY(!controller.isEvaluating());
        QCOMPARE(int(controller.current().state), int(EvalSnapshot::State::Cancelled));
        QVERIFY(session.runner()->waitForIdle(120000));
        QCoreApplication::sendPostedEvents(session.runner());
        QCOMPARE(finished.count(), 1); // the cancelled evaluation never finished
        QCOMPARE(int(controller.current().state), int(EvalSnapshot::State::Cancelled));
    }

    void badDatasetIsReportedWithItsPath()
    {
        SessionState session;
        QSignalSpy errors(&session, &SessionState::errorOccurred);
        const QString missing = m_dir.filePath(QStringLiteral("missing.tsv"));
        // Without a model the dataset waits (its labels may need the model's label2id).
        session.loadDataset(missing);
        QVERIFY(session.isDatasetWaitingForModel());
        session.loadModel(m_modelDir);
        QVERIFY(errors.wait(60000));
        QCOMPARE(errors.at(0).at(0).toString(), SessionState::kLoadDataJob);
        QVERIFY2(errors.at(0).at(1).toString().contains(missing), qPrintable(errors.at(0).at(1).toString()));
    }

    void badModelIsReportedWithItsPath()
    {
        SessionState session;
        QSignalSpy errors(&session, &SessionState::errorOccurred);
        session.loadModel(m_dir.path()); // a folder without config.json
        QVERIFY(errors.wait(60000));
        QCOMPARE(errors.at(0).at(0).toString(), SessionState::kLoadModelJob);
        QVERIFY2(errors.at(0).at(1).toString().contains(m_dir.path()), qPrintable(errors.at(0).at(1).toString()));
        QVERIFY(!session.hasModel());
    }
};

QTEST_GUILESS_MAIN(TestEvaluationFlow)
#include "tst_evaluation_flow.moc"
