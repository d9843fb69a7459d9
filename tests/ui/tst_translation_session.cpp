// The Translation page in session files (TranslationSessionLink + SessionStore, no window), on
// the shipped translation demo and its first 16 test sentences: masks of two attention types,
// the head importance, the single-head ablation and the pruning curves are saved, reopened in a
// fresh pipeline and shown with the same numbers, and the evaluation after the reopening decodes
// with the restored masks (same BLEU as before saving); a source file changed since saving and
// a missing model folder are reported, the rest opens and the saved part stays in the session.
#include "jobs/analysis_controller.h"
#include "jobs/translation_controller.h"
#include "report/session_document.h"
#include "report/translation_json.h"
#include "session/session_state.h"
#include "session/session_store.h"
#include "session/translation_session_link.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace headscope;
using namespace headscope::ui;
using core::AttentionType;
namespace report = headscope::core::report;

namespace {

QString demoModel()
{
    return QStringLiteral(HEADSCOPE_SOURCE_DIR "/resources/demo/translation/model");
}

QString demoData(const char* name)
{
    return QStringLiteral(HEADSCOPE_SOURCE_DIR "/resources/demo/translation/data/") + QLatin1String(name);
}

// The first n lines of a file, written to path.
bool writeHead(const QString& from, const QString& path, int n)
{
    QFile in(from);
    QFile out(path);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    for (int i = 0; i < n && !in.atEnd(); ++i)
        out.write(in.readLine());
    return true;
}

// One window's worth of sessions and translation state, without the widgets.
struct Pipeline
{
    SessionState session;
    AnalysisController analysis{&session};
    SessionStore store{&session, &analysis};
    TranslationController translation{session.runner()};
    TranslationSessionLink link{&translation};

    Pipeline()
    {
        // A job's error in the test log, next to the assertion it makes fail.
        QObject::connect(&translation, &TranslationController::errorOccurred, [](const QString& kind, const QString& m) {
            qWarning("%s: %s", qPrintable(kind), qPrintable(m));
        });
        translation.setBatchSize(16);
        store.setTranslationLink(&link);
    }
};

bool waitForJob(TranslationController& c, const QString& kind, int timeoutMs = 300000)
{
    QSignalSpy done(&c, &TranslationController::jobDone);
    while (true) {
        for (const auto& args : done)
            if (args.at(0).toString() == kind) return true;
        if (!done.wait(timeoutMs)) return false;
    }
}

std::string dumped(const report::Json& j)
{
    return j.dump();
}

int countMasked(const TranslationController& c)
{
    int n = 0;
    for (AttentionType t : core::kSeq2SeqAttentionTypes)
        n += c.masks().of(t).countMasked();
    return n;
}

} // namespace

class TestTranslationSession : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_src, m_ref;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qputenv("HEADSCOPE_SESSION_DIR", m_tmp.filePath(QStringLiteral("autosave")).toLocal8Bit());
        m_src = m_tmp.filePath(QStringLiteral("test16.src"));
        m_ref = m_tmp.filePath(QStringLiteral("test16.tgt"));
        QVERIFY(writeHead(demoData("test.src"), m_src, 16));
        QVERIFY(writeHead(demoData("test.tgt"), m_ref, 16));
    }

    void masksAndResultsSurviveSaveAndOpen()
    {
        const QString file = m_tmp.filePath(QStringLiteral("translation.headscope"));
        std::string importance, ablation, curves;
        double maskedBleu = 0.0;
        {
            Pipeline a;
            TranslationController& c = a.translation;
            QSignalSpy finished(&c, &TranslationController::evaluationFinished);
            c.openModel(demoModel());
            c.openTestSet(m_src, m_ref);
            QVERIFY2(finished.wait(300000), "the unmasked run did not finish");
            c.setHeadMasked(AttentionType::EncoderDecoder, 1, 2, true);
            c.setHeadMasked(AttentionType::DecoderSelf, 0, 0, true);
            QVERIFY(waitForJob(c, TranslationController::kEvalJob));
            QVERIFY(c.current().isValid());
            maskedBleu = c.current()->bleu.score;
            c.runImportance();
            QVERIFY(waitForJob(c, TranslationController::kImportanceJob));
            c.runAblation(0);
            QVERIFY(waitForJob(c, TranslationController::kAblationJob));
            c.runCurves(50.0);
            QVERIFY(waitForJob(c, TranslationController::kCurveJob));
            QVERIFY(c.importance().isValid() && c.ablation().isValid() && c.curves().isValid());
            QVERIFY(c.ablation()->complete() && c.curves()->complete);
            importance = dumped(report::toJson(*c.importance()));
            ablation = dumped(report::toJson(*c.ablation()));
            curves = dumped(report::toJson(*c.curves()));
            QVERIFY(a.store.saveAs(file));
        }

        // The file: the model, the test set with hashes, the two masked heads, three results.
        const auto doc = report::readSessionFile(file.toStdString());
        QVERIFY2(doc, doc ? "" : doc.error().toString().c_str());
        QVERIFY(doc->translation.has_value());
        const report::TranslationSession& t = *doc->translation;
        QCOMPARE(QString::fromStdString(t.model.path), QFileInfo(demoModel()).absoluteFilePath());
        QVERIFY(QString::fromStdString(t.model.hash).startsWith(QStringLiteral("hs64:")));
        QVERIFY(t.source && t.reference);
        QCOMPARE(QString::fromStdString(t.source->path), m_src);
        QVERIFY(!t.source->hash.empty() && !t.reference->hash.empty());
        QCOMPARE(t.masks["n_masked"].get<int>(), 2);
        QVERIFY(t.latest("importance") && t.latest("ablation") && t.latest("prune_curves"));
        QVERIFY(!doc->model.has_value()); // no classifier was open

        Pipeline b;
        TranslationController& c = b.translation;
        QSignalSpy restored(&b.link, &TranslationSessionLink::restored);
        QSignalSpy warnings(&b.store, &SessionStore::warningOccurred);
        QSignalSpy finished(&c, &TranslationController::evaluationFinished);
        QVERIFY(b.store.open(file));
        QVERIFY2(restored.wait(300000) || !restored.isEmpty(), "the session's translation part was not applied");
        QVERIFY(restored.first().at(0).toStringList().isEmpty());
        QCOMPARE(countMasked(c), 2);
        QVERIFY(c.isMasked(AttentionType::EncoderDecoder, 1, 2));
        QVERIFY(c.isMasked(AttentionType::DecoderSelf, 0, 0));
        // Shown as saved, not computed again.
        QVERIFY(c.importance().isValid() && c.ablation().isValid() && c.curves().isValid());
        QCOMPARE(dumped(report::toJson(*c.importance())), importance);
        QCOMPARE(dumped(report::toJson(*c.ablation())), ablation);
        QCOMPARE(dumped(report::toJson(*c.curves())), curves);
        QVERIFY(!c.isRunning(TranslationController::kAblationJob));
        // The evaluation that follows decodes with the restored masks.
        QVERIFY(waitForJob(c, TranslationController::kEvalJob));
        QVERIFY(c.current().isValid());
        QCOMPARE(c.current()->bleu.score, maskedBleu);
        for (const auto& w : warnings)
            QVERIFY2(!w.at(1).toString().contains(QStringLiteral("changed")), qPrintable(w.at(1).toString()));
        // The reopened session writes the same part again.
        const auto again = b.store.document();
        QVERIFY(again.translation.has_value());
        QCOMPARE(again.translation->entries.size(), size_t(3));
        QCOMPARE(again.translation->masks["n_masked"].get<int>(), 2);
        // Each result keeps the time it finished, not the time of the last save.
        for (const char* key : {"importance", "ablation", "prune_curves"})
            QCOMPARE(again.translation->latest(key)->finishedAt, t.latest(key)->finishedAt);
    }

    // An autosave with only a translation part (what a crash leaves) restores, and the orphan
    // is removed once this process's autosave holds its content.
    void autosaveRestoresAndReplacesTheOrphan()
    {
        const QString orphan = m_tmp.filePath(QStringLiteral("autosave-999999.headscope"));
        {
            Pipeline a;
            QSignalSpy finished(&a.translation, &TranslationController::evaluationFinished);
            a.translation.openModel(demoModel());
            a.translation.openTestSet(m_src, m_ref);
            QVERIFY(finished.wait(300000));
            a.translation.setHeadMasked(AttentionType::EncoderSelf, 2, 5, true);
            QVERIFY(a.store.autosaveNow());
            QVERIFY(QFile::rename(a.store.autosavePath(), orphan));
        }
        Pipeline b;
        QSignalSpy restored(&b.link, &TranslationSessionLink::restored);
        QVERIFY(b.store.restore(orphan));
        QVERIFY(!QFileInfo::exists(orphan));
        const auto autosave = report::readSessionFile(b.store.autosavePath().toStdString());
        QVERIFY2(autosave, autosave ? "" : autosave.error().toString().c_str());
        QVERIFY(autosave->translation.has_value());
        QCOMPARE(autosave->translation->masks["n_masked"].get<int>(), 1);
        QVERIFY(restored.wait(300000) || !restored.isEmpty());
        QVERIFY(b.translation.isMasked(AttentionType::EncoderSelf, 2, 5));
        QCOMPARE(countMasked(b.translation), 1);
    }

    void changedAndMissingFilesAreReported()
    {
        const QString src = m_tmp.filePath(QStringLiteral("changing.src"));
        QVERIFY(writeHead(m_src, src, 16));
        const QString file = m_tmp.filePath(QStringLiteral("changing.headscope"));
        {
            Pipeline a;
            QSignalSpy finished(&a.translation, &TranslationController::evaluationFinished);
            a.translation.openModel(demoModel());
            a.translation.openTestSet(src, m_ref);
            QVERIFY(finished.wait(300000));
            // Saved once the hashes are known (computed in the background after loading).
            QTRY_VERIFY_WITH_TIMEOUT(!a.store.document().translation->source->hash.empty(), 30000);
            QVERIFY(a.store.saveAs(file));
        }
        // The same number of lines, one word different.
        {
            QFile f(src);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QByteArray text = f.readAll();
            f.close();
            const int space = text.indexOf(' ');
            QVERIFY(space > 0);
            text.insert(space, "x");
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
        }
        {
            Pipeline b;
            QSignalSpy warnings(&b.store, &SessionStore::warningOccurred);
            QVERIFY(b.store.open(file));
            auto changedWarning = [&]() {
                for (const auto& w : warnings)
                    if (w.at(1).toString().contains(QStringLiteral("changed since the session was saved")) &&
                        w.at(1).toString().contains(src))
                        return true;
                return false;
            };
            QTRY_VERIFY_WITH_TIMEOUT(changedWarning(), 120000);
            QVERIFY(b.translation.model() != nullptr); // the rest opened
        }
        // A model folder that is gone: named, and the part stays in the session.
        auto doc = report::readSessionFile(file.toStdString());
        QVERIFY(doc && doc->translation);
        const std::string gone = m_tmp.filePath(QStringLiteral("moved-away-model")).toStdString();
        doc->translation->model.path = gone;
        QVERIFY(report::writeSessionFile(file.toStdString(), *doc));
        Pipeline c;
        QSignalSpy warnings(&c.store, &SessionStore::warningOccurred);
        QVERIFY(c.store.open(file));
        QVERIFY(!warnings.isEmpty());
        const QString message = warnings.first().at(1).toString();
        QVERIFY2(message.contains(QString::fromStdString(gone)) && message.contains(QStringLiteral("missing")),
                 qPrintable(message));
        QVERIFY(c.translation.model() == nullptr);
        const auto kept = c.store.document();
        QVERIFY(kept.translation.has_value());
        QCOMPARE(kept.translation->model.path, gone);
        QCOMPARE(kept.translation->source->path, src.toStdString());
    }
};

QTEST_GUILESS_MAIN(TestTranslationSession)
#include "tst_translation_session.moc"
