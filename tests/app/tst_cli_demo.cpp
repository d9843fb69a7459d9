// `--model demo`, `--data demo:matched|demo:mismatched` and `--checkpoints DIR` (training
// dynamics) in headscope-cli, on a small demo folder the test writes (HEADSCOPE_DEMO_DIR points
// the CLI at it): the series' numbers equal the single-model command's on each checkpoint.
#include "cli_process.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"

#include <QDir>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace clitest;
using namespace headscope::testing;

class TestCliDemo : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_demo;

    CliRun run(const QStringList& args)
    {
        CliRun r;
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEADSCOPE_DEMO_DIR"), m_demo);
        p.setProcessEnvironment(env);
        p.start(cliBinary(), args + QStringList{QStringLiteral("--batch-size"), QStringLiteral("8"),
                                                QStringLiteral("--json"), QStringLiteral("-")});
        if (!p.waitForStarted(60000) || !p.waitForFinished(600000)) return r;
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        const QJsonDocument doc = QJsonDocument::fromJson(r.out);
        r.jsonOk = doc.isObject();
        r.json = doc.object();
        return r;
    }

    static QJsonArray scores(const QJsonObject& importance)
    {
        return importance[QStringLiteral("scores")][QStringLiteral("encoder_self")].toArray();
    }

private slots:
    void initTestCase()
    {
        if (!QFileInfo::exists(cliBinary())) QFAIL(qPrintable(cliBinary() + QStringLiteral(" is not built")));
        QVERIFY(m_dir.isValid());
        m_demo = m_dir.filePath(QStringLiteral("demo"));
        TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 2;
        spec.weightScale = 0.6f;
        for (int epoch = 1; epoch <= 2; ++epoch) {
            spec.seed = uint64_t(epoch);
            writeTinyBert(QDir(m_demo).filePath(QStringLiteral("checkpoints/epoch-%1").arg(epoch)).toStdString(), spec);
        }
        writeTinyBert(QDir(m_demo).filePath(QStringLiteral("model")).toStdString(), spec);
        QVERIFY(QDir(m_demo).mkpath(QStringLiteral("data")));
        writeTinyDataset(QDir(m_demo).filePath(QStringLiteral("data/dev_matched.tsv")).toStdString(), 16, false, 3);
        writeTinyDataset(QDir(m_demo).filePath(QStringLiteral("data/dev_mismatched.tsv")).toStdString(), 20, false, 4);
    }

    void demoNamesResolve()
    {
        const CliRun r = run({QStringLiteral("eval"), QStringLiteral("--model"), QStringLiteral("demo"),
                              QStringLiteral("--data"), QStringLiteral("demo:mismatched")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.json[QStringLiteral("model")][QStringLiteral("path")].toString().endsWith(QStringLiteral("demo/model")));
        QVERIFY(r.json[QStringLiteral("data")][QStringLiteral("path")].toString().endsWith(
            QStringLiteral("data/dev_mismatched.tsv")));
        QCOMPARE(r.json[QStringLiteral("data")][QStringLiteral("n")].toInt(), 20);

        const CliRun bad = run({QStringLiteral("eval"), QStringLiteral("--model"), QStringLiteral("demo"),
                                QStringLiteral("--data"), QStringLiteral("demo:other")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("demo:other"));
    }

    void importanceOverCheckpointsEqualsEachModel()
    {
        const CliRun r = run({QStringLiteral("importance"), QStringLiteral("--checkpoints"), QStringLiteral("demo"),
                              QStringLiteral("--data"), QStringLiteral("demo:matched")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray list =
            r.json[QStringLiteral("results")][QStringLiteral("checkpoints")][QStringLiteral("checkpoints")].toArray();
        QCOMPARE(list.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const QJsonObject c = list[i].toObject();
            QCOMPARE(c[QStringLiteral("epoch")].toInt(), i + 1);
            QVERIFY(!c.contains(QStringLiteral("prune_curves")));
            const CliRun one = run({QStringLiteral("importance"), QStringLiteral("--model"),
                                    c[QStringLiteral("path")].toString(), QStringLiteral("--data"),
                                    QDir(m_demo).filePath(QStringLiteral("data/dev_matched.tsv"))});
            QVERIFY2(one.exitCode == 0, one.err.constData());
            QCOMPARE(scores(c[QStringLiteral("importance")].toObject()),
                     scores(one.json[QStringLiteral("results")][QStringLiteral("importance")].toObject()));
        }
        QVERIFY(r.err.contains("epoch-2"));
    }

    void curvesOverCheckpoints()
    {
        const CliRun r = run({QStringLiteral("prune-curve"), QStringLiteral("--checkpoints"),
                              QDir(m_demo).filePath(QStringLiteral("checkpoints")), QStringLiteral("--data"),
                              QStringLiteral("demo:matched"), QStringLiteral("--step"), QStringLiteral("50")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray list =
            r.json[QStringLiteral("results")][QStringLiteral("checkpoints")][QStringLiteral("checkpoints")].toArray();
        QCOMPARE(list.size(), 2);
        for (const QJsonValue& c : list) {
            const QJsonArray points = c[QStringLiteral("prune_curves")][QStringLiteral("curves")]
                                          .toArray()[0][QStringLiteral("points")].toArray();
            QCOMPARE(points.size(), 3); // 0, 50, 100 %
            QCOMPARE(points[2][QStringLiteral("n_pruned")].toInt(), 4);
        }
    }

    // The shipped translation demo's eight checkpoints: epoch order, BLEU per checkpoint equal
    // to the single-model eval of that checkpoint, each checkpoint's curve starting from it.
    void translationCheckpointSeries()
    {
        const QStringList data{QStringLiteral("--src"), QStringLiteral("demo:test"), QStringLiteral("--ref"),
                               QStringLiteral("demo:test"), QStringLiteral("--limit"), QStringLiteral("20")};
        const CliRun r = run(QStringList{QStringLiteral("prune-curve"), QStringLiteral("--checkpoints"),
                                         QStringLiteral("demo-translation"), QStringLiteral("--curves"),
                                         QStringLiteral("all"), QStringLiteral("--step"), QStringLiteral("50")} +
                             data);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject series = r.json[QStringLiteral("results")][QStringLiteral("checkpoints")].toObject();
        QCOMPARE(series[QStringLiteral("n")].toInt(), 20);
        const QJsonArray list = series[QStringLiteral("checkpoints")].toArray();
        QCOMPARE(list.size(), 8);
        for (int i = 0; i < list.size(); ++i) {
            const QJsonObject c = list[i].toObject();
            QCOMPARE(c[QStringLiteral("epoch")].toInt(), i + 1);
            const QJsonObject scores = c[QStringLiteral("importance")][QStringLiteral("scores")].toObject();
            for (const char* type : {"encoder_self", "encoder_decoder", "decoder_self"}) {
                QCOMPARE(scores[QLatin1String(type)].toArray().size(), 6);
                QCOMPARE(scores[QLatin1String(type)].toArray()[0].toArray().size(), 8);
            }
            const QJsonArray points =
                c[QStringLiteral("prune_curves")][QStringLiteral("curves")].toArray()[0][QStringLiteral("points")].toArray();
            QCOMPARE(points.size(), 3);
            QCOMPARE(points[0][QStringLiteral("bleu")].toDouble(), c[QStringLiteral("bleu")].toDouble());
            QCOMPARE(points[2][QStringLiteral("n_pruned")].toInt(), 144);
        }
        // The first and last checkpoints against eval on each folder alone.
        for (int i : {0, 7}) {
            const QJsonObject c = list[i].toObject();
            const CliRun one = run(QStringList{QStringLiteral("eval"), QStringLiteral("--model"),
                                               c[QStringLiteral("path")].toString()} +
                                   data);
            QVERIFY2(one.exitCode == 0, one.err.constData());
            const double bleu = one.json[QStringLiteral("results")][QStringLiteral("translation")][QStringLiteral("bleu")]
                                    [QStringLiteral("score")].toDouble();
            QCOMPARE(c[QStringLiteral("bleu")].toDouble(), bleu);
        }
        // Training helped: the last checkpoint translates better than the first.
        QVERIFY(list[7][QStringLiteral("bleu")].toDouble() > list[0][QStringLiteral("bleu")].toDouble() + 10.0);

        // Classifier data for translation checkpoints is refused by name.
        const CliRun wrong = run({QStringLiteral("importance"), QStringLiteral("--checkpoints"),
                                  QStringLiteral("demo-translation"), QStringLiteral("--data"),
                                  QStringLiteral("demo:matched")});
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains("translation model"), wrong.err.constData());
    }

    void badSeriesArguments()
    {
        const CliRun both = run({QStringLiteral("importance"), QStringLiteral("--model"), QStringLiteral("demo"),
                                 QStringLiteral("--checkpoints"), QStringLiteral("demo"), QStringLiteral("--data"),
                                 QStringLiteral("demo:matched")});
        QCOMPARE(both.exitCode, 2);
        const QString missing = m_dir.filePath(QStringLiteral("no-such-run"));
        const CliRun none = run({QStringLiteral("importance"), QStringLiteral("--checkpoints"), missing,
                                 QStringLiteral("--data"), QStringLiteral("demo:matched")});
        QCOMPARE(none.exitCode, 3);
        QVERIFY(none.err.contains(missing.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TestCliDemo)
#include "tst_cli_demo.moc"
