// headscope-cli --session: results of the analysis commands are added to a session file the
// GUI opens (model and dataset with content hashes, one entry per result, source "cli"); a
// session about another model, or an unreadable one, is refused and left byte for byte as it was.
#include "cli_process.h"

#include "report/result_json.h"
#include "report/session_document.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace clitest;
using namespace headscope;
namespace report = headscope::core::report;

namespace {

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestCliSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        testing::TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 4;
        testing::writeTinyBert(path("model").toStdString(), spec);
        spec.seed = 7;
        testing::writeTinyBert(path("other").toStdString(), spec);
        testing::writeTinyDataset(path("data.tsv").toStdString(), 30, false, 3);
    }

    void resultsAreAddedToTheSession()
    {
        const QString session = path("study.headscope");
        const CliRun imp = runCli({QStringLiteral("importance"), QStringLiteral("--model"), path("model"),
                                   QStringLiteral("--data"), path("data.tsv"), QStringLiteral("--json"),
                                   QStringLiteral("-"), QStringLiteral("--session"), session});
        QVERIFY2(imp.exitCode == 0, imp.err.constData());
        const CliRun abl = runCli({QStringLiteral("ablate"), QStringLiteral("--model"), path("model"),
                                   QStringLiteral("--data"), path("data.tsv"), QStringLiteral("--json"),
                                   QStringLiteral("-"), QStringLiteral("--session"), session});
        QVERIFY2(abl.exitCode == 0, abl.err.constData());

        const auto doc = report::readSessionFile(session.toStdString());
        QVERIFY2(doc, doc ? "" : doc.error().toString().c_str());
        QVERIFY(doc->model && doc->dataset);
        QCOMPARE(QString::fromStdString(doc->model->path), QFileInfo(path("model")).absoluteFilePath());
        QVERIFY(QString::fromStdString(doc->model->hash).startsWith(QStringLiteral("hs64:")));
        QVERIFY(QString::fromStdString(doc->dataset->hash).startsWith(QStringLiteral("hs64:")));
        const report::SessionEntry* i = doc->latest("importance");
        const report::SessionEntry* a = doc->latest("ablation");
        QVERIFY(i && a);
        QCOMPARE(i->source, std::string("cli"));
        // The entry is the command's own JSON result, readable as the GUI reads it.
        const auto fromSession = report::importanceFromJson(i->result);
        QVERIFY(fromSession);
        const QJsonArray firstRow =
            imp.json[QStringLiteral("results")][QStringLiteral("importance")][QStringLiteral("scores_raw")]
                .toObject()[QStringLiteral("encoder_self")].toArray()[0].toArray();
        QCOMPARE(firstRow.size(), 4);
        for (int h = 0; h < 4; ++h)
            QCOMPARE(fromSession->raw[0][size_t(h)], firstRow[h].toDouble());
        const auto sweep = report::ablationFromJson(a->result);
        QVERIFY(sweep && sweep->complete());

        // Running importance again replaces its entry: one per kind.
        QCOMPARE(runCli({QStringLiteral("importance"), QStringLiteral("--model"), path("model"), QStringLiteral("--data"),
                         path("data.tsv"), QStringLiteral("--session"), session})
                     .exitCode,
                 0);
        const auto again = report::readSessionFile(session.toStdString());
        QVERIFY(again);
        QCOMPARE(again->entries.size(), size_t(2));
    }

    void anotherModelIsRefused()
    {
        const QString session = path("one-model.headscope");
        QCOMPARE(runCli({QStringLiteral("importance"), QStringLiteral("--model"), path("model"), QStringLiteral("--data"),
                         path("data.tsv"), QStringLiteral("--session"), session})
                     .exitCode,
                 0);
        const QByteArray before = fileBytes(session);
        const CliRun r = runCli({QStringLiteral("importance"), QStringLiteral("--model"), path("other"),
                                 QStringLiteral("--data"), path("data.tsv"), QStringLiteral("--session"), session});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("is about the model"), r.err.constData());
        QCOMPARE(fileBytes(session), before);
    }

    void unreadableSessionIsLeftAlone()
    {
        const QString session = path("broken.headscope");
        std::ofstream(session.toStdString()) << "{\"format\": \"headscope-session\", \"version\": 1, \"resu";
        const QByteArray before = fileBytes(session);
        const CliRun r = runCli({QStringLiteral("importance"), QStringLiteral("--model"), path("model"),
                                 QStringLiteral("--data"), path("data.tsv"), QStringLiteral("--session"), session});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("broken.headscope"), r.err.constData());
        QCOMPARE(fileBytes(session), before);
    }

private:
    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestCliSession)
#include "tst_cli_session.moc"
