// Inputs found by fuzzing the parsers (tests/fuzz, docs/reliability.md "Fuzzing"), kept so that
// each stays a clean error: the message names the file and the problem, nothing crashes, hangs
// or allocates from a number in the file. One function per finding; small inputs are inline,
// the deep-nesting ones are generated (a few hundred kilobytes of brackets).
#include "data/dataset.h"
#include "io/model_config.h"
#include "io/safetensors_file.h"
#include "io/seq2seq_config.h"
#include "mask/mask_file.h"
#include "text/wordpiece_tokenizer.h"
#include "util/error.h"
#include "util/json_nesting.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <string>

using namespace headscope::core;

namespace {

// Deep enough to overflow the stack when nlohmann copies or dumps the value (it recurses once
// per level; 100,000 levels already crash a plain build).
constexpr int kDeep = 300000;

std::string nested(int depth)
{
    return std::string(size_t(depth), '[') + std::string(size_t(depth), ']');
}

std::string le64(uint64_t v)
{
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i)
        s[size_t(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

} // namespace

class TestParserFuzzRegressions : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string writeFile(const char* name, const std::string& bytes)
    {
        const std::string path = m_dir.filePath(QString::fromLatin1(name)).toStdString();
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    // The error is InvalidFile, names the file and says the nesting is too deep.
    static void expectTooDeep(const Error& error, const std::string& path)
    {
        QCOMPARE(error.code, ErrorCode::InvalidFile);
        QCOMPARE(error.path, path);
        QVERIFY2(error.message.find("too deeply") != std::string::npos, error.message.c_str());
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // The limit itself: 100 levels pass, 101 fail; brackets in strings (escaped quotes included)
    // do not count.
    void nestingLimit()
    {
        QCOMPARE(kMaxJsonNesting, 100);
        checkJsonNesting(nested(100), "a.json", "the file");
        QVERIFY_THROWS_EXCEPTION(ErrorException, checkJsonNesting(nested(101), "a.json", "the file"));
        const std::string inString = "{\"k\": \"\\\"" + std::string(500, '[') + "\"}";
        checkJsonNesting(inString, "a.json", "the file");
        try {
            checkJsonNesting("{\"a\":" + nested(101) + "}", "b.json", "config.json");
            QFAIL("no error");
        } catch (const ErrorException& e) {
            QCOMPARE(e.error().path, std::string("b.json"));
            QCOMPARE(e.error().message, std::string("config.json nests arrays or objects too deeply"));
            QCOMPARE(e.error().detail, std::string("more than 100 levels at byte 104"));
        }
    }

    // A shape that is not a list of integers is quoted in the error: the quote recursed.
    void safetensorsDeepShape()
    {
        std::string header = "{\"w\":{\"dtype\":\"F32\",\"shape\":" + nested(kDeep) + ",\"data_offsets\":[0,0]}}";
        const std::string path = writeFile("deep.safetensors", le64(header.size()) + header);
        auto file = SafetensorsFile::open(path);
        QVERIFY(!file);
        expectTooDeep(file.error(), path);
    }

    void modelConfigDeepField()
    {
        auto config = parseModelConfig("{\"model_type\":\"bert\",\"num_hidden_layers\":" + nested(kDeep) + "}",
                                       "deep/config.json");
        QVERIFY(!config);
        expectTooDeep(config.error(), "deep/config.json");
    }

    void seq2seqConfigDeepField()
    {
        auto config = parseSeq2SeqConfig("{\"model_type\":\"marian\",\"d_model\":" + nested(kDeep) + "}",
                                         "deep/config.json");
        QVERIFY(!config);
        expectTooDeep(config.error(), "deep/config.json");
    }

    void tokenizerJsonDeepAddedTokens()
    {
        const std::string path = writeFile(
            "deep-tokenizer.json",
            "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"[UNK]\":0}},\"added_tokens\":" + nested(kDeep) + "}");
        auto tok = WordPieceTokenizer::fromTokenizerJson(path);
        QVERIFY(!tok);
        expectTooDeep(tok.error(), path);
    }

    // An id far beyond the vocabulary sized the id table from the file (here 800 GB of strings).
    void tokenizerJsonHugeId()
    {
        const std::string vocab = "\"[UNK]\":0,\"[CLS]\":1,\"[SEP]\":2,\"[PAD]\":3,\"[MASK]\":4";
        const std::string path = writeFile(
            "huge-id-tokenizer.json",
            "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{" + vocab + ",\"a\":25000000000}}}");
        auto tok = WordPieceTokenizer::fromTokenizerJson(path);
        QVERIFY(!tok);
        QCOMPARE(tok.error().code, ErrorCode::InvalidFile);
        QCOMPARE(tok.error().path, path);
        QCOMPARE(tok.error().message, std::string("id 25000000000 of 'a' is beyond the vocabulary's 6 entries"));

        const std::string added = writeFile(
            "huge-added-id-tokenizer.json", "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{" + vocab +
                                                "}},\"added_tokens\":[{\"id\":99999999999,\"content\":\"x\"}]}");
        auto tokAdded = WordPieceTokenizer::fromTokenizerJson(added);
        QVERIFY(!tokAdded);
        QCOMPARE(tokAdded.error().message, std::string("id 99999999999 of 'x' is beyond the vocabulary's 6 entries"));

        // Dense ids, the added tokens continuing the vocabulary, still load.
        const std::string dense = writeFile(
            "dense-tokenizer.json", "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{" + vocab +
                                        "}},\"added_tokens\":[{\"id\":5,\"content\":\"[X]\",\"special\":true}]}");
        auto ok = WordPieceTokenizer::fromTokenizerJson(dense);
        QVERIFY2(ok, ok ? "" : ok.error().toString().c_str());
        QCOMPARE(ok->vocabSize(), size_t(6));
        QCOMPARE(ok->tokenToId("[X]"), int64_t(5));
    }

    // nlohmann's value<int64_t>() cast a float id (1e30) to an integer: undefined behaviour.
    void tokenizerJsonFloatNumbers()
    {
        const std::string vocab = "\"[UNK]\":0,\"[CLS]\":1,\"[SEP]\":2";
        const std::string floatId = writeFile(
            "float-id-tokenizer.json", "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{" + vocab +
                                           "}},\"added_tokens\":[{\"id\":1e30,\"content\":\"x\"}]}");
        auto tok = WordPieceTokenizer::fromTokenizerJson(floatId);
        QVERIFY(!tok);
        QCOMPARE(tok.error().code, ErrorCode::InvalidFile);
        QCOMPARE(tok.error().path, floatId);
        QCOMPARE(tok.error().message, std::string("added token id of 'x' is not an integer"));

        const std::string floatLimit = writeFile(
            "float-limit-tokenizer.json", "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{" + vocab +
                                              "},\"max_input_chars_per_word\":1e30}}");
        auto tokLimit = WordPieceTokenizer::fromTokenizerJson(floatLimit);
        QVERIFY(!tokLimit);
        QCOMPARE(tokLimit.error().message, std::string("max_input_chars_per_word is not a non-negative integer"));
        QCOMPARE(tokLimit.error().detail, std::string("found 1e+30"));
    }

    void maskJsonDeep()
    {
        auto set = maskFromJson("{\"format\":\"headscope-mask\",\"pruned\":" + nested(kDeep) + "}", "deep/mask.json");
        QVERIFY(!set);
        expectTooDeep(set.error(), "deep/mask.json");
    }

    // A .npy header of nested tuples recursed once per '('.
    void npyDeepTuple()
    {
        std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + std::string(kDeep, '(') + "}";
        header += '\n';
        const std::string len4 = le64(header.size()).substr(0, 4);
        const std::string bytes = std::string("\x93NUMPY\x02\x00", 8) + len4 + header;
        auto set = maskFromNpy(bytes, "deep/mask.npy");
        QVERIFY(!set);
        QCOMPARE(set.error().code, ErrorCode::InvalidFile);
        QCOMPARE(set.error().path, std::string("deep/mask.npy"));
        QCOMPARE(set.error().detail, std::string("tuples nested more than 16 deep at header offset 67"));
    }

    // A JSONL record nested too deeply is a malformed line: skipped with a warning, an error in
    // strict mode; the other lines load.
    void jsonlDeepRecord()
    {
        const std::string path = writeFile("deep.jsonl", "{\"sentence\":\"good\",\"label\":1}\n{\"sentence\":" +
                                                             nested(kDeep) + ",\"label\":0}\n");
        DatasetOptions options;
        auto ds = loadDataset(path, options);
        QVERIFY2(ds, ds ? "" : ds.error().toString().c_str());
        QCOMPARE(ds->examples.size(), size_t(1));
        QCOMPARE(ds->skippedLines, int64_t(1));
        QCOMPARE(ds->warnings[0].line, int64_t(2));
        QVERIFY2(ds->warnings[0].message.find("too deeply") != std::string::npos, ds->warnings[0].message.c_str());
        options.strict = true;
        auto strict = loadDataset(path, options);
        QVERIFY(!strict);
        QCOMPARE(strict.error().path, path);
        QVERIFY2(strict.error().message.find("line 2") != std::string::npos, strict.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestParserFuzzRegressions)
#include "tst_parser_fuzz_regressions.moc"
