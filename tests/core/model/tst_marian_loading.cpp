// Loading Marian folders: the tokenizer on a hand-made SentencePiece model (pieces, ids, </s>,
// unknown pieces, detokenisation), generation settings, and bad input — missing config fields,
// unsupported model types (the error lists what is supported), missing or corrupt spm files,
// vocab.json that does not fit — each with an error naming the file.
#include "io/seq2seq_config.h"
#include "model/seq2seq_model.h"

#include "test_checks.h"
#include "tiny_marian_writer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace headscope::core;
using namespace headscope::testing;
namespace fs = std::filesystem;

namespace {

std::string readText(const std::string& path)
{
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream out(path);
    out << text;
}

bool endsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

} // namespace

class TestMarianLoading : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    TinyMarianModel m_ref;
    int m_n = 0;

    // A fresh copy of the tiny model folder.
    std::string freshDir()
    {
        const auto dir = m_tmp.filePath(QStringLiteral("m%1").arg(m_n++)).toStdString();
        writeTinyMarianDir(dir, m_ref);
        return dir;
    }

    void editConfig(const std::string& dir, const std::function<void(nlohmann::json&)>& edit)
    {
        auto c = nlohmann::json::parse(readText(dir + "/config.json"));
        edit(c);
        writeText(dir + "/config.json", c.dump(2));
    }

private slots:
    void initTestCase() { m_ref = makeTinyMarian(TinyMarianSpec{}); }

    void tokenizer()
    {
        const auto model = Seq2SeqModel::load(freshDir());
        REQUIRE_OK(model);
        const auto& tok = (*model)->tokenizer();
        const std::string u = "\xe2\x96\x81"; // ▁
        // Whole-word pieces win over letters; "q" and the digit are not whole words.
        QCOMPARE(tok.sourcePieces("the cat sat."), (std::vector<std::string>{u + "the", u + "cat", u + "sat", "."}));
        QCOMPARE(tok.sourcePieces("big dogs"), (std::vector<std::string>{u + "big", u + "dog", "s"}));
        auto id = [&](const std::string& piece) {
            const auto it = std::find(m_ref.pieces.begin(), m_ref.pieces.end(), piece);
            return int64_t(it - m_ref.pieces.begin());
        };
        QCOMPARE(tok.encodeSource("the cat."), (std::vector<int64_t>{id(u + "the"), id(u + "cat"), id("."), 0}));
        // An unknown character becomes <unk> (id 1); </s> closes every sequence.
        const auto withUnknown = tok.encodeSource("cat 7");
        QCOMPARE(withUnknown.back(), int64_t(0));
        QVERIFY(std::find(withUnknown.begin(), withUnknown.end(), int64_t(1)) != withUnknown.end());
        // Detokenisation skips the start (pad), </s> and <unk>, and strips the edges.
        QCOMPARE(tok.decodeTarget({m_ref.padId, id(u + "the"), id(u + "red"), id(u + "dog"), id("."), 0}),
                 std::string("the red dog."));
        QCOMPARE(tok.decodeTarget({m_ref.padId, id(u + "ran"), id(u), 0}), std::string("ran"));
        const auto& g = (*model)->config().generation;
        QCOMPARE(g.decoderStartTokenId, m_ref.padId);
        QCOMPARE(g.badWordsIds, (std::vector<std::vector<int64_t>>{{m_ref.padId}}));
        QCOMPARE(g.forcedEosTokenId, int64_t(0));
    }

    void generationConfigOverrides()
    {
        const auto dir = freshDir();
        writeText(dir + "/generation_config.json", R"({"max_length": 7, "num_beams": 3, "length_penalty": 0.6})");
        const auto cfg = loadSeq2SeqConfig(dir);
        REQUIRE_OK(cfg);
        QCOMPARE(cfg->generation.maxLength, 7);
        QCOMPARE(cfg->generation.numBeams, 3);
        QCOMPARE(cfg->generation.lengthPenalty, 0.6);
        QCOMPARE(cfg->generation.decoderStartTokenId, m_ref.padId); // from config.json
    }

    void missingConfigFields_data()
    {
        QTest::addColumn<QString>("field");
        for (const char* f : {"d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
                              "decoder_attention_heads", "encoder_ffn_dim", "decoder_ffn_dim", "vocab_size",
                              "max_position_embeddings", "pad_token_id", "eos_token_id"})
            QTest::newRow(f) << QString::fromLatin1(f);
    }
    void missingConfigFields()
    {
        QFETCH(QString, field);
        const auto dir = freshDir();
        editConfig(dir, [&](nlohmann::json& c) { c.erase(field.toStdString()); });
        const auto model = Seq2SeqModel::load(dir);
        QVERIFY(!model.ok());
        QVERIFY(endsWith(model.error().path, "config.json"));
        QVERIFY2(model.error().message.find(field.toStdString()) != std::string::npos, model.error().toString().c_str());
        QVERIFY(model.error().isInputError());
    }

    void unsupportedModelTypes_data()
    {
        QTest::addColumn<QString>("type");
        QTest::newRow("t5") << QStringLiteral("t5");
        QTest::newRow("bart") << QStringLiteral("bart");
        QTest::newRow("unknown") << QStringLiteral("my-own-model");
    }
    void unsupportedModelTypes()
    {
        QFETCH(QString, type);
        const auto dir = freshDir();
        editConfig(dir, [&](nlohmann::json& c) { c["model_type"] = type.toStdString(); });
        const auto model = Seq2SeqModel::load(dir);
        QVERIFY(!model.ok());
        QCOMPARE(model.error().code, ErrorCode::Unsupported);
        QVERIFY(endsWith(model.error().path, "config.json"));
        const auto& msg = model.error().message;
        QVERIFY2(msg.find(type.toStdString()) != std::string::npos && msg.find("supported") != std::string::npos &&
                     msg.find("marian") != std::string::npos,
                 msg.c_str());
        const auto read = readModelType(dir);
        REQUIRE_OK(read);
        QCOMPARE(read.value(), type.toStdString());
        QVERIFY(!isSeq2SeqModelType(read.value()));
    }

    void missingSpmFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("source") << QStringLiteral("source.spm");
        QTest::newRow("target") << QStringLiteral("target.spm");
        QTest::newRow("vocab") << QStringLiteral("vocab.json");
    }
    void missingSpmFiles()
    {
        QFETCH(QString, file);
        const auto dir = freshDir();
        fs::remove(dir + "/" + file.toStdString());
        const auto model = Seq2SeqModel::load(dir);
        QVERIFY(!model.ok());
        QCOMPARE(model.error().code, ErrorCode::FileNotFound);
        QVERIFY2(endsWith(model.error().path, file.toStdString()), model.error().toString().c_str());
    }

    void corruptSpmFile()
    {
        const auto dir = freshDir();
        writeText(dir + "/target.spm", "this is not a protocol buffer");
        const auto model = Seq2SeqModel::load(dir);
        QVERIFY(!model.ok());
        QCOMPARE(model.error().code, ErrorCode::InvalidFile);
        QVERIFY2(endsWith(model.error().path, "target.spm"), model.error().toString().c_str());
    }

    void vocabMismatch()
    {
        // A vocab.json made for other pieces: the spm pieces are mostly missing from it.
        {
            const auto dir = freshDir();
            nlohmann::json v = {{"</s>", 0}, {"<unk>", 1}, {"<pad>", m_ref.padId}};
            for (int i = 2; i < 20; ++i)
                v["other" + std::to_string(i)] = i;
            writeText(dir + "/vocab.json", v.dump());
            const auto model = Seq2SeqModel::load(dir);
            QVERIFY(!model.ok());
            QVERIFY2(endsWith(model.error().path, "source.spm"), model.error().toString().c_str());
            QVERIFY(model.error().detail.find("vocab.json") != std::string::npos);
        }
        // Special tokens missing or disagreeing with config.json; ids outside the vocabulary.
        for (const std::string edit : {"no-eos", "pad-id", "out-of-range"}) {
            const auto dir = freshDir();
            auto v = nlohmann::json::parse(readText(dir + "/vocab.json"));
            if (edit == "no-eos")
                v.erase("</s>");
            else if (edit == "pad-id")
                v["<pad>"] = 3;
            else
                v["extra"] = 100000;
            writeText(dir + "/vocab.json", v.dump());
            const auto model = Seq2SeqModel::load(dir);
            QVERIFY2(!model.ok(), edit.c_str());
            QVERIFY2(endsWith(model.error().path, "vocab.json"), model.error().toString().c_str());
            QCOMPARE(model.error().code, ErrorCode::InvalidFile);
        }
    }

    void weightShapesMustFitConfig()
    {
        const auto dir = freshDir();
        editConfig(dir, [&](nlohmann::json& c) { c["encoder_ffn_dim"] = 48; });
        const auto model = Seq2SeqModel::load(dir);
        QVERIFY(!model.ok());
        QVERIFY(endsWith(model.error().path, "model.safetensors"));
        QVERIFY2(model.error().message.find("fc1") != std::string::npos, model.error().toString().c_str());
    }
};

QTEST_GUILESS_MAIN(TestMarianLoading)
#include "tst_marian_loading.moc"
