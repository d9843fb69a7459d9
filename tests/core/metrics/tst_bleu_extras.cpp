// chrF, the paper's tokenized BLEU, paired bootstrap and reading text files, on hand-worked
// cases (arithmetic checked with python3's math and fractions modules).
#include "metrics/bleu.h"
#include "metrics/bleu_scorer.h"
#include "metrics/chrf.h"
#include "metrics/paired_bootstrap.h"
#include "metrics/text_lines.h"
#include "metrics/tokenized_bleu.h"

#include <QtTest>

#include <cmath>

using namespace headscope::core;

namespace {

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A small corpus with a spread of sentence BLEU so that resamples differ.
std::vector<std::string> refLines()
{
    return {"the cat sat on the mat", "a dog barked at the postman today", "prices rose by three percent",
            "he said he would come tomorrow", "the house is small", "we walked along the river",
            "she reads a book every week", "the train was late again", "they sold the old car",
            "it rained all day long", "my brother lives in paris", "the meeting starts at noon"};
}

std::vector<std::string> systemLines()
{
    return {"the cat sat on a mat", "a dog barked at the postman", "prices went up by three percent",
            "he said he will come tomorrow", "the house is small", "we walked by the river",
            "she reads one book each week", "the train was late", "they sold their old car",
            "it rained the whole day", "my brother lives in paris", "the meeting begins at noon"};
}

} // namespace

class TestBleuExtras : public QObject
{
    Q_OBJECT

private slots:
    void chrfTiny();
    void chrfPlusPlus();
    void chrfSeveralReferencesAndSignature();
    void tokenizedBleu();
    void bootstrapDeterministic();
    void bootstrapIdenticalSystems();
    void bootstrapAgainstEmptySystem();
    void bootstrapSingleSegment();
    void bootstrapBadInput();
    void readTextLinesAsSacrebleu();
    void filesWithDifferentLineCounts();
    void missingAndInvalidFiles();
};

void TestBleuExtras::chrfTiny()
{
    // "abc" vs "abd", char order 2: 1-grams 2/3 precision and recall, 2-grams {ab} 1/2.
    // avg P = avg R = (2/3 + 1/2)/2 = 7/12; F2 = 5PR/(4P+R) = 7/12 -> 58.333...
    ChrfParams p;
    p.charOrder = 2;
    auto r = corpusChrf({"abc"}, {{"abd"}}, p, "x");
    QVERIFY(r.ok());
    QVERIFY(std::fabs(r->score - 100.0 * 7.0 / 12.0) < 1e-9);
    QCOMPARE(r->segments[0], (ChrfStats{3, 3, 2, 2, 2, 1}));
    // Default order 6: order 3 has one n-gram each side, no match (counted, P = R = 0); orders
    // 4..6 have none and are left out: avg = (2/3 + 1/2 + 0)/3 = 7/18 -> 38.888...
    // Whitespace is removed before counting characters ("a bc" == "abc").
    auto d = corpusChrf({"a bc"}, {{"abd"}}, ChrfParams{}, "x");
    QVERIFY(std::fabs(d->score - 100.0 * 7.0 / 18.0) < 1e-9);
    QCOMPARE(d->name, std::string("chrF2"));
    QCOMPARE(corpusChrf({"same text"}, {{"same text"}}, ChrfParams{}, "x")->score, 100.0);
    QCOMPARE(corpusChrf({""}, {{"abc"}}, ChrfParams{}, "x")->score, 0.0);
}

void TestBleuExtras::chrfPlusPlus()
{
    // char order 1, word order 2: hyp "a cat" vs ref "a cat." (the final period splits off:
    // words [a, cat, .]). chars: 4 hyp, 5 ref, 4 match -> P 1, R 4/5; words: P 1, R 2/3;
    // word bigrams {"a cat"} vs {"a cat", "cat ."}: P 1, R 1/2.
    // avg P = 1, avg R = (4/5 + 2/3 + 1/2)/3; F2 = 5PR/(4P+R) = 70.40572792362768
    ChrfParams p;
    p.charOrder = 1;
    p.wordOrder = 2;
    auto r = corpusChrf({"a cat"}, {{"a cat."}}, p, "x");
    QVERIFY(r.ok());
    QVERIFY(std::fabs(r->score - 70.40572792362768) < 1e-9);
    QCOMPARE(r->name, std::string("chrF2++"));
}

void TestBleuExtras::chrfSeveralReferencesAndSignature()
{
    // The best reference (by sentence F) is used: an exact second reference gives 100.
    auto r = corpusChrf({"abc"}, {{"xyz"}, {"abc"}}, ChrfParams{}, "0.1.0");
    QVERIFY(r.ok());
    QCOMPARE(r->score, 100.0);
    QCOMPARE(r->signature, std::string("nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:0.1.0"));
    QVERIFY(!corpusChrf({"a", "b"}, {{"a"}}, ChrfParams{}, "x").ok());
    // Lowercase: "ABC" vs "abc" -> 100.
    ChrfParams lc;
    lc.lowercase = true;
    QCOMPARE(corpusChrf({"ABC"}, {{"abc"}}, lc, "x")->score, 100.0);
}

void TestBleuExtras::tokenizedBleu()
{
    // multi-bleu.perl: "The" does not match "the" (no lowercasing): 6/7, 5/6, 4/5, 3/4, bp 1
    // -> 100 * (3/7)^(1/4) = 80.91067115702212; with -lc every n-gram matches -> 100.
    const std::vector<std::string> hyp{"The cat sat on the mat ."};
    const std::vector<std::vector<std::string>> ref{{"the cat sat on the mat ."}};
    auto r = headscope::core::tokenizedBleu(hyp, ref, false);
    QVERIFY(r.ok());
    QVERIFY(std::fabs(r->corpus.score - 80.91067115702212) < 1e-9);
    QVERIFY(std::fabs(headscope::core::tokenizedBleu(hyp, ref, true)->corpus.score - 100.0) < 1e-9);
    // No smoothing: two words have no trigram, so BLEU is 0.
    QCOMPARE(headscope::core::tokenizedBleu({"a b"}, {{"a b"}})->corpus.score, 0.0);
    // Pre-tokenized text is split on ASCII whitespace only: "a\u00a0b" is one word.
    QCOMPARE(headscope::core::tokenizedBleu({"a\u00a0b c"}, {{"x"}})->corpus.sysLen, int64_t(2));
    // No retokenization: "mat." stays one word and does not match "mat .".
    QCOMPARE(headscope::core::tokenizedBleu({"the mat."}, {{"the mat ."}})->corpus.counts[0], int64_t(1));
    QVERIFY(!headscope::core::tokenizedBleu({"a"}, {{"a", "b"}}).ok());
}

void TestBleuExtras::bootstrapDeterministic()
{
    const BleuParams params;
    const auto scorer = BleuScorer::create({refLines()}, params);
    QVERIFY(scorer.ok());
    std::vector<std::string> weaker = systemLines();
    for (size_t i = 0; i < weaker.size(); i += 2) weaker[i] = "the";
    const auto base = scorer->corpusStats(weaker);
    const auto sys = scorer->corpusStats(systemLines());
    QVERIFY(base.ok() && sys.ok());
    const auto a = pairedBootstrapBleu(*base, *sys, params);
    const auto b = pairedBootstrapBleu(*base, *sys, params);
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a->nResamples, 1000);
    QCOMPARE(a->seed, uint64_t(12345));
    QCOMPARE(a->pValue, b->pValue);
    QCOMPARE(a->deltaInterval.low, b->deltaInterval.low);
    QCOMPARE(a->deltaInterval.high, b->deltaInterval.high);
    QCOMPARE(a->systemMean, b->systemMean);
    // The observed delta is the difference of the two corpus scores.
    QCOMPARE(a->systemScore, scorer->score(systemLines(), "x")->corpus.score);
    QCOMPARE(a->delta, a->systemScore - a->baselineScore);
    QVERIFY(a->deltaInterval.low <= a->deltaInterval.high);
    // Another seed draws other resamples.
    PairedBootstrapParams other;
    other.seed = 7;
    const auto c = pairedBootstrapBleu(*base, *sys, params, other);
    QVERIFY(c->deltaInterval.low != a->deltaInterval.low || c->deltaInterval.high != a->deltaInterval.high ||
            c->systemMean != a->systemMean);
}

void TestBleuExtras::bootstrapIdenticalSystems()
{
    // Identical systems: every resampled delta is 0, the centred statistic is 0 >= |0| in all
    // 1000 resamples -> p = (1000 + 1)/(1000 + 1) = 1, interval [0, 0].
    const BleuParams params;
    const auto scorer = BleuScorer::create({refLines()}, params);
    const auto stats = scorer->corpusStats(systemLines());
    const auto r = pairedBootstrapBleu(*stats, *stats, params);
    QVERIFY(r.ok());
    QCOMPARE(r->pValue, 1.0);
    QCOMPARE(r->delta, 0.0);
    QCOMPARE(r->deltaInterval.low, 0.0);
    QCOMPARE(r->deltaInterval.high, 0.0);
}

void TestBleuExtras::bootstrapAgainstEmptySystem()
{
    // Against empty output (BLEU 0 on every resample) |d_b| is the system's resampled BLEU; its
    // centred value exceeds the observed BLEU (> 50) in no resample -> p = 1/1001.
    const BleuParams params;
    const auto scorer = BleuScorer::create({refLines()}, params);
    const auto empty = scorer->corpusStats(std::vector<std::string>(refLines().size()));
    const auto sys = scorer->corpusStats(systemLines());
    const auto r = pairedBootstrapBleu(*empty, *sys, params);
    QVERIFY(r.ok());
    QCOMPARE(r->baselineScore, 0.0);
    QVERIFY(r->systemScore > 30.0);
    QCOMPARE(r->pValue, 1.0 / 1001.0);
    QVERIFY(r->deltaInterval.low > 0.0);
    QVERIFY(r->deltaInterval.low <= r->delta && r->delta <= r->deltaInterval.high);
    QVERIFY(r->systemCi > 0.0);
}

void TestBleuExtras::bootstrapSingleSegment()
{
    // One segment: every resample is that segment, so each delta equals the observed one
    // (interval [delta, delta]), the centred statistic is 0 < |delta| -> p = 1/(n + 1).
    const BleuParams params;
    const auto scorer = BleuScorer::create({{"a b c d e"}}, params);
    const BleuStats base = scorer->segmentStats(0, "a b c x e");
    const BleuStats sys = scorer->segmentStats(0, "a b c d e");
    PairedBootstrapParams bp;
    bp.nResamples = 99;
    const auto r = pairedBootstrapBleu({base}, {sys}, params, bp);
    QVERIFY(r.ok());
    QCOMPARE(r->deltaInterval.low, r->delta);
    QCOMPARE(r->deltaInterval.high, r->delta);
    QCOMPARE(r->pValue, 1.0 / 100.0);
}

void TestBleuExtras::bootstrapBadInput()
{
    const BleuParams params;
    QVERIFY(!pairedBootstrapBleu({BleuStats{}}, {}, params).ok());
    QVERIFY(!pairedBootstrapBleu({}, {}, params).ok());
    PairedBootstrapParams none;
    none.nResamples = 0;
    QVERIFY(!pairedBootstrapBleu({BleuStats{}}, {BleuStats{}}, params, none).ok());
    // Cancel through the progress callback.
    const auto r = pairedBootstrapBleu({BleuStats{}}, {BleuStats{}}, params, {}, [](int64_t, int64_t) { return false; });
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Cancelled);
}

void TestBleuExtras::readTextLinesAsSacrebleu()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("t.txt"));
    // Split on \n only; trailing whitespace (\r, tab, NBSP, ideographic space) stripped, leading
    // kept; a zero-width space (Cf) is not whitespace for Python; last line without \n counts.
    QVERIFY(writeFile(path, QByteArray(" a \r\nb\t\xc2\xa0\n\nc\xe2\x80\x8b\xe3\x80\x80\nd")));
    const auto lines = readTextLines(path.toStdString());
    QVERIFY(lines.ok());
    QCOMPARE(*lines, (std::vector<std::string>{" a", "b", "", "c\xe2\x80\x8b", "d"}));
    QVERIFY(writeFile(path, QByteArray("x\n")));
    QCOMPARE(readTextLines(path.toStdString())->size(), size_t(1));
    QVERIFY(writeFile(path, QByteArray()));
    QCOMPARE(readTextLines(path.toStdString())->size(), size_t(0));
}

void TestBleuExtras::filesWithDifferentLineCounts()
{
    QTemporaryDir dir;
    const QString hyp = dir.filePath(QStringLiteral("hyp.txt"));
    const QString ref = dir.filePath(QStringLiteral("ref.txt"));
    const QString ref2 = dir.filePath(QStringLiteral("ref2.txt"));
    QVERIFY(writeFile(hyp, "a b\nc d\ne f\n"));
    QVERIFY(writeFile(ref, "a b\nc d\ne f\n"));
    QVERIFY(writeFile(ref2, "a b\nc d\n"));
    const auto ok = bleuFromFiles(hyp.toStdString(), {ref.toStdString()}, BleuParams{}, "x");
    QVERIFY(ok.ok());
    QCOMPARE(ok->segments.size(), size_t(3));
    const auto r = bleuFromFiles(hyp.toStdString(), {ref.toStdString(), ref2.toStdString()}, BleuParams{}, "x");
    QVERIFY(!r.ok());
    QCOMPARE(r.error().path, ref2.toStdString());
    QCOMPARE(r.error().code, ErrorCode::InvalidFile);
    QVERIFY2(r.error().message.find("2 lines") != std::string::npos && r.error().message.find("has 3") != std::string::npos,
             r.error().message.c_str());
    QVERIFY(r.error().toString().find("ref2.txt") != std::string::npos);
    QVERIFY(!bleuFromFiles(hyp.toStdString(), {}, BleuParams{}, "x").ok());
}

void TestBleuExtras::missingAndInvalidFiles()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("nope.txt"));
    const auto m = readTextLines(missing.toStdString());
    QVERIFY(!m.ok());
    QCOMPARE(m.error().code, ErrorCode::FileNotFound);
    QCOMPARE(m.error().path, missing.toStdString());
    const QString bad = dir.filePath(QStringLiteral("bad.txt"));
    QVERIFY(writeFile(bad, QByteArray("fine\nbro\xffken\n")));
    const auto b = readTextLines(bad.toStdString());
    QVERIFY(!b.ok());
    QCOMPARE(b.error().code, ErrorCode::InvalidFile);
    QCOMPARE(b.error().path, bad.toStdString());
    QCOMPARE(b.error().detail, std::string("line 2, byte 4"));
    const auto viaBleu = bleuFromFiles(bad.toStdString(), {bad.toStdString()}, BleuParams{}, "x");
    QVERIFY(!viaBleu.ok());
    QCOMPARE(viaBleu.error().path, bad.toStdString());
}

QTEST_GUILESS_MAIN(TestBleuExtras)
#include "tst_bleu_extras.moc"
