// WordPieceTokenizer on a small hand-written vocabulary: BertTokenizer's cleaning, CJK spacing,
// lower-casing and accent stripping, punctuation, greedy WordPiece, special tokens, pairs and
// longest-first truncation, vocab.txt vs tokenizer.json, and the loading errors.
// Expected tokens are worked out by hand; the non-ASCII cases were checked with Python's
// unicodedata (str.lower + NFD without Mn), which is what BertTokenizer uses.
#include "text/wordpiece_tokenizer.h"

#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

using namespace headscope::core;

namespace {

// id = position.
const std::vector<std::string> kVocab = {
    "[PAD]", "[UNK]",  "[CLS]", "[SEP]", "[MASK]", ",",        "!",     ".",      "?",    "hello",  // 0-9
    "world", "cafe",   "naive", "un",    "##aff",  "##able",   "play",  "##ing",  "##s",  "我",     // 10-19
    "爱",    "你",     "the",   "cat",   "sat",    "on",       "mat",   "a",      "##b",  "¿",      // 20-29
    "«",     "»",      "—",     "。",    "straße", "øre",      "nandu", "garcon", "οδος", "αθηναι", // 30-39
    "елка",  "москва", "café",  "Café",  "Cafe",   "istanbul", "σοφος", "$",                        // 40-47
};

void writeText(const QString& path, const std::string& text)
{
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
    out << text;
}

std::string vocabText(const std::vector<std::string>& vocab)
{
    std::string s;
    for (const std::string& t : vocab)
        s += t + "\n";
    return s;
}

// tokenizer.json as the tokenizers library writes it for BertTokenizerFast.
std::string tokenizerJson(const std::vector<std::string>& vocab, const std::string& modelType = "WordPiece")
{
    std::string v;
    for (size_t i = 0; i < vocab.size(); ++i)
        v += (i ? ",\"" : "\"") + vocab[i] + "\":" + std::to_string(i);
    std::string added;
    for (int i = 0; i < 5; ++i)
        added += std::string(i ? "," : "") + "{\"id\":" + std::to_string(i) + ",\"content\":\"" +
                 vocab[size_t(i)] +
                 "\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,"
                 "\"special\":true}";
    return "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[" + added +
           "],\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
           "\"strip_accents\":null,\"lowercase\":true},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
           "\"post_processor\":null,\"decoder\":{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},"
           "\"model\":{\"type\":\"" +
           modelType +
           "\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":100,"
           "\"vocab\":{" +
           v + "}}}";
}

using Tokens = std::vector<std::string>;

QStringList toList(const Tokens& tokens)
{
    QStringList l;
    for (const auto& t : tokens)
        l << QString::fromStdString(t);
    return l;
}

} // namespace

class TestWordPieceTokenizer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_vocabPath;

    WordPieceTokenizer make(TokenizerOptions options = {})
    {
        auto tok = WordPieceTokenizer::fromVocabTxt(m_vocabPath, options);
        if (!tok) qFatal("%s", tok.error().toString().c_str());
        return tok.value();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_vocabPath = m_dir.filePath(QStringLiteral("vocab.txt")).toStdString();
        writeText(QString::fromStdString(m_vocabPath), vocabText(kVocab));
    }

    void tokenize_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        auto row = [](const char* name, const char* text, QStringList tokens) {
            QTest::newRow(name) << QString::fromUtf8(text) << tokens;
        };
        row("punctuation", "hello,world!", {"hello", ",", "world", "!"});
        row("accents", "Café Naïve", {"cafe", "naive"});
        row("cjk", "我爱你", {"我", "爱", "你"});
        row("cjk inside a word", "hello我world", {"hello", "我", "world"});
        row("continuation", "unaffable playing plays",
            {"un", "##aff", "##able", "play", "##ing", "play", "##s"});
        row("unknown word", "hello xyz", {"hello", "[UNK]"});
        // "play" matches, "##x" does not: the whole word becomes [UNK], not play + [UNK].
        row("partial match is unknown", "playx", {"[UNK]"});
        row("control char dropped", "hel\x01lo", {"hello"});
        // U+200B is Cf (dropped, not a space): "helloworld" has no WordPiece split.
        row("format char dropped", "hello\u200bworld", {"[UNK]"});
        row("tab and nbsp are spaces", "hello\tworld\u00a0the", {"hello", "world", "the"});
        row("U+FFFD dropped", "hel\uFFFDlo", {"hello"});
        row("special tokens whole", "hello [MASK] world [SEP]", {"hello", "[MASK]", "world", "[SEP]"});
        row("special token glued", "hello[SEP]world", {"hello", "[SEP]", "world"});
        row("special tokens are case-sensitive", "[mask]", {"[UNK]", "[UNK]", "[UNK]"});
        row("latin-1 punctuation", "¿hello? «world»", {"¿", "hello", "?", "«", "world", "»"});
        row("general and cjk punctuation", "hello—world 你。", {"hello", "—", "world", "你", "。"});
        row("ascii symbol is punctuation", "hello$world", {"hello", "$", "world"});
        row("sharp s and o-slash stay", "Straße ØRE", {"straße", "øre"});
        row("tilde cedilla acute", "Ñandú Garçon", {"nandu", "garcon"});
        row("greek final sigma and tonos", "ΟΔΟΣ Ἀθῆναι ΣΟΦΟΣ.", {"οδος", "αθηναι", "σοφος", "."});
        row("cyrillic", "Ёлка МОСКВА", {"елка", "москва"});
        row("dotted capital I", "İSTANBUL", {"istanbul"});
        row("empty", "", {});
        row("only spaces", " \t\n ", {});
    }

    void tokenize()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const WordPieceTokenizer tok = make();
        QCOMPARE(toList(tok.tokenize(text.toStdString())), expected);
    }

    void maxInputCharsPerWord()
    {
        const WordPieceTokenizer tok = make();
        // 100 code points: a ##b ##b ... (99 times); 101: [UNK].
        const Tokens hundred = tok.tokenize("a" + std::string(99, 'b'));
        QCOMPARE(hundred.size(), size_t(100));
        QCOMPARE(hundred.front(), std::string("a"));
        QCOMPARE(hundred.back(), std::string("##b"));
        QCOMPARE(toList(tok.tokenize("a" + std::string(100, 'b'))), QStringList{"[UNK]"});
        // The limit counts code points, not bytes: "αθηναι" is 6 characters in 12 bytes.
        TokenizerOptions six;
        six.maxInputCharsPerWord = 6;
        QCOMPARE(toList(make(six).tokenize("Ἀθῆναι plays playing")),
                 (QStringList{"αθηναι", "play", "##s", "[UNK]"}));
    }

    void caseAndAccentOptions()
    {
        TokenizerOptions lowerKeep;
        lowerKeep.stripAccents = false;
        QCOMPARE(toList(make(lowerKeep).tokenize("Café")), QStringList{"café"});
        TokenizerOptions cased;
        cased.doLowerCase = false;
        QCOMPARE(toList(make(cased).tokenize("Café hello Hello")), (QStringList{"Café", "hello", "[UNK]"}));
        // NFC first: an e + combining acute written decomposed is the vocabulary's "Café".
        QCOMPARE(toList(make(cased).tokenize("Cafe\u0301")), QStringList{"Café"});
        TokenizerOptions casedStrip;
        casedStrip.doLowerCase = false;
        casedStrip.stripAccents = true;
        QCOMPARE(toList(make(casedStrip).tokenize("Café")), QStringList{"Cafe"});
        TokenizerOptions noCjk;
        noCjk.tokenizeChineseChars = false;
        QCOMPARE(toList(make(noCjk).tokenize("我爱")), QStringList{"[UNK]"});
    }

    void encodeSingleAndPair()
    {
        const WordPieceTokenizer tok = make();
        const Encoding single = tok.encode("Hello, world!", std::nullopt, 0);
        QCOMPARE(toList(single.tokens), (QStringList{"[CLS]", "hello", ",", "world", "!", "[SEP]"}));
        QCOMPARE(single.inputIds, (std::vector<int64_t>{2, 9, 5, 10, 6, 3}));
        QCOMPARE(single.tokenTypeIds, (std::vector<int64_t>{0, 0, 0, 0, 0, 0}));

        const Encoding pair = tok.encode("hello world", std::string("the cat xyz"), 0);
        QCOMPARE(toList(pair.tokens),
                 (QStringList{"[CLS]", "hello", "world", "[SEP]", "the", "cat", "[UNK]", "[SEP]"}));
        QCOMPARE(pair.inputIds, (std::vector<int64_t>{2, 9, 10, 3, 22, 23, 1, 3}));
        QCOMPARE(pair.tokenTypeIds, (std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1, 1}));

        const Encoding emptyB = tok.encode("hello", std::string(), 0);
        QCOMPARE(toList(emptyB.tokens), (QStringList{"[CLS]", "hello", "[SEP]", "[SEP]"}));
        QCOMPARE(emptyB.tokenTypeIds, (std::vector<int64_t>{0, 0, 0, 1}));
    }

    void truncationLongestFirst()
    {
        const WordPieceTokenizer tok = make();
        // a has 6 tokens, b 2, room for 5: a loses 3 from its end.
        Encoding e = tok.encode("the cat sat on the mat", std::string("hello world"), 8);
        QCOMPARE(toList(e.tokens),
                 (QStringList{"[CLS]", "the", "cat", "sat", "[SEP]", "hello", "world", "[SEP]"}));
        QCOMPARE(e.tokenTypeIds, (std::vector<int64_t>{0, 0, 0, 0, 0, 1, 1, 1}));
        // 3 + 3, room for 4: tie -> b loses one, then a (now longer) loses one.
        e = tok.encode("the cat sat", std::string("on the mat"), 7);
        QCOMPARE(toList(e.tokens), (QStringList{"[CLS]", "the", "cat", "[SEP]", "on", "the", "[SEP]"}));
        // b longer: only b shrinks.
        e = tok.encode("hello", std::string("the cat sat on the mat"), 7);
        QCOMPARE(toList(e.tokens), (QStringList{"[CLS]", "hello", "[SEP]", "the", "cat", "sat", "[SEP]"}));
        // Single sentence: WordPiece pieces are cut like any token.
        e = tok.encode("unaffable cat", std::nullopt, 4);
        QCOMPARE(toList(e.tokens), (QStringList{"[CLS]", "un", "##aff", "[SEP]"}));
        QCOMPARE(e.inputIds, (std::vector<int64_t>{2, 13, 14, 3}));
    }

    void vocabAccessors()
    {
        const WordPieceTokenizer tok = make();
        QCOMPARE(tok.vocabSize(), kVocab.size());
        QCOMPARE(tok.tokenToId("hello"), int64_t(9));
        QCOMPARE(tok.tokenToId("nope"), int64_t(1));
        QCOMPARE(tok.idToToken(19), std::string("我"));
        QCOMPARE(tok.idToToken(-1), std::string());
        QCOMPARE(tok.idToToken(int64_t(kVocab.size())), std::string());
        QCOMPARE(tok.clsId(), int64_t(2));
        QCOMPARE(tok.sepId(), int64_t(3));
        QCOMPARE(tok.padId(), int64_t(0));
        QCOMPARE(tok.unkId(), int64_t(1));
    }

    void vocabFileLineEndings()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("vocab.txt"));
        // CRLF, a blank line inside (keeps its id) and blank lines at the end (ignored).
        writeText(path, "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n\r\nhello\r\n\r\n\r\n");
        auto tok = WordPieceTokenizer::fromVocabTxt(path.toStdString(), {});
        QVERIFY2(tok.ok(), tok.error().toString().c_str());
        QCOMPARE(tok->vocabSize(), size_t(6));
        QCOMPARE(tok->tokenToId("hello"), int64_t(5));
        QCOMPARE(tok->idToToken(3), std::string("[SEP]"));
        QCOMPARE(tok->encode("Hello", std::nullopt, 0).inputIds, (std::vector<int64_t>{2, 5, 3}));
    }

    void tokenizerJsonMatchesVocabTxt()
    {
        QTemporaryDir dir;
        writeText(dir.filePath(QStringLiteral("tokenizer.json")), tokenizerJson(kVocab));
        auto fromJson = WordPieceTokenizer::fromModelDir(dir.path().toStdString());
        QVERIFY2(fromJson.ok(), fromJson.error().toString().c_str());
        const WordPieceTokenizer fromTxt = make();
        QCOMPARE(fromJson->vocabSize(), kVocab.size());
        QVERIFY(fromJson->options().doLowerCase);
        QVERIFY(!fromJson->options().stripAccents.has_value());
        for (const char* text : {"hello,world!", "Café Naïve", "我爱你", "unaffable playing",
                                 "playx hello[SEP]", "ΟΔΟΣ Ἀθῆναι", "a bbb"}) {
            QCOMPARE(toList(fromJson->tokenize(text)), toList(fromTxt.tokenize(text)));
        }
        const Encoding e = fromJson->encode("the cat sat", std::string("on the mat"), 7);
        QCOMPARE(e.inputIds, (std::vector<int64_t>{2, 22, 23, 3, 25, 22, 3}));
        QCOMPARE(e.tokenTypeIds, (std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1}));
    }

    void modelDirConfig()
    {
        QTemporaryDir dir;
        writeText(dir.filePath(QStringLiteral("vocab.txt")), vocabText(kVocab));
        writeText(dir.filePath(QStringLiteral("tokenizer_config.json")),
                  R"({"do_lower_case": false, "model_max_length": 1000000000000000019884624838656,
                      "tokenizer_class": "BertTokenizer"})");
        auto tok = WordPieceTokenizer::fromModelDir(dir.path().toStdString());
        QVERIFY2(tok.ok(), tok.error().toString().c_str());
        QVERIFY(!tok->options().doLowerCase);
        QCOMPARE(tok->options().modelMaxLength, 512); // the "no limit" sentinel
        QCOMPARE(toList(tok->tokenize("Hello hello")), (QStringList{"[UNK]", "hello"}));

        writeText(dir.filePath(QStringLiteral("tokenizer_config.json")), R"({"model_max_length": 5})");
        tok = WordPieceTokenizer::fromModelDir(dir.path().toStdString());
        QVERIFY2(tok.ok(), tok.error().toString().c_str());
        QCOMPARE(tok->options().modelMaxLength, 5);
        QVERIFY(tok->options().doLowerCase); // BertTokenizer's default
        QCOMPARE(toList(tok->encode("the cat sat on the mat", std::nullopt).tokens),
                 (QStringList{"[CLS]", "the", "cat", "sat", "[SEP]"}));
    }

    void errors()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        auto missing = WordPieceTokenizer::fromModelDir(d);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::FileNotFound);
        QVERIFY(missing.error().message.find("no vocab.txt or tokenizer.json in " + d) != std::string::npos);

        const QString vocab = dir.filePath(QStringLiteral("vocab.txt"));
        writeText(vocab, "\n\n");
        auto empty = WordPieceTokenizer::fromVocabTxt(vocab.toStdString(), {});
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().code, ErrorCode::InvalidFile);
        QCOMPARE(empty.error().path, vocab.toStdString());
        QCOMPARE(empty.error().message, std::string("empty vocabulary"));

        writeText(vocab, "[PAD]\n[UNK]\n[SEP]\nhello\n");
        auto noCls = WordPieceTokenizer::fromVocabTxt(vocab.toStdString(), {});
        QVERIFY(!noCls.ok());
        QCOMPARE(noCls.error().path, vocab.toStdString());
        QVERIFY(noCls.error().message.find("[CLS]") != std::string::npos);

        writeText(vocab, "[PAD]\n[CLS]\n[SEP]\n");
        auto noUnk = WordPieceTokenizer::fromVocabTxt(vocab.toStdString(), {});
        QVERIFY(!noUnk.ok());
        QVERIFY(noUnk.error().message.find("[UNK]") != std::string::npos);

        auto notThere = WordPieceTokenizer::fromVocabTxt(d + "/nothing.txt", {});
        QVERIFY(!notThere.ok());
        QCOMPARE(notThere.error().code, ErrorCode::FileNotFound);
        QCOMPARE(notThere.error().path, d + "/nothing.txt");

        const QString json = dir.filePath(QStringLiteral("tokenizer.json"));
        writeText(json, "{\"model\": {\"type\": \"WordPiece\", ");
        auto bad = WordPieceTokenizer::fromTokenizerJson(json.toStdString());
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::InvalidFile);
        QCOMPARE(bad.error().path, json.toStdString());

        writeText(json, tokenizerJson(kVocab, "BPE"));
        auto bpe = WordPieceTokenizer::fromTokenizerJson(json.toStdString());
        QVERIFY(!bpe.ok());
        QCOMPARE(bpe.error().code, ErrorCode::Unsupported);
        QVERIFY(bpe.error().message.find("BPE") != std::string::npos);
        QCOMPARE(bpe.error().path, json.toStdString());

        // A broken tokenizer_config.json is reported under its own name.
        QTemporaryDir dir2;
        writeText(dir2.filePath(QStringLiteral("vocab.txt")), vocabText(kVocab));
        const QString cfg = dir2.filePath(QStringLiteral("tokenizer_config.json"));
        writeText(cfg, "{oops");
        auto badCfg = WordPieceTokenizer::fromModelDir(dir2.path().toStdString());
        QVERIFY(!badCfg.ok());
        QCOMPARE(badCfg.error().path, cfg.toStdString());
    }
};

QTEST_GUILESS_MAIN(TestWordPieceTokenizer)
#include "tst_wordpiece_tokenizer.moc"
