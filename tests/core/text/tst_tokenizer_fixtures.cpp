// WordPieceTokenizer against tokenisations made by other code: the paper authors' BERT
// tokenizer (fixtures' examples_first, max_seq_length 128) and the test support's plain ASCII
// reference tokenizer on generated datasets (with truncation).
#include "text/wordpiece_tokenizer.h"
#include "tiny_vocab.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace headscope::core;

namespace {

std::vector<int64_t> toIds(const QJsonArray& a)
{
    std::vector<int64_t> v;
    for (const QJsonValue& x : a)
        v.push_back(x.toInteger());
    return v;
}

std::vector<std::string> toStrings(const QJsonArray& a)
{
    std::vector<std::string> v;
    for (const QJsonValue& x : a)
        v.push_back(x.toString().toStdString());
    return v;
}

} // namespace

class TestTokenizerFixtures : public QObject
{
    Q_OBJECT

private slots:
    void paperTokenizer_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("modelDir");
        QTest::addColumn<int>("expectedVocab");
        QTest::newRow("tiny_bert single") << "reference/tiny_bert_single.json"
                                          << "reference/tiny_bert" << 195;
        QTest::newRow("tiny_bert pairs") << "reference/tiny_bert_pairs.json"
                                         << "reference/tiny_bert" << 195;
        QTest::newRow("sst2_small") << "real/sst2_small.json"
                                    << "real/sst2_small" << 6000;
    }

    void paperTokenizer()
    {
        QFETCH(QString, json);
        QFETCH(QString, modelDir);
        QFETCH(int, expectedVocab);
        const QDir fixtures(QStringLiteral(HEADSCOPE_FIXTURES_DIR));
        if (!QFile::exists(fixtures.filePath(json))) QSKIP("fixtures not found (HEADSCOPE_FIXTURES_DIR)");

        auto tok = WordPieceTokenizer::fromModelDir(fixtures.filePath(modelDir).toStdString());
        QVERIFY2(tok.ok(), tok.error().toString().c_str());
        QCOMPARE(tok->vocabSize(), size_t(expectedVocab));
        QVERIFY(tok->options().doLowerCase);
        QCOMPARE(tok->options().modelMaxLength, 128); // tokenizer_config.json

        QFile file(fixtures.filePath(json));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray examples =
            QJsonDocument::fromJson(file.readAll()).object().value("examples_first").toArray();
        QVERIFY(examples.size() >= 8);
        for (const QJsonValue& v : examples) {
            const QJsonObject ex = v.toObject();
            const std::string a = ex.value("text_a").toString().toStdString();
            std::optional<std::string> b;
            if (!ex.value("text_b").isNull()) b = ex.value("text_b").toString().toStdString();
            const Encoding e = tok->encode(a, b, 128);
            QCOMPARE(e.tokens, toStrings(ex.value("tokens").toArray()));
            QCOMPARE(e.inputIds, toIds(ex.value("input_ids").toArray()));
            QCOMPARE(e.tokenTypeIds, toIds(ex.value("segment_ids").toArray()));
        }
    }

    // Generated ASCII rows (some capitalised, some with ## pieces, some 50-90 words long and so
    // truncated at 32) against the support library's independent reference tokenizer.
    void supportReference_data()
    {
        QTest::addColumn<bool>("pairs");
        QTest::newRow("single") << false;
        QTest::newRow("pairs") << true;
    }

    void supportReference()
    {
        QFETCH(bool, pairs);
        QTemporaryDir dir;
        const std::string vocabPath = dir.filePath(QStringLiteral("vocab.txt")).toStdString();
        headscope::testing::writeVocabFile(vocabPath, headscope::testing::tinyVocab());
        auto tok = WordPieceTokenizer::fromVocabTxt(vocabPath, {});
        QVERIFY2(tok.ok(), tok.error().toString().c_str());
        const auto rows = headscope::testing::writeTinyDataset(
            dir.filePath(QStringLiteral("d.tsv")).toStdString(), 60, pairs, pairs ? 11 : 5);
        int truncated = 0;
        for (const auto& row : rows) {
            const auto expected = headscope::testing::referenceEncode(headscope::testing::tinyVocab(),
                                                                      row.textA, row.textB, 32);
            std::optional<std::string> b;
            if (pairs) b = row.textB;
            const Encoding e = tok->encode(row.textA, b, 32);
            QCOMPARE(e.inputIds, expected.ids);
            QCOMPARE(e.tokenTypeIds, expected.typeIds);
            truncated += e.inputIds.size() == 32;
        }
        QVERIFY(truncated > 0);
    }
};

QTEST_GUILESS_MAIN(TestTokenizerFixtures)
#include "tst_tokenizer_fixtures.moc"
