// The acceptance test of crash recovery: the real GUI binary starts a single-head ablation
// sweep with a hand-chosen mask, is killed with SIGKILL once its autosave holds finished layers,
// and a second start with --restore yes brings back the mask and those layers and resumes the
// rest. Checked: the restored layers are the checkpoint's (not measured again: layers_resumed),
// the resumed sweep equals a direct uninterrupted core::runAblation, the orphaned autosave is
// gone, and a clean exit leaves no autosave behind.
#include "analysis/ablation.h"
#include "analysis/dataset_loader.h"
#include "model/encoder_model.h"
#include "report/result_json.h"
#include "report/session_document.h"

#include "tiny_bert_writer.h"
#include "tiny_vocab.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fstream>

using namespace headscope;
namespace report = headscope::core::report;

namespace {

const QString kBinary = QStringLiteral(HEADSCOPE_BINARY_DIR "/app/gui/headscope");

} // namespace

class TestSessionCrashRestore : public QObject
{
    Q_OBJECT

private slots:
    void killedSweepIsRestoredAndResumed()
    {
        if (!QFileInfo::exists(kBinary))
            QSKIP("the GUI binary was not built");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString model = dir.filePath(QStringLiteral("model"));
        const QString data = dir.filePath(QStringLiteral("data.tsv"));
        const QString maskFile = dir.filePath(QStringLiteral("mask.json"));
        const QString sessions = dir.filePath(QStringLiteral("sessions"));
        testing::TinyBertSpec spec;
        spec.nLayers = 6;
        spec.nHeads = 4;
        spec.weightScale = 0.6f;
        testing::writeTinyBert(model.toStdString(), spec);
        testing::writeTinyDataset(data.toStdString(), 600, false, 5);
        std::ofstream(maskFile.toStdString())
            << R"({"format": "headscope-mask", "version": 1, "model": {"architecture": "bert", "layers": 6, "heads": 4},)"
            << R"( "pruned": {"encoder_self": {"2": [1], "5": [0, 3]}}})";
        // Batches of one example: the sweep takes long enough to be killed between layers.
        QDir().mkpath(dir.filePath(QStringLiteral("config/HeadScope")));
        std::ofstream(dir.filePath(QStringLiteral("config/HeadScope/HeadScope.conf")).toStdString())
            << "[engine]\nbatchSize=1\nthreads=1\nlayerCacheMb=0\n";

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("HEADSCOPE_SESSION_DIR"), sessions);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("share")));
        env.insert(QStringLiteral("HEADSCOPE_LOG_DIR"), dir.filePath(QStringLiteral("logs")));

        // 1. Start the sweep; kill -9 once the autosave holds a checkpoint with finished layers.
        QProcess first;
        first.setProcessEnvironment(env);
        first.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        first.start(kBinary, {QStringLiteral("--model"), model, QStringLiteral("--data"), data, QStringLiteral("--mask"),
                              maskFile, QStringLiteral("--page"), QStringLiteral("heads"), QStringLiteral("--run"),
                              QStringLiteral("ablation")});
        QVERIFY(first.waitForStarted(30000));
        const QString autosave = sessions + QStringLiteral("/autosave-%1.headscope").arg(first.processId());
        report::SessionDocument checkpoint;
        const report::SessionEntry* partial = nullptr;
        QVERIFY2(QTest::qWaitFor(
                     [&]() {
                         auto doc = report::readSessionFile(autosave.toStdString());
                         if (!doc) return false; // not written yet (renames are atomic: never half)
                         checkpoint = std::move(doc).value();
                         partial = checkpoint.latest("ablation", true);
                         return partial != nullptr;
                     },
                     300000),
                 "no ablation checkpoint appeared in the autosave");
        QVERIFY2(!partial->complete, "the sweep finished before it could be killed: make it longer");
        ::kill(pid_t(first.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(30000));
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        QVERIFY(QFileInfo::exists(autosave)); // left behind: what the next start offers to restore
        const auto killedAt = report::ablationFromJson(partial->result);
        QVERIFY(killedAt);
        const int layersDone = killedAt->layersDone;
        QVERIFY(layersDone >= 1 && layersDone < 6);
        QCOMPARE(report::descriptorOf(checkpoint.mask), std::string("2:1 5:0,3"));

        // 2. Start again: restore, let the sweep finish, save the session and quit.
        const QString out = dir.filePath(QStringLiteral("restored.headscope"));
        QProcess second;
        second.setProcessEnvironment(env);
        second.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        second.start(kBinary, {QStringLiteral("--restore"), QStringLiteral("yes"), QStringLiteral("--save-session-and-quit"), out});
        QVERIFY(second.waitForStarted(30000));
        QVERIFY2(second.waitForFinished(600000), "the restored session did not finish");
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);

        const auto restored = report::readSessionFile(out.toStdString());
        QVERIFY2(restored, restored ? "" : restored.error().toString().c_str());
        QCOMPARE(report::descriptorOf(restored->mask), std::string("2:1 5:0,3"));
        const report::SessionEntry* done = restored->latest("ablation");
        QVERIFY(done);
        const auto sweep = report::ablationFromJson(done->result);
        QVERIFY(sweep);
        QVERIFY(sweep->complete());
        QCOMPARE(sweep->layersResumed, layersDone);
        for (int l = 0; l < layersDone; ++l)
            for (int h = 0; h < 4; ++h)
                QCOMPARE(sweep->accuracy[size_t(l)][size_t(h)], killedAt->accuracy[size_t(l)][size_t(h)]);
        // The orphan was taken over and removed; the second process exited cleanly (no autosave).
        QVERIFY(!QFileInfo::exists(autosave));
        QCOMPARE(QDir(sessions).entryList({QStringLiteral("autosave-*")}, QDir::Files), QStringList());

        // 3. The same sweep uninterrupted, by the core alone.
        auto m = core::EncoderModel::load(model.toStdString());
        QVERIFY(m);
        auto ds = core::loadEncodedDataset(data.toStdString(), {}, **m, core::defaultMaxLength(**m));
        QVERIFY(ds);
        core::AblationParams params;
        params.batchSize = 1;
        const auto direct = core::runAblation(**m, ds->encoded, params);
        QVERIFY(direct);
        QCOMPARE(sweep->baselineAccuracy, direct->baselineAccuracy);
        for (int l = 0; l < 6; ++l)
            for (int h = 0; h < 4; ++h)
                QVERIFY2(std::abs(sweep->accuracy[size_t(l)][size_t(h)] - direct->accuracy[size_t(l)][size_t(h)]) < 1e-12,
                         qPrintable(QStringLiteral("layer %1 head %2").arg(l).arg(h)));
    }
};

QTEST_GUILESS_MAIN(TestSessionCrashRestore)
#include "tst_session_crash_restore.moc"
