// The demo generators: byte-identical output for a seed and different output for another seed,
// labels of hand-worked pairs under the grammar's semantics (derived by hand in the comments),
// the bag-of-words baseline's blindness to a minimal pair, and hand-translated sentences of
// the translation corpus.
#include "data/dataset.h"
#include "demo/bag_of_words_baseline.h"
#include "demo/classification_demo.h"
#include "demo/demo_domain.h"
#include "demo/nli_grammar.h"
#include "demo/translation_corpus.h"
#include "text/wordpiece_tokenizer.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <map>
#include <set>

using namespace headscope::core;

namespace {

QByteArray fileHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

ClassificationDemoParams smallParams(uint64_t seed)
{
    ClassificationDemoParams p;
    p.seed = seed;
    p.nTrainPerDomain = 600;
    p.nDevPerDomain = 90;
    return p;
}

QStringList writeDemo(const QString& dir, uint64_t seed)
{
    const auto data = generateClassificationDemo(smallParams(seed));
    const QStringList files = {dir + "/train.tsv", dir + "/dev_matched.tsv", dir + "/dev_mismatched.tsv"};
    writeNliTsv(files[0].toStdString(), data.train).value();
    writeNliTsv(files[1].toStdString(), data.devMatched).value();
    writeNliTsv(files[2].toStdString(), data.devMismatched).value();
    return files;
}

NliLabel labelOf(const DemoDomain& domain, const std::string& premise, const std::string& hypothesis)
{
    const NliGrammar g(domain);
    const auto p = g.parse(premise);
    const auto h = g.parse(hypothesis);
    if (!p || !h)
        qFatal("not in the grammar: %s", (p ? h : p).error().toString().c_str());
    return NliGrammar::label(*p, *h);
}

} // namespace

class TestDemoData : public QObject
{
    Q_OBJECT

private slots:
    void sameSeedSameBytes()
    {
        QTemporaryDir a, b, c;
        const QStringList fa = writeDemo(a.path(), 11);
        const QStringList fb = writeDemo(b.path(), 11);
        const QStringList fc = writeDemo(c.path(), 12);
        for (int i = 0; i < fa.size(); ++i) {
            QVERIFY(!fileHash(fa[i]).isEmpty());
            QCOMPARE(fileHash(fa[i]), fileHash(fb[i]));
            QVERIFY2(fileHash(fa[i]) != fileHash(fc[i]), qPrintable(fa[i]));
        }
        TranslationCorpusParams tp;
        tp.nTrain = 300;
        tp.nDev = tp.nTest = tp.nTestOod = 40;
        writeTranslationCorpus(a.filePath("tr").toStdString(), generateTranslationCorpus(tp)).value();
        writeTranslationCorpus(b.filePath("tr").toStdString(), generateTranslationCorpus(tp)).value();
        tp.seed += 1;
        writeTranslationCorpus(c.filePath("tr").toStdString(), generateTranslationCorpus(tp)).value();
        for (const char* name : {"train.src", "train.tgt", "dev.src", "test.tgt", "test_ood.src", "test_ood.tgt"}) {
            const QString n = QString::fromLatin1("/tr/") + QString::fromLatin1(name);
            QVERIFY(!fileHash(a.path() + n).isEmpty());
            QCOMPARE(fileHash(a.path() + n), fileHash(b.path() + n));
            QVERIFY(fileHash(a.path() + n) != fileHash(c.path() + n));
        }
    }

    void handWorkedLabels_data()
    {
        QTest::addColumn<int>("domain");
        QTest::addColumn<QString>("premise");
        QTest::addColumn<QString>("hypothesis");
        QTest::addColumn<int>("expected");
        const int E = int(NliLabel::Entailment), N = int(NliLabel::Neutral), C = int(NliLabel::Contradiction);
        // A red cat chasing a small dog is a cat chasing a dog.
        QTest::newRow("drop adjectives") << 0 << "a red cat chases a small dog" << "a cat chases a dog" << E;
        QTest::newRow("passive") << 0 << "a red cat chases a small dog" << "a small dog is chased by a red cat" << E;
        // Same words, roles swapped: the premise says nothing about the dog chasing.
        QTest::newRow("roles swapped") << 0 << "a red cat chases a small dog" << "a small dog chases a red cat" << N;
        // The adjective moved to the other animal: neither implied nor denied.
        QTest::newRow("adjective moved") << 0 << "a small red cat chases a dog" << "a red cat chases a small dog" << N;
        QTest::newRow("other verb") << 0 << "a red cat chases a dog" << "a red cat bites a dog" << N;
        QTest::newRow("added adjective") << 0 << "a cat chases a dog" << "a red cat chases a dog" << N;
        // There is such a chase, so "no cat chases a dog" is false.
        QTest::newRow("denied") << 0 << "a red cat chases a small dog" << "no cat chases a dog" << C;
        // A cat chases a dog; maybe not a red one: not denied.
        QTest::newRow("denial more specific") << 0 << "a cat chases a dog" << "no red cat chases a dog" << N;
        // No cat chases any dog, so no red cat chases a small dog (negation reverses the direction).
        QTest::newRow("downward entailment") << 0 << "no cat chases a dog" << "no red cat chases a small dog" << E;
        QTest::newRow("downward, passive") << 0 << "no cat chases a dog" << "no small dog is chased by a cat" << E;
        // No red cat chases a dog; a brown one might.
        QTest::newRow("upward under no") << 0 << "no red cat chases a dog" << "no cat chases a dog" << N;
        QTest::newRow("no vs a") << 0 << "no cat chases a dog" << "a red cat chases a dog" << C;
        QTest::newRow("no red vs a") << 0 << "no red cat chases a dog" << "a cat chases a dog" << N;
        QTest::newRow("no swapped") << 0 << "no cat chases a dog" << "a dog chases a cat" << N;
        // People: tall brave doctor is more specific than tall doctor, which no one of greets a happy farmer.
        QTest::newRow("people downward") << 1 << "no tall doctor greets a happy farmer"
                                         << "no happy farmer is greeted by a tall brave doctor" << E;
        QTest::newRow("people contradiction") << 1 << "a farmer is paid by a young judge" << "no judge pays a farmer" << C;
        QTest::newRow("people swapped") << 1 << "a farmer is paid by a young judge" << "a farmer pays a young judge" << N;
    }

    void handWorkedLabels()
    {
        QFETCH(int, domain);
        QFETCH(QString, premise);
        QFETCH(QString, hypothesis);
        QFETCH(int, expected);
        const auto& d = demoDomains()[size_t(domain)];
        QCOMPARE(int(labelOf(d, premise.toStdString(), hypothesis.toStdString())), expected);
    }

    void renderAndParse()
    {
        const NliGrammar g(demoDomains()[0]);
        NliClause c;
        c.negated = true;
        c.passive = true;
        c.verb = 0;                  // chases / chased
        c.agent.noun = 0;            // cat
        c.agent.adjectives = {0, 1}; // small brown
        c.patient.noun = 1;          // dog
        c.patient.adjectives = {-1, -1};
        QCOMPARE(g.render(c), std::string("no dog is chased by a small brown cat"));
        const auto back = g.parse("no dog is chased by a small brown cat");
        QVERIFY(back.ok());
        QCOMPARE(back->agent.adjectives, (std::vector<int>{0, 1}));
        QCOMPARE(back->patient.noun, 1);
        QVERIFY(back->negated && back->passive);

        const auto bad = g.parse("a cat chases dog");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().detail.find("'a'") != std::string::npos, bad.error().detail.c_str());
        QVERIFY(!g.parse("a cat greets a dog").ok()); // a verb of the other domain
    }

    void generatedRowsAreBalancedAndConsistent()
    {
        const auto data = generateClassificationDemo(smallParams(3));
        QCOMPARE(data.train.size(), size_t(1200));
        QCOMPARE(data.devMatched.size(), size_t(90));
        for (const auto* rows : {&data.devMatched, &data.devMismatched}) {
            std::map<std::string, int> counts;
            for (const auto& r : *rows) {
                ++counts[r.label];
                const auto& domain = demoDomains()[rows == &data.devMatched ? 0 : 1];
                QCOMPARE(r.domain, domain.name);
                QCOMPARE(nliLabelName(labelOf(domain, r.premise, r.hypothesis)), r.label);
            }
            QCOMPARE(counts["entailment"], 30);
            QCOMPARE(counts["neutral"], 30);
            QCOMPARE(counts["contradiction"], 30);
        }
        // No dev pair appears in training.
        std::set<std::string> train;
        for (const auto& r : data.train)
            train.insert(r.premise + "|" + r.hypothesis);
        for (const auto& r : data.devMatched)
            QVERIFY(!train.count(r.premise + "|" + r.hypothesis));
    }

    void vocabularyCoversEveryWord()
    {
        QTemporaryDir dir;
        const std::string vocabPath = dir.filePath("vocab.txt").toStdString();
        writeVocabTxt(vocabPath, demoVocabulary()).value();
        const auto tok = WordPieceTokenizer::fromVocabTxt(vocabPath, {});
        QVERIFY(tok.ok());
        QCOMPARE(tok->padId(), int64_t(0));
        const auto files = writeDemo(dir.path(), 5);
        DatasetOptions opt;
        opt.strict = true;
        const std::map<std::string, int> label2id = {{"entailment", 0}, {"neutral", 1}, {"contradiction", 2}};
        const auto ds = loadDataset(files[2].toStdString(), opt, &label2id);
        QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().toString().c_str());
        QCOMPARE(ds->textColumn, std::string("premise"));
        QCOMPARE(ds->textBColumn, std::string("hypothesis"));
        QCOMPARE(ds->examples.size(), size_t(90));
        for (const auto& ex : ds->examples) {
            QVERIFY(ex.label >= 0);
            const auto e = tok->encode(ex.textA, ex.textB);
            const size_t words = size_t(std::count(ex.textA.begin(), ex.textA.end(), ' ') +
                                        std::count(ex.textB->begin(), ex.textB->end(), ' ') + 2);
            QCOMPARE(e.tokens.size(), words + 3); // one token per word, plus [CLS] and two [SEP]
            QVERIFY(std::find(e.inputIds.begin(), e.inputIds.end(), tok->unkId()) == e.inputIds.end());
        }
    }

    void bagOfWordsCannotSeparateMinimalPair()
    {
        const auto& animals = demoDomains()[0];
        const std::string p = "a red cat chases a small dog";
        const std::string same = "a red cat chases a small dog";  // entailment
        const std::string swapped = "a small dog chases a red cat"; // neutral: same words in each segment
        QCOMPARE(labelOf(animals, p, same), NliLabel::Entailment);
        QCOMPARE(labelOf(animals, p, swapped), NliLabel::Neutral);

        ClassificationDemoParams params = smallParams(9);
        params.nTrainPerDomain = 3000;
        const auto data = generateClassificationDemo(params);
        BagOfWordsBaseline bow(nliLabelNames());
        BagOfWordsBaseline::Params bp;
        bp.nIterations = 200;
        QVERIFY(bow.train(data.train, bp).ok());
        // Equal counts give equal predictions, so one of the two is wrong whatever the weights.
        QCOMPARE(bow.predict(p, same), bow.predict(p, swapped));
        // And on the generated data it stays near chance (1/3), far from what order-aware models reach.
        QVERIFY2(bow.accuracy(data.devMatched) < 0.5, qPrintable(QString::number(bow.accuracy(data.devMatched))));
    }

    void handTranslations_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("target");
        // il (def. masc. sg) varn grand+o | una (indef. fem. sg) misk+a rub+a | vid+et (sg)
        QTest::newRow("reorder, agree") << "the big dog sees a red cat ." << "il varn grando una miska ruba videt .";
        // li bimbor (irregular plural) | alke pom+e (fem. pl) | ne hant (irregular plural of "have")
        QTest::newRow("irregular, negated") << "the children do not have some apples ."
                                            << "li bimbor alke pome ne hant .";
        QTest::newRow("irregular verb sg") << "a woman makes the geese ." << "una donna li gansar fa .";
        // le miske (fem. pl) | una sora | am+ont (pl) | e | un om | li gansar (irregular pl) | mangi+et
        QTest::newRow("two clauses") << "the cats like a mouse and a man eats the geese ."
                                     << "le miske una sora amont e un om li gansar mangiet .";
    }

    void handTranslations()
    {
        QFETCH(QString, source);
        QFETCH(QString, target);
        const auto t = translateDemoSentence(source.toStdString());
        QVERIFY2(t.ok(), t.ok() ? "" : t.error().toString().c_str());
        QCOMPARE(QString::fromStdString(*t), target);
        QVERIFY(!translateDemoSentence("a dogs sees the cat .").ok()); // "a" with a plural
        const auto unknown = translateDemoSentence("the dog sees the fish .");
        QVERIFY(!unknown.ok());
        QVERIFY2(unknown.error().detail.find("a noun") != std::string::npos, unknown.error().detail.c_str());
    }

    void translationSetsDiffer()
    {
        TranslationCorpusParams tp;
        tp.nTrain = 2000;
        tp.nDev = tp.nTest = tp.nTestOod = 100;
        const auto c = generateTranslationCorpus(tp);
        std::set<std::string> train;
        size_t longestTrain = 0;
        for (const auto& p : c.train) {
            train.insert(p.source);
            longestTrain = std::max(longestTrain, p.source.size());
            QCOMPARE(QString::fromStdString(translateDemoSentence(p.source).value()), QString::fromStdString(p.target));
        }
        for (const auto& p : c.test)
            QVERIFY(!train.count(p.source));
        // Out of domain: two clauses or two adjectives, never seen in training.
        for (const auto& p : c.testOod) {
            QVERIFY(!train.count(p.source));
            QCOMPARE(QString::fromStdString(translateDemoSentence(p.source).value()), QString::fromStdString(p.target));
        }
        for (const auto& p : c.train)
            QVERIFY(p.source.find(" and ") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "tst_demo_data.moc"
