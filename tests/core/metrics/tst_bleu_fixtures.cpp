// BLEU against sacreBLEU 2.6.0's own numbers (../shared/fixtures/bleu, see its README): corpus
// score, precisions, counts, totals, bp, sys_len, ref_len and sentence BLEU for every json file
// there, plus the tokenized lines sacreBLEU recorded.
#include "metrics/bleu.h"
#include "metrics/bleu_scorer.h"
#include "metrics/text_lines.h"

#include <QtTest>

#include <cmath>

using namespace headscope::core;

namespace {

constexpr double kTol = 1e-6;

QString fixtureDir() { return QDir(QStringLiteral(HEADSCOPE_FIXTURES_DIR)).filePath(QStringLiteral("bleu")); }

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// "nrefs:2|case:lc|eff:no|tok:none|smooth:exp|version:2.6.0" -> the fields before version.
QString withoutVersion(const QString& signature)
{
    QStringList parts = signature.split(QLatin1Char('|'));
    if (!parts.isEmpty() && parts.last().startsWith(QLatin1String("version:"))) parts.removeLast();
    return parts.join(QLatin1Char('|'));
}

bool near(double a, double b) { return std::fabs(a - b) <= kTol; }

// Compares one sacreBLEU score object (corpus or sentence) with ours; returns a message or "".
QString compareScore(const QJsonObject& expected, const BleuScore& got)
{
    QStringList problems;
    if (!near(got.score, expected.value(QLatin1String("score")).toDouble()))
        problems << QStringLiteral("score %1 vs %2").arg(got.score, 0, 'g', 17).arg(expected.value(QLatin1String("score")).toDouble(), 0, 'g', 17);
    if (!near(got.bp, expected.value(QLatin1String("bp")).toDouble()))
        problems << QStringLiteral("bp %1 vs %2").arg(got.bp, 0, 'g', 17).arg(expected.value(QLatin1String("bp")).toDouble(), 0, 'g', 17);
    if (!near(got.ratio, expected.value(QLatin1String("ratio")).toDouble())) problems << QStringLiteral("ratio");
    if (got.sysLen != expected.value(QLatin1String("sys_len")).toInteger()) problems << QStringLiteral("sys_len %1").arg(got.sysLen);
    if (got.refLen != expected.value(QLatin1String("ref_len")).toInteger()) problems << QStringLiteral("ref_len %1").arg(got.refLen);
    const QJsonArray p = expected.value(QLatin1String("precisions")).toArray();
    const QJsonArray c = expected.value(QLatin1String("counts")).toArray();
    const QJsonArray t = expected.value(QLatin1String("totals")).toArray();
    if (p.size() != kBleuMaxOrder || c.size() != kBleuMaxOrder || t.size() != kBleuMaxOrder)
        problems << QStringLiteral("fixture arrays are not of length 4");
    for (int n = 0; n < kBleuMaxOrder && n < p.size(); ++n) {
        if (!near(got.precisions[n], p[n].toDouble()))
            problems << QStringLiteral("precision %1: %2 vs %3").arg(n + 1).arg(got.precisions[n], 0, 'g', 17).arg(p[n].toDouble(), 0, 'g', 17);
        if (got.counts[n] != c[n].toInteger()) problems << QStringLiteral("count %1: %2 vs %3").arg(n + 1).arg(got.counts[n]).arg(c[n].toInteger());
        if (got.totals[n] != t[n].toInteger()) problems << QStringLiteral("total %1: %2 vs %3").arg(n + 1).arg(got.totals[n]).arg(t[n].toInteger());
    }
    return problems.join(QStringLiteral("; "));
}

struct Case
{
    QString file;
    QStringList refs;
    BleuParams params;
};

std::vector<Case> cases()
{
    BleuParams p13a;
    BleuParams intl;
    intl.tokenizer = BleuTokenizer::Intl;
    BleuParams noneLc;
    noneLc.tokenizer = BleuTokenizer::None;
    noneLc.lowercase = true;
    const QString r1 = QStringLiteral("ref.txt"), r2 = QStringLiteral("ref2.txt");
    return {
        {QStringLiteral("bleu_13a_1ref.json"), {r1}, p13a},
        {QStringLiteral("bleu_13a_2ref.json"), {r1, r2}, p13a},
        {QStringLiteral("bleu_intl_2ref.json"), {r1, r2}, intl},
        {QStringLiteral("bleu_none_1ref_lc.json"), {r1}, noneLc},
    };
}

} // namespace

class TestBleuFixtures : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyJsonIsCovered();
    void corpusAndSentences_data();
    void corpusAndSentences();
};

void TestBleuFixtures::initTestCase()
{
    if (!QFileInfo::exists(QDir(fixtureDir()).filePath(QStringLiteral("hyp.txt"))))
        QSKIP("BLEU fixtures not found (HEADSCOPE_FIXTURES_DIR/bleu is absent)");
}

void TestBleuFixtures::everyJsonIsCovered()
{
    QStringList known;
    for (const Case& c : cases()) known << c.file;
    const QStringList present = QDir(fixtureDir()).entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(!present.isEmpty());
    for (const QString& f : present)
        QVERIFY2(known.contains(f), qPrintable(QStringLiteral("no test case for fixture %1").arg(f)));
}

void TestBleuFixtures::corpusAndSentences_data()
{
    QTest::addColumn<int>("index");
    const auto all = cases();
    for (int i = 0; i < int(all.size()); ++i) QTest::newRow(qPrintable(all[i].file)) << i;
}

void TestBleuFixtures::corpusAndSentences()
{
    QFETCH(int, index);
    const Case c = cases()[size_t(index)];
    const QDir dir(fixtureDir());
    const QJsonObject fx = readJson(dir.filePath(c.file));
    QVERIFY2(!fx.isEmpty(), qPrintable(c.file));

    std::vector<std::string> refPaths;
    for (const QString& r : c.refs) refPaths.push_back(dir.filePath(r).toStdString());
    const auto result = bleuFromFiles(dir.filePath(QStringLiteral("hyp.txt")).toStdString(), refPaths, c.params, "0.1.0");
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());

    QCOMPARE(result->nRefs, fx.value(QLatin1String("n_refs")).toInt());
    QCOMPARE(qsizetype(result->segments.size()), qsizetype(fx.value(QLatin1String("n_segments")).toInt()));

    const QJsonObject corpus = fx.value(QLatin1String("corpus")).toObject();
    const QString problems = compareScore(corpus, result->corpus);
    QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("corpus: ") + problems));
    QCOMPARE(withoutVersion(QString::fromStdString(result->signature)),
             withoutVersion(corpus.value(QLatin1String("signature")).toString()));
    QVERIFY(result->signature.find("|version:0.1.0") != std::string::npos);
    QCOMPARE(withoutVersion(QString::fromStdString(bleuSignature(c.params, result->nRefs, "0.1.0", true))),
             withoutVersion(fx.value(QLatin1String("sentence_signature")).toString()));

    const QJsonArray sentences = fx.value(QLatin1String("sentences")).toArray();
    QCOMPARE(qsizetype(sentences.size()), qsizetype(result->segments.size()));
    for (int i = 0; i < sentences.size(); ++i) {
        const QString p = compareScore(sentences[i].toObject(), sentenceBleu(result->segments[size_t(i)], c.params));
        QVERIFY2(p.isEmpty(), qPrintable(QStringLiteral("sentence %1: %2").arg(i).arg(p)));
    }

    // The tokenized lines sacreBLEU recorded (the first few hypotheses and references).
    const auto hyps = readTextLines(dir.filePath(QStringLiteral("hyp.txt")).toStdString());
    QVERIFY(hyps.ok());
    const QJsonObject tok = fx.value(QLatin1String("tokenized")).toObject();
    const QJsonArray tokHyp = tok.value(QLatin1String("hyp")).toArray();
    for (int i = 0; i < tokHyp.size(); ++i) {
        QStringList words;
        for (const std::string& w : bleuTokens(hyps.value()[size_t(i)], c.params)) words << QString::fromStdString(w);
        // sacreBLEU records the lowercased line for lc; tokens are what BLEU splits it into.
        QCOMPARE(words.join(QLatin1Char(' ')), tokHyp[i].toString().split(QLatin1Char(' '), Qt::SkipEmptyParts).join(QLatin1Char(' ')));
    }
    const QJsonArray tokRefs = tok.value(QLatin1String("refs")).toArray();
    for (int i = 0; i < tokRefs.size(); ++i) {
        const QJsonArray perRef = tokRefs[i].toArray();
        for (int k = 0; k < perRef.size(); ++k) {
            const auto lines = readTextLines(refPaths[size_t(k)]);
            QVERIFY(lines.ok());
            QStringList words;
            for (const std::string& w : bleuTokens(lines.value()[size_t(i)], c.params)) words << QString::fromStdString(w);
            QCOMPARE(words.join(QLatin1Char(' ')), perRef[k].toString().split(QLatin1Char(' '), Qt::SkipEmptyParts).join(QLatin1Char(' ')));
        }
    }

    // The scorer gives the same statistics when references are cached once (many systems).
    std::vector<std::vector<std::string>> refs;
    for (const std::string& p : refPaths) refs.push_back(readTextLines(p).value());
    const auto scorer = BleuScorer::create(refs, c.params);
    QVERIFY(scorer.ok());
    BleuStats partial;
    for (size_t i = 0; i < hyps->size(); ++i) partial += scorer->segmentStats(i, hyps.value()[i]);
    QCOMPARE(computeBleu(partial, c.params).score, result->corpus.score);
}

QTEST_GUILESS_MAIN(TestBleuFixtures)
#include "tst_bleu_fixtures.moc"
