// BLEU on hand-worked cases. Each expected number is derived in the comment next to it from
// sacreBLEU's definitions (n-gram clipping, closest reference length, brevity penalty, the four
// smoothing methods); the final arithmetic was done with python3's math module. Tokenizer
// expectations were traced by hand and checked with python3's re module on sacreBLEU's regexes
// (13a) and unicodedata categories (intl).
#include "metrics/bleu.h"
#include "metrics/bleu_scorer.h"
#include "metrics/bleu_tokenizer.h"

#include <QtTest>

#include <cmath>

using namespace headscope::core;

namespace {

BleuParams plain(BleuSmoothing smoothing = BleuSmoothing::Exp)
{
    BleuParams p;
    p.tokenizer = BleuTokenizer::None;
    p.smoothing = smoothing;
    return p;
}

BleuResult bleu(const std::vector<std::string>& hyps, const std::vector<std::vector<std::string>>& refs,
                const BleuParams& params)
{
    auto r = corpusBleu(hyps, refs, params, "test");
    if (!r) qFatal("corpusBleu failed: %s", r.error().toString().c_str());
    return r.value();
}

QString tok(const char* line, BleuTokenizer t) { return QString::fromStdString(bleuTokenize(line, t)); }

} // namespace

class TestBleu : public QObject
{
    Q_OBJECT

private slots:
    void countsAndClipping();
    void brevityPenalty();
    void smoothingMethods();
    void effectiveOrderForSentences();
    void emptyHypothesis();
    void severalReferences();
    void closestReferenceTieGoesToShorter();
    void partialSumsGiveCorpusBleu();
    void signatures();
    void tokenizer13a_data();
    void tokenizer13a();
    void tokenizerIntl_data();
    void tokenizerIntl();
    void tokenizerCharAndNone();
    void lowercaseIsPythonLower();
    void parsing();
    void mismatchedStreams();
};

void TestBleu::countsAndClipping()
{
    // hyp "the the the the" vs ref "the cat": unigram "the" x4 clipped to the reference's 1 -> 1/4;
    // bigrams "the the" x3 -> 0/3, trigrams 0/2, 4-grams 0/1. sys_len 4 > ref_len 2: bp 1.
    // exp smoothing: p2 = 100/(2*3), p3 = 100/(4*2), p4 = 100/(8*1);
    // BLEU = (25 * 16.667 * 12.5 * 12.5)^(1/4) = 15.97357760615681.
    const BleuResult r = bleu({"the the the the"}, {{"the cat"}}, plain());
    QCOMPARE(r.corpus.counts, (std::array<int64_t, 4>{1, 0, 0, 0}));
    QCOMPARE(r.corpus.totals, (std::array<int64_t, 4>{4, 3, 2, 1}));
    QCOMPARE(r.corpus.sysLen, int64_t(4));
    QCOMPARE(r.corpus.refLen, int64_t(2));
    QCOMPARE(r.corpus.bp, 1.0);
    QVERIFY(std::fabs(r.corpus.precisions[0] - 25.0) < 1e-12);
    QVERIFY(std::fabs(r.corpus.precisions[1] - 100.0 / 6.0) < 1e-12);
    QVERIFY(std::fabs(r.corpus.precisions[3] - 12.5) < 1e-12);
    QVERIFY(std::fabs(r.corpus.score - 15.97357760615681) < 1e-9);
}

void TestBleu::brevityPenalty()
{
    // hyp "a b c d e" (5) vs ref of 10 words starting with it: every precision 100,
    // bp = exp(1 - 10/5) = exp(-1); BLEU = 36.787944117144235, ratio 0.5.
    const BleuResult r = bleu({"a b c d e"}, {{"a b c d e f g h i j"}}, plain());
    QVERIFY(std::fabs(r.corpus.bp - std::exp(-1.0)) < 1e-15);
    QVERIFY(std::fabs(r.corpus.score - 36.787944117144235) < 1e-9);
    QCOMPARE(r.corpus.ratio, 0.5);
    // Longer than the reference: no penalty.
    QCOMPARE(bleu({"a b c d e"}, {{"a b c d"}}, plain()).corpus.bp, 1.0);
}

void TestBleu::smoothingMethods()
{
    // hyp "a b x c d" vs ref "a b y c d": unigrams 4/5, bigrams {ab, cd} 2/4, trigrams 0/3,
    // 4-grams 0/2, lengths 5 = 5 (bp 1).
    const std::vector<std::string> hyp{"a b x c d"};
    const std::vector<std::vector<std::string>> ref{{"a b y c d"}};
    // exp: p3 = 100/(2*3), p4 = 100/(4*2) -> (80*50*16.667*12.5)^(1/4) = 30.213753973567677
    const BleuResult e = bleu(hyp, ref, plain(BleuSmoothing::Exp));
    QCOMPARE(e.corpus.counts, (std::array<int64_t, 4>{4, 2, 0, 0}));
    QCOMPARE(e.corpus.totals, (std::array<int64_t, 4>{5, 4, 3, 2}));
    QVERIFY(std::fabs(e.corpus.score - 30.213753973567677) < 1e-9);
    // floor 0.1: p3 = 100*0.1/3, p4 = 100*0.1/2 -> 16.06856837889303
    const BleuResult f = bleu(hyp, ref, plain(BleuSmoothing::Floor));
    QVERIFY(std::fabs(f.corpus.precisions[2] - 10.0 / 3.0) < 1e-12);
    QVERIFY(std::fabs(f.corpus.score - 16.06856837889303) < 1e-9);
    // add-k 1 (orders 2..4 only): 80, 3/5, 1/4, 1/3 -> (80*60*25*33.33)^(1/4) = 44.72135954999579
    const BleuResult a = bleu(hyp, ref, plain(BleuSmoothing::AddK));
    QVERIFY(std::fabs(a.corpus.precisions[1] - 60.0) < 1e-12);
    QVERIFY(std::fabs(a.corpus.score - 44.72135954999579) < 1e-9);
    QCOMPARE(a.corpus.counts, (std::array<int64_t, 4>{4, 2, 0, 0})); // reported unsmoothed
    // A non-default add-k value: k = 0.5 -> 80, 2.5/4.5, 0.5/3.5, 0.5/2.5 (in %).
    BleuParams k05 = plain(BleuSmoothing::AddK);
    k05.smoothValue = 0.5;
    const double expK = std::exp((std::log(80.0) + std::log(250.0 / 4.5) + std::log(50.0 / 3.5) + std::log(20.0)) / 4);
    QVERIFY(std::fabs(bleu(hyp, ref, k05).corpus.score - expK) < 1e-9);
    // none: a zero precision makes BLEU 0.
    QCOMPARE(bleu(hyp, ref, plain(BleuSmoothing::None)).corpus.score, 0.0);
}

void TestBleu::effectiveOrderForSentences()
{
    // hyp "a b" = ref "a b": totals 2, 1, 0, 0. Corpus BLEU (no effective order) stops at the
    // empty trigram order, p3 = p4 = 0 -> 0. Sentence BLEU averages orders 1..2 only -> 100.
    const BleuResult r = bleu({"a b"}, {{"a b"}}, plain());
    QCOMPARE(r.corpus.score, 0.0);
    QVERIFY(std::fabs(sentenceBleu(r.segments[0], plain()).score - 100.0) < 1e-9);
    // With a zero-count order inside the effective order, smoothing still applies:
    // "a x" vs "a b": 1/2, bigram 0/1 -> exp: 100/(2*1) = 50 -> sqrt(50*50) = 50.
    const BleuResult s = bleu({"a x"}, {{"a b"}}, plain());
    QVERIFY(std::fabs(sentenceBleu(s.segments[0], plain()).score - 50.0) < 1e-9);
}

void TestBleu::emptyHypothesis()
{
    // Empty vs "x y z": sys_len 0 -> bp 0, no matches -> 0, precisions 0.
    const BleuResult e = bleu({""}, {{"x y z"}}, plain());
    QCOMPARE(e.corpus.score, 0.0);
    QCOMPARE(e.corpus.bp, 0.0);
    QCOMPARE(e.corpus.refLen, int64_t(3));
    QCOMPARE(e.corpus.precisions, (std::array<double, 4>{0, 0, 0, 0}));
    // An empty line next to a perfect one: sums 4 hyp words vs 3 + 4 reference words, all
    // n-grams match: BLEU = 100 * exp(1 - 7/4) = 47.236655274101466.
    const BleuResult m = bleu({"", "a b c d"}, {{"x y z", "a b c d"}}, plain());
    QVERIFY(std::fabs(m.corpus.score - 47.236655274101466) < 1e-9);
    // Whitespace-only is empty too (trailing whitespace is stripped).
    QCOMPARE(bleu({" \t\u00a0"}, {{"x"}}, plain()).corpus.sysLen, int64_t(0));
}

void TestBleu::severalReferences()
{
    // hyp "the cat the cat"; ref1 "the cat sat", ref2 "the the cat cat dog dog".
    // Unigrams clip against the max over references: the x2 and cat x2 (ref2) -> 4/4.
    // Bigrams: "the cat" x2 (max 1 in either reference) + "cat the" -> 1/3; 0/2; 0/1.
    // Lengths 3 and 6, hyp 4: closest is 3 -> bp 1.
    // exp: (100 * 33.33 * 100/(2*2) * 100/(4*1))^(1/4) = 37.99178428257963
    const BleuResult r = bleu({"the cat the cat"}, {{"the cat sat"}, {"the the cat cat dog dog"}}, plain());
    QCOMPARE(r.nRefs, 2);
    QCOMPARE(r.corpus.counts, (std::array<int64_t, 4>{4, 1, 0, 0}));
    QCOMPARE(r.corpus.refLen, int64_t(3));
    QVERIFY(std::fabs(r.corpus.score - 37.99178428257963) < 1e-9);
    // One reference alone clips the unigrams to 2/4.
    QCOMPARE(bleu({"the cat the cat"}, {{"the cat sat"}}, plain()).corpus.counts[0], int64_t(2));
}

void TestBleu::closestReferenceTieGoesToShorter()
{
    // hyp of 4 words, references of 5 and 3 words: both 1 away, sacreBLEU takes 3 (bp 1).
    const BleuResult r = bleu({"a b c d"}, {{"a b c d e"}, {"a b c"}}, plain());
    QCOMPARE(r.corpus.refLen, int64_t(3));
    QCOMPARE(r.corpus.bp, 1.0);
    const BleuResult r2 = bleu({"a b c d"}, {{"a b c"}, {"a b c d e"}}, plain());
    QCOMPARE(r2.corpus.refLen, int64_t(3));
}

void TestBleu::partialSumsGiveCorpusBleu()
{
    // Corpus BLEU is BLEU of the summed statistics: the prefix sums a GUI shows as sentences
    // finish end at the corpus figure, and removing a segment again gives the shorter corpus.
    const std::vector<std::string> hyps{"a b c d", "e f g", "x y"};
    const std::vector<std::string> refs{"a b c d", "e f h", "x y z"};
    const BleuResult full = bleu(hyps, {refs}, plain());
    const auto scorer = BleuScorer::create({refs}, plain());
    QVERIFY(scorer.ok());
    QCOMPARE(scorer->segmentCount(), size_t(3));
    BleuStats sum;
    for (size_t i = 0; i < hyps.size(); ++i) sum += scorer->segmentStats(i, hyps[i]);
    QCOMPARE(computeBleu(sum, plain()).score, full.corpus.score);
    sum -= scorer->segmentStats(2, hyps[2]);
    QCOMPARE(computeBleu(sum, plain()).score, bleu({hyps[0], hyps[1]}, {{refs[0], refs[1]}}, plain()).corpus.score);
}

void TestBleu::signatures()
{
    BleuParams p;
    QCOMPARE(bleuSignature(p, 1, "0.1.0"), std::string("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:0.1.0"));
    p.lowercase = true;
    p.tokenizer = BleuTokenizer::Intl;
    p.smoothing = BleuSmoothing::Floor;
    QCOMPARE(bleuSignature(p, 2, "x", true), std::string("nrefs:2|case:lc|eff:yes|tok:intl|smooth:floor[0.10]|version:x"));
    p.smoothing = BleuSmoothing::AddK;
    QCOMPARE(bleuSignature(p, 1, "x"), std::string("nrefs:1|case:lc|eff:no|tok:intl|smooth:add-k[1.00]|version:x"));
    p.smoothValue = 0.25;
    p.tokenizer = BleuTokenizer::Char;
    QCOMPARE(bleuSignature(p, 1, "x"), std::string("nrefs:1|case:lc|eff:no|tok:char|smooth:add-k[0.25]|version:x"));
    p.smoothing = BleuSmoothing::None;
    p.tokenizer = BleuTokenizer::None;
    QCOMPARE(bleuSignature(p, 3, "x"), std::string("nrefs:3|case:lc|eff:no|tok:none|smooth:none|version:x"));
}

void TestBleu::tokenizer13a_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    // Numbers keep inner commas and periods; a final period splits off (13a pads the line).
    QTest::newRow("numbers") << QStringLiteral("1,000.5 dollars, 3.5% and 2019.")
                             << QStringLiteral("1,000.5 dollars , 3.5 % and 2019 .");
    // A dash splits off only after a digit.
    QTest::newRow("dashes") << QStringLiteral("well-known 1990-2000 -5 --") << QStringLiteral("well-known 1990 - 2000 -5 --");
    // Entities are unescaped in order (&amp;lt; becomes &lt; and then <).
    QTest::newRow("entities") << QStringLiteral("a &amp; b &quot;c&quot; &lt;d&gt; &amp;lt;")
                              << QStringLiteral("a & b \" c \" < d > <");
    // Abbreviation periods split, the apostrophe stays, <skipped> is removed.
    QTest::newRow("abbrev") << QStringLiteral("U.S.A. isn't <skipped>here") << QStringLiteral("U . S . A . isn't here");
    // Matches never overlap: "a.," -> "a . ," then the comma before "b" splits in the next rule.
    QTest::newRow("overlap") << QStringLiteral("5.,6 a.,b x...y") << QStringLiteral("5 . , 6 a . , b x . . . y");
    QTest::newRow("ascii symbols") << QStringLiteral("(a) [b] {c} a/b a_b #1 @x ~y")
                                   << QStringLiteral("( a ) [ b ] { c } a / b a _ b # 1 @ x ~ y");
    // Non-ASCII punctuation is untouched by 13a.
    QTest::newRow("unicode") << QStringLiteral("“Quote” — dash…") << QStringLiteral("“Quote” — dash…");
    QTest::newRow("spaces") << QStringLiteral("  a \t b\u3000c  ") << QStringLiteral("a b c");
}

void TestBleu::tokenizer13a()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(tok(input.toUtf8().constData(), BleuTokenizer::Mteval13a), expected);
}

void TestBleu::tokenizerIntl_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    // Punctuation (P*) splits unless between digits; symbols (S*: $ € +) always split; a final
    // "2019." keeps its period (mteval-v14 does not pad the line).
    QTest::newRow("ascii") << QStringLiteral("Hello, world! (test) «quoted» 1,000.5 5$ €10 a+b 2019.")
                           << QStringLiteral("Hello , world ! ( test ) « quoted » 1,000.5 5 $ € 10 a + b 2019.");
    // Unicode punctuation: quotes Pi/Pf, em dash Pd, ellipsis and inverted marks Po.
    QTest::newRow("unicode punct") << QStringLiteral("“Quote” — dash… ¿Qué? ¡Sí!")
                                   << QStringLiteral("“ Quote ” — dash … ¿ Qué ? ¡ Sí !");
    // Math and other symbols (Sm, So) are already space-separated; ² is a number (No); the
    // dash between digits stays.
    QTest::newRow("symbols") << QStringLiteral("x² ≥ 5 ± 1 © ™ 10-20 3.14 1,5") << QStringLiteral("x² ≥ 5 ± 1 © ™ 10-20 3.14 1,5");
    QTest::newRow("glued symbols") << QStringLiteral("a≥b©c") << QStringLiteral("a ≥ b © c");
    QTest::newRow("period") << QStringLiteral("a.b 2019. x") << QStringLiteral("a . b 2019 . x");
    QTest::newRow("cjk") << QStringLiteral("日本語、テスト。") << QStringLiteral("日本語 、 テスト 。");
}

void TestBleu::tokenizerIntl()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(tok(input.toUtf8().constData(), BleuTokenizer::Intl), expected);
}

void TestBleu::tokenizerCharAndNone()
{
    QCOMPARE(tok("ab c", BleuTokenizer::Char), QStringLiteral("a b c"));
    QCOMPARE(tok("日本", BleuTokenizer::Char), QStringLiteral("日 本"));
    QCOMPARE(tok(" a  b ", BleuTokenizer::None), QStringLiteral(" a  b "));
    BleuParams p = plain();
    QCOMPARE(bleuTokens(" a  b\u00a0c ", p), (std::vector<std::string>{"a", "b", "c"}));
    // char BLEU: "abcd" vs "abce": 3/4, 2/3, 1/2, 0/1 -> exp: (75 * 66.67 * 50 * 100/(2*1))^(1/4)
    p.tokenizer = BleuTokenizer::Char;
    const double expected = std::exp((std::log(75.0) + std::log(200.0 / 3.0) + std::log(50.0) + std::log(50.0)) / 4);
    QVERIFY(std::fabs(bleu({"abcd"}, {{"abce"}}, p).corpus.score - expected) < 1e-9);
}

void TestBleu::lowercaseIsPythonLower()
{
    BleuParams p = plain();
    p.lowercase = true;
    // str.lower(): À -> à, İ -> i + U+0307, a lone Σ -> σ.
    QCOMPARE(bleuTokens("ÀB İ Σ", p), (std::vector<std::string>{"àb", "i\xcc\x87", "σ"}));
    QCOMPARE(bleu({"The CAT"}, {{"the cat"}}, p).corpus.counts[0], int64_t(2));
}

void TestBleu::parsing()
{
    QCOMPARE(parseBleuTokenizer("13a"), std::optional<BleuTokenizer>(BleuTokenizer::Mteval13a));
    QCOMPARE(parseBleuTokenizer("intl"), std::optional<BleuTokenizer>(BleuTokenizer::Intl));
    QVERIFY(!parseBleuTokenizer("zh"));
    QCOMPARE(parseBleuSmoothing("add-k"), std::optional<BleuSmoothing>(BleuSmoothing::AddK));
    QVERIFY(!parseBleuSmoothing("exp2"));
    QCOMPARE(std::string(bleuSmoothingName(BleuSmoothing::Floor)), std::string("floor"));
}

void TestBleu::mismatchedStreams()
{
    const auto r = corpusBleu({"a", "b"}, {{"a"}}, plain(), "x");
    QVERIFY(!r.ok());
    QVERIFY(r.error().message.find("2 hypotheses") != std::string::npos || r.error().message.find("1 reference") != std::string::npos);
    const auto s = BleuScorer::create({{"a", "b"}, {"a"}}, plain());
    QVERIFY(!s.ok());
    QVERIFY(s.error().message.find("stream 2") != std::string::npos);
    QVERIFY(!BleuScorer::create({}, plain()).ok());
}

QTEST_GUILESS_MAIN(TestBleu)
#include "tst_bleu.moc"
