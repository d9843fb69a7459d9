// `headscope-cli eval --stream / --sample / --stop-width` on a tiny model the test writes: the
// JSON lines (baseline first, then the masked run with the paired change), the final document,
// and agreement with a plain `eval` (the streaming order changes no final number).
#include "cli_process.h"
#include "tiny_bert_writer.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace clitest;
using namespace headscope::testing;

namespace {

QList<QJsonObject> jsonLines(const QByteArray& out)
{
    QList<QJsonObject> lines;
    for (const QByteArray& line : out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        lines.push_back(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

} // namespace

class TestCliStream : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_model, m_data, m_mask;

    QStringList base(const QString& json) const
    {
        return {QStringLiteral("eval"), QStringLiteral("--model"), m_model, QStringLiteral("--data"), m_data,
                QStringLiteral("--batch-size"), QStringLiteral("4"), QStringLiteral("--json"), json};
    }
    QJsonObject readDoc(const QString& path) const { return readJsonObject(path); }

private slots:
    void initTestCase()
    {
        if (!QFileInfo::exists(cliBinary())) QFAIL(qPrintable(cliBinary() + QStringLiteral(" is not built")));
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("model"));
        m_data = m_dir.filePath(QStringLiteral("data.tsv"));
        m_mask = m_dir.filePath(QStringLiteral("mask.json"));
        TinyBertSpec spec;
        spec.nLayers = 3;
        spec.nHeads = 4;
        spec.seed = 17;
        spec.weightScale = 0.6f;
        writeTinyBert(m_model.toStdString(), spec);
        writeTinyDataset(m_data.toStdString(), 80, false, 5);
        QVERIFY(writeMaskJson(m_mask, QJsonObject{{QStringLiteral("0"), QJsonArray{0, 1, 2}}, {QStringLiteral("2"), QJsonArray{3}}}, 3, 4));
    }

    void streamPairsTheMaskWithABaseline()
    {
        const QString json = m_dir.filePath(QStringLiteral("stream.json"));
        const CliRun r = runCli(base(json) + QStringList{QStringLiteral("--mask"), m_mask, QStringLiteral("--stream")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QJsonObject> lines = jsonLines(r.out);
        QList<QJsonObject> baseline, masked;
        for (const auto& l : lines)
            (l[QStringLiteral("phase")].toString() == QStringLiteral("baseline") ? baseline : masked).push_back(l);
        QCOMPARE(baseline.size(), 20); // 80 examples in batches of 4
        QCOMPARE(masked.size(), 20);
        QCOMPARE(lines.first()[QStringLiteral("phase")].toString(), QStringLiteral("baseline"));
        int last = 0;
        for (const auto& l : masked) {
            const int done = l[QStringLiteral("done")].toInt();
            QVERIFY(done > last);
            last = done;
            const QJsonObject d = l[QStringLiteral("delta")].toObject();
            QVERIFY(!d.isEmpty());
            QVERIFY(d[QStringLiteral("low")].toDouble() <= d[QStringLiteral("high")].toDouble());
            QCOMPARE(l[QStringLiteral("total")].toInt(), 80);
        }
        QVERIFY(baseline.last()[QStringLiteral("delta")].isNull());

        const QJsonObject doc = readDoc(json);
        const QJsonObject eval = doc[QStringLiteral("results")].toObject()[QStringLiteral("evaluation")].toObject();
        const double acc = eval[QStringLiteral("accuracy")].toObject()[QStringLiteral("value")].toDouble();
        const double baseAcc = doc[QStringLiteral("baseline_accuracy")].toObject()[QStringLiteral("value")].toDouble();
        const QJsonObject finalDelta = masked.last()[QStringLiteral("delta")].toObject();
        QVERIFY(finalDelta[QStringLiteral("exact")].toBool());
        QVERIFY(std::fabs(finalDelta[QStringLiteral("value")].toDouble() - (acc - baseAcc)) < 1e-12);
        QCOMPARE(finalDelta[QStringLiteral("low")].toDouble(), finalDelta[QStringLiteral("high")].toDouble());
        QCOMPARE(eval[QStringLiteral("stream")].toObject(), [&] {
            QJsonObject l = masked.last();
            l.remove(QStringLiteral("phase"));
            return l;
        }());
        QCOMPARE(eval[QStringLiteral("coverage")].toString(), QStringLiteral("all"));

        // A plain evaluation (by-length order, no stream) gives the same final numbers.
        const QString plainJson = m_dir.filePath(QStringLiteral("plain.json"));
        const CliRun plain = runCli(base(plainJson) + QStringList{QStringLiteral("--mask"), m_mask});
        QVERIFY2(plain.exitCode == 0, plain.err.constData());
        const QJsonObject plainEval =
            readDoc(plainJson)[QStringLiteral("results")].toObject()[QStringLiteral("evaluation")].toObject();
        QCOMPARE(plainEval[QStringLiteral("predictions")], eval[QStringLiteral("predictions")]);
        QCOMPARE(plainEval[QStringLiteral("accuracy")].toObject()[QStringLiteral("n_correct")],
                 eval[QStringLiteral("accuracy")].toObject()[QStringLiteral("n_correct")]);
        QVERIFY(plain.out.isEmpty()); // nothing on stdout without --stream or --json -
    }

    void sampleAndStopWidth()
    {
        const QString json = m_dir.filePath(QStringLiteral("sample.json"));
        const CliRun r = runCli(base(json) + QStringList{QStringLiteral("--sample"), QStringLiteral("30")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject eval =
            readDoc(json)[QStringLiteral("results")].toObject()[QStringLiteral("evaluation")].toObject();
        QCOMPARE(eval[QStringLiteral("coverage")].toString(), QStringLiteral("sample"));
        QCOMPARE(eval[QStringLiteral("accuracy")].toObject()[QStringLiteral("n")].toInt(), 30);
        QCOMPARE(eval[QStringLiteral("stream")].toObject()[QStringLiteral("population")].toInt(), 80);
        QVERIFY(r.err.contains("sample: 30 of 80 examples"));

        const QString stopJson = m_dir.filePath(QStringLiteral("stop.json"));
        const CliRun s = runCli(base(stopJson) + QStringList{QStringLiteral("--stop-width"), QStringLiteral("40")});
        QVERIFY2(s.exitCode == 0, s.err.constData());
        const QJsonObject stopped =
            readDoc(stopJson)[QStringLiteral("results")].toObject()[QStringLiteral("evaluation")].toObject();
        QCOMPARE(stopped[QStringLiteral("coverage")].toString(), QStringLiteral("interval"));
        const QJsonObject est = stopped[QStringLiteral("stream")].toObject()[QStringLiteral("accuracy_estimate")].toObject();
        QVERIFY(est[QStringLiteral("high")].toDouble() - est[QStringLiteral("low")].toDouble() < 0.40);
        QVERIFY(stopped[QStringLiteral("accuracy")].toObject()[QStringLiteral("n")].toInt() < 80);

        const CliRun bad = runCli(base(json) + QStringList{QStringLiteral("--sample"), QStringLiteral("0")});
        QCOMPARE(bad.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliStream)
#include "tst_cli_stream.moc"
