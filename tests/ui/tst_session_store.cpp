// Sessions in the GUI's pipeline (SessionState + AnalysisController + SessionStore, no window):
// every kind of analysis saved, reopened in a fresh pipeline and shown again with the same
// numbers; the mask and the view come back; a model changed on disk or a missing dataset is
// reported while the rest opens; undo and redo of mask edits.
#include "analysis_fixture.h"

#include "models/head_table_model.h"

#include "report/result_json.h"
#include "session/mask_history.h"
#include "session/session_store.h"
#include "tiny_bert_writer.h"

#include <QSignalSpy>
#include <QtTest>

#include <fstream>

using namespace headscope;
using namespace headscope::testing;
namespace report = headscope::core::report;

namespace {

// One window's worth of state, without the widgets.
struct Pipeline
{
    ui::SessionState session;
    ui::AnalysisController analysis{&session};
    ui::SessionStore store{&session, &analysis};
};

std::string dumped(const report::Json& j)
{
    return j.dump();
}

} // namespace

class TestSessionStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_files.write());
        QVERIFY(m_sessions.isValid());
        qputenv("HEADSCOPE_SESSION_DIR", m_sessions.filePath(QStringLiteral("autosave")).toLocal8Bit());
        // Dynamics reads a folder of checkpoints: two tiny ones of the model's shape.
        for (int epoch = 1; epoch <= 2; ++epoch) {
            TinyBertSpec spec;
            spec.nLayers = 2;
            spec.nHeads = 4;
            spec.seed = uint64_t(40 + epoch);
            spec.weightScale = 0.6f;
            writeTinyBert(m_files.dir.filePath(QStringLiteral("ckpt/epoch-%1").arg(epoch)).toStdString(), spec);
        }
    }

    void everyAnalysisKindSurvivesSaveAndOpen()
    {
        const QString file = m_sessions.filePath(QStringLiteral("all.headscope"));
        std::map<std::string, std::string> saved; // key -> result JSON
        core::HeadMask mask;
        {
            Pipeline a;
            QVERIFY(AnalysisFixture::load(a.session, m_files.modelDir, m_files.dataFile));
            a.analysis.runImportance(core::ImportanceMethod::MaskGradient, core::ImportanceNormalization::Layer);
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kImportanceJob);
            a.analysis.runAblation(core::AblationMode::SingleHead);
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kAblationJob);
            a.analysis.runAblation(core::AblationMode::KeepOne);
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kAblationJob);
            a.analysis.runEntropy();
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kEntropyJob);
            ui::AnalysisController::CurveRequest curves;
            curves.orders = {core::PruneOrder::Importance, core::PruneOrder::Random};
            curves.stepPercent = 25;
            a.analysis.runCurves(curves);
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kCurveJob);
            ui::AnalysisController::LatencyRequest latency;
            latency.batchSizes = {1, 2};
            latency.seqLength = 8;
            latency.warmupRuns = 0;
            latency.timedRuns = 1;
            a.analysis.runLatency(latency);
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kLatencyJob);
            a.analysis.runCompare(m_files.dataFileB, ui::AnalysisController::CompareWhat::Importance);
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kCompareJob);
            a.analysis.runAttention(2, 1, 3);
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kAttentionJob);
            a.analysis.runDynamics(m_files.dir.filePath(QStringLiteral("ckpt")), 50.0);
            AnalysisFixture::waitForJob(a.analysis, ui::AnalysisController::kDynamicsJob);
            a.session.setHeadMasked(1, 2, true);
            a.session.setHeadMasked(0, 0, true);
            mask = a.session.mask();
            a.store.setViewHooks([]() { return report::Json{{"page", "curves"}, {"zoom", 2}}; }, {});
            QVERIFY(a.store.saveAs(file));
            saved["importance"] = dumped(report::toJson(*a.analysis.importance()));
            saved["ablation"] = dumped(report::toJson(*a.analysis.ablation()));
            saved["keep_one"] = dumped(report::toJson(*a.analysis.keepOne()));
            saved["entropy"] = dumped(report::toJson(*a.analysis.entropy()));
            saved["prune_curves"] = dumped(report::toJson(*a.analysis.curves()));
            saved["latency"] = dumped(report::toJson(*a.analysis.latency()));
            saved["compare"] = dumped(report::toJson(*a.analysis.comparison()));
            saved["attention"] = dumped(report::toJson(*a.analysis.attention()));
            saved["checkpoints"] = dumped(report::toJson(*a.analysis.dynamics()));
            a.store.discardAutosave();
        }
        QCOMPARE(saved.size(), size_t(9));

        Pipeline b;
        report::Json appliedView;
        b.store.setViewHooks({}, [&](const report::Json& v) { appliedView = v; });
        QSignalSpy opened(&b.store, &ui::SessionStore::opened);
        QVERIFY(b.store.open(file));
        QVERIFY(QTest::qWaitFor([&]() { return !opened.isEmpty(); }, 120000));
        QVERIFY(b.session.mask() == mask);
        QCOMPARE(appliedView.value("page", std::string()), std::string("curves"));
        QCOMPARE(b.store.filePath(), QFileInfo(file).absoluteFilePath());
        // Nothing is computed again: every result is the saved one.
        QVERIFY(!b.session.runner()->isBusy());
        QCOMPARE(dumped(report::toJson(*b.analysis.importance())), saved["importance"]);
        QCOMPARE(dumped(report::toJson(*b.analysis.ablation())), saved["ablation"]);
        QCOMPARE(dumped(report::toJson(*b.analysis.keepOne())), saved["keep_one"]);
        QCOMPARE(dumped(report::toJson(*b.analysis.entropy())), saved["entropy"]);
        QCOMPARE(dumped(report::toJson(*b.analysis.curves())), saved["prune_curves"]);
        QCOMPARE(dumped(report::toJson(*b.analysis.latency())), saved["latency"]);
        QCOMPARE(dumped(report::toJson(*b.analysis.comparison())), saved["compare"]);
        QCOMPARE(dumped(report::toJson(*b.analysis.attention())), saved["attention"]);
        QCOMPARE(dumped(report::toJson(*b.analysis.dynamics())), saved["checkpoints"]);
        // The head grid shows the restored importance and ablation numbers.
        QVERIFY(b.session.headModel()->scoreNames().contains(ui::AnalysisController::kImportanceSet));
        QVERIFY(b.session.headModel()->scoreNames().contains(ui::AnalysisController::kAblationSet));
        // Saving the reopened session writes the same results again.
        const auto doc = b.store.document();
        for (const auto& [key, json] : saved)
            QVERIFY2(doc.latest(key) && dumped(doc.latest(key)->result) == json, key.c_str());
        b.store.discardAutosave();
    }

    void changedModelAndMissingDatasetAreReported()
    {
        // A copy of the model that the test changes after saving.
        const QString model = m_sessions.filePath(QStringLiteral("model-copy"));
        TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 4;
        writeTinyBert(model.toStdString(), spec);
        const QString data = m_sessions.filePath(QStringLiteral("data-copy.tsv"));
        QVERIFY(QFile::copy(m_files.dataFile, data));
        const QString file = m_sessions.filePath(QStringLiteral("changed.headscope"));
        {
            Pipeline a;
            QVERIFY(AnalysisFixture::load(a.session, model, data));
            // The hashes are computed in the background: wait until the document has them.
            QVERIFY(QTest::qWaitFor([&]() {
                const auto d = a.store.document();
                return d.model && !d.model->hash.empty() && d.dataset && !d.dataset->hash.empty();
            }, 30000));
            a.session.setHeadMasked(0, 1, true);
            QVERIFY(a.store.saveAs(file));
            a.store.discardAutosave();
        }
        spec.seed = 999; // other weights, same shape
        writeTinyBert(model.toStdString(), spec);
        QVERIFY(QFile::remove(data));

        Pipeline b;
        QSignalSpy warnings(&b.store, &ui::SessionStore::warningOccurred);
        QSignalSpy changed(&b.store, &ui::SessionStore::inputsChanged);
        QVERIFY(b.store.open(file));
        QVERIFY(QTest::qWaitFor([&]() { return !changed.isEmpty(); }, 30000));
        QStringList texts;
        for (const auto& w : warnings)
            texts << w.at(1).toString();
        const QString all = texts.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("data-copy.tsv")) && all.contains(QStringLiteral("missing")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("model-copy")) && all.contains(QStringLiteral("changed")), qPrintable(all));
        // The model still opened; the saved mask waits in the document for the dataset.
        QVERIFY(QTest::qWaitFor([&]() { return b.session.hasModel(); }, 30000));
        QVERIFY(b.store.isOpening());
        QVERIFY(b.store.document().mask.nLayers() == 2);
        b.store.discardAutosave();
    }

    void unreadableSessionIsNamed()
    {
        const QString file = m_sessions.filePath(QStringLiteral("broken.headscope"));
        std::ofstream(file.toStdString()) << "{\"format\": \"headscope-session\", \"version\": 1, \"results\": [";
        Pipeline p;
        QSignalSpy errors(&p.store, &ui::SessionStore::errorOccurred);
        QVERIFY(!p.store.open(file));
        QCOMPARE(errors.size(), 1);
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("broken.headscope")));
        QVERIFY(!p.store.isOpening());
    }

    void undoAndRedoMaskEdits()
    {
        Pipeline p;
        ui::MaskHistory history(&p.session);
        QVERIFY(AnalysisFixture::load(p.session, m_files.modelDir, m_files.dataFile));
        QVERIFY(!history.canUndo());
        const core::HeadMask full = p.session.mask();
        p.session.setHeadMasked(0, 1, true);
        const core::HeadMask one = p.session.mask();
        p.session.setLayerMasked(1, true);
        const core::HeadMask two = p.session.mask();
        QCOMPARE(history.undoCount(), size_t(2));
        history.undo();
        QVERIFY(p.session.mask() == one);
        history.undo();
        QVERIFY(p.session.mask() == full);
        QVERIFY(!history.canUndo());
        history.undo(); // nothing left: no change
        QVERIFY(p.session.mask() == full);
        history.redo();
        QVERIFY(p.session.mask() == one);
        history.redo();
        QVERIFY(p.session.mask() == two);
        QVERIFY(!history.canRedo());
        // A new edit after an undo drops the redo branch.
        history.undo();
        p.session.setHeadMasked(0, 3, true);
        QVERIFY(!history.canRedo());
        history.undo();
        QVERIFY(p.session.mask() == one);
        // Another model starts a new history.
        p.session.loadModel(m_files.modelDir);
        QVERIFY(QTest::qWaitFor([&]() { return !history.canUndo(); }, 30000));
        p.store.discardAutosave();
    }

private:
    AnalysisFixture m_files;
    QTemporaryDir m_sessions;
};

QTEST_MAIN(TestSessionStore)
#include "tst_session_store.moc"
