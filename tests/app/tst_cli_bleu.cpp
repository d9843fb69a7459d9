// headscope-cli bleu against sacreBLEU 2.6.0's own figures (../shared/fixtures/bleu): the score,
// precisions, counts, totals, brevity penalty and lengths to 1e-6, and the signature's fields.
#include "cli_process.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace clitest;

class TestCliBleu : public QObject
{
    Q_OBJECT

private:
    static QString bleuDir() { return fixturesDir() + QStringLiteral("/bleu"); }

private slots:
    void matchesSacreBleu_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QStringList>("args");
        const QString ref = bleuDir() + QStringLiteral("/ref.txt"), ref2 = bleuDir() + QStringLiteral("/ref2.txt");
        QTest::newRow("13a 1 ref") << QStringLiteral("bleu_13a_1ref.json") << QStringList{QStringLiteral("--ref"), ref};
        QTest::newRow("13a 2 refs") << QStringLiteral("bleu_13a_2ref.json")
                                    << QStringList{QStringLiteral("--ref"), ref, QStringLiteral("--ref"), ref2};
        QTest::newRow("intl 2 refs") << QStringLiteral("bleu_intl_2ref.json")
                                     << QStringList{QStringLiteral("--ref"), ref, QStringLiteral("--ref"), ref2,
                                                    QStringLiteral("--tokenize"), QStringLiteral("intl")};
        QTest::newRow("none, lowercase") << QStringLiteral("bleu_none_1ref_lc.json")
                                         << QStringList{QStringLiteral("--ref"), ref, QStringLiteral("--tokenize"),
                                                        QStringLiteral("none"), QStringLiteral("--lowercase")};
    }

    void matchesSacreBleu()
    {
        QFETCH(QString, fixture);
        QFETCH(QStringList, args);
        const QJsonObject expected = readJsonObject(bleuDir() + QLatin1Char('/') + fixture);
        if (expected.isEmpty()) QSKIP("sacreBLEU fixtures absent (HEADSCOPE_FIXTURES_DIR/bleu)");
        const CliRun r = runCli(QStringList{QStringLiteral("bleu"), QStringLiteral("--hyp"),
                                            bleuDir() + QStringLiteral("/hyp.txt"), QStringLiteral("--json"),
                                            QStringLiteral("-")} +
                                args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject bleu = r.json[QStringLiteral("results")][QStringLiteral("bleu")].toObject();
        const QJsonObject corpus = expected[QStringLiteral("corpus")].toObject();
        for (const char* key : {"score", "bp", "ratio", "sys_len", "ref_len"})
            QVERIFY2(std::fabs(bleu[QLatin1String(key)].toDouble() - corpus[QLatin1String(key)].toDouble()) < 1e-6, key);
        for (const char* key : {"precisions", "counts", "totals"})
            for (int n = 0; n < 4; ++n)
                QVERIFY2(std::fabs(bleu[QLatin1String(key)].toArray()[n].toDouble() -
                                   corpus[QLatin1String(key)].toArray()[n].toDouble()) < 1e-6,
                         key);
        // The signature's fields, all but the program's version.
        QString mine = bleu[QStringLiteral("signature")].toString(), theirs = corpus[QStringLiteral("signature")].toString();
        mine.truncate(mine.lastIndexOf(QStringLiteral("|version:")));
        theirs.truncate(theirs.lastIndexOf(QStringLiteral("|version:")));
        QCOMPARE(mine, theirs);
    }

    void lineCountsMustAgree()
    {
        QTemporaryDir dir;
        const QString hyp = dir.filePath(QStringLiteral("hyp.txt")), ref = dir.filePath(QStringLiteral("ref.txt"));
        QFile h(hyp), f(ref);
        QVERIFY(h.open(QIODevice::WriteOnly) && f.open(QIODevice::WriteOnly));
        h.write("a b c\nd e f\n");
        f.write("a b c\n");
        h.close();
        f.close();
        const CliRun r = runCli({QStringLiteral("bleu"), QStringLiteral("--hyp"), hyp, QStringLiteral("--ref"), ref});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains(ref.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(TestCliBleu)
#include "tst_cli_bleu.moc"
