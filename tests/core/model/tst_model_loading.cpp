// Loading Hugging Face folders: every broken input gives a typed error naming the file and the
// problem; pytorch_model.bin (zip torch.save), legacy pickles and sharded safetensors.
#include "analysis/encoded_dataset.h"
#include "analysis/evaluator.h"
#include "model/encoder_model.h"

#include "logit_checks.h"
#include "mini_safetensors.h"
#include "reference_encoder.h"
#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_random.h"
#include "tiny_vocab.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace headscope::core;
using namespace headscope::testing;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

#define VERIFY_CONTAINS(text, part)                                                                          \
    QVERIFY2(contains((text), (part)), qPrintable(QString::fromStdString("'" + std::string(part) +            \
                                                                         "' not in: " + (text))))

TinyBertSpec tinySpec()
{
    TinyBertSpec spec;
    spec.seed = 3;
    return spec;
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

EncodedDataset makeData()
{
    EncodedDataset d;
    TinyRandom rng(2);
    const int64_t vocab = int64_t(tinyVocab().size());
    for (int len : {6, 15, 3, 10}) {
        EncodedExample e;
        e.inputIds.push_back(2);
        for (int t = 0; t < len - 2; ++t)
            e.inputIds.push_back(5 + int64_t(rng.below(uint64_t(vocab - 5))));
        e.inputIds.push_back(3);
        e.tokenTypeIds.assign(e.inputIds.size(), 0);
        e.label = 0;
        d.examples.push_back(e);
    }
    return d;
}

std::vector<std::vector<float>> logitsOf(const EncoderModel& model)
{
    EvalParams p;
    p.batchSize = 4;
    auto r = evaluate(model, makeData(), p);
    return r ? r->logits : std::vector<std::vector<float>>{};
}

double maxDiffOracle(const std::vector<std::vector<float>>& got, const TinyBertModel& ref)
{
    return maxOracleLogitDiff(got, ref, makeData());
}

Error loadError(const std::string& dir)
{
    auto r = EncoderModel::load(dir);
    return r ? Error{ErrorCode::Runtime, "loaded without error", {}, {}} : r.error();
}

// The tensors as JSON ({name: {dtype, shape, values}}) for the Python side.
QByteArray tensorsJson(const RefTensorMap& tensors)
{
    QJsonObject all;
    for (const auto& [name, t] : tensors) {
        QJsonArray shape, values;
        for (auto s : t.shape)
            shape.append(qint64(s));
        for (double v : t.values)
            values.append(v);
        all.insert(QString::fromStdString(name), QJsonObject{{QStringLiteral("dtype"), QString::fromStdString(t.dtype)},
                                                             {QStringLiteral("shape"), shape},
                                                             {QStringLiteral("values"), values}});
    }
    return QJsonDocument(all).toJson(QJsonDocument::Compact);
}

} // namespace

class TestModelLoading : public QObject
{
    Q_OBJECT

private slots:
    void missingConfig()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        writeTinyBert(dir, tinySpec());
        fs::remove(dir + "/config.json");
        const Error e = loadError(dir);
        QCOMPARE(e.code, ErrorCode::FileNotFound);
        QCOMPARE(e.path, dir);
        VERIFY_CONTAINS(e.message, "config.json");

        const Error noDir = loadError(dir + "/nowhere");
        QCOMPARE(noDir.code, ErrorCode::FileNotFound);
        QCOMPARE(noDir.path, dir + "/nowhere");
    }

    void unknownModelType()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        writeTinyBert(dir, tinySpec());
        std::string cfg = tinyBertConfigJson(tinySpec());
        const std::string from = "\"model_type\": \"bert\"";
        QVERIFY(contains(cfg, from));
        cfg.replace(cfg.find(from), from.size(), "\"model_type\": \"gpt2\"");
        writeText(dir + "/config.json", cfg);
        const Error e = loadError(dir);
        QCOMPARE(e.code, ErrorCode::Unsupported);
        QCOMPARE(e.path, dir + "/config.json");
        VERIFY_CONTAINS(e.message, "gpt2");
        VERIFY_CONTAINS(e.message, "bert, distilbert");
    }

    // config.json says hidden 32, the weights are hidden 16.
    void configWeightsShapeMismatch()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        writeTinyBert(dir, tinySpec());
        TinyBertSpec wide = tinySpec();
        wide.hidden = 32;
        wide.intermediate = 64;
        writeText(dir + "/config.json", tinyBertConfigJson(wide));
        const Error e = loadError(dir);
        QCOMPARE(e.code, ErrorCode::ShapeMismatch);
        QCOMPARE(e.path, dir + "/model.safetensors");
        const std::string v = std::to_string(tinyVocab().size());
        VERIFY_CONTAINS(e.message, "bert.embeddings.word_embeddings.weight");
        VERIFY_CONTAINS(e.message, "[" + v + ", 16]");
        VERIFY_CONTAINS(e.message, "[" + v + ", 32]");
    }

    void missingTensor()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        TinyBertModel m = writeTinyBert(dir, tinySpec());
        const std::string name = "bert.encoder.layer.1.attention.self.key.bias";
        QCOMPARE(m.weights.tensors.erase(name), size_t(1));
        writeMiniSafetensors(dir + "/model.safetensors", m.weights.tensors);
        const Error e = loadError(dir);
        QCOMPARE(e.code, ErrorCode::InvalidFile);
        QCOMPARE(e.path, dir + "/model.safetensors");
        VERIFY_CONTAINS(e.message, name);

        // Without the classifier: not a sequence classifier, and the message says so.
        m = writeTinyBert(dir, tinySpec());
        m.weights.tensors.erase("classifier.weight");
        writeMiniSafetensors(dir + "/model.safetensors", m.weights.tensors);
        const Error noHead = loadError(dir);
        QCOMPARE(noHead.code, ErrorCode::InvalidFile);
        VERIFY_CONTAINS(noHead.message, "classifier.weight");
        VERIFY_CONTAINS(noHead.message, "ForSequenceClassification");
    }

    void noWeightsFile()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        writeTinyBert(dir, tinySpec());
        fs::remove(dir + "/model.safetensors");
        const Error e = loadError(dir);
        QCOMPARE(e.code, ErrorCode::FileNotFound);
        QCOMPARE(e.path, dir);
        VERIFY_CONTAINS(e.message, "model.safetensors");
        VERIFY_CONTAINS(e.message, "model.safetensors.index.json");
        VERIFY_CONTAINS(e.message, "pytorch_model.bin");
    }

    void truncatedSafetensors()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        writeTinyBert(dir, tinySpec());
        const std::string file = dir + "/model.safetensors";
        const auto size = fs::file_size(file);
        for (uintmax_t keep : {size - 4, size / 2, uintmax_t(100), uintmax_t(5), uintmax_t(0)}) {
            writeTinyBert(dir, tinySpec());
            fs::resize_file(file, keep);
            const Error e = loadError(dir);
            QVERIFY2(e.code == ErrorCode::InvalidFile,
                     qPrintable(QStringLiteral("%1 bytes: %2").arg(keep).arg(QString::fromStdString(e.toString()))));
            QCOMPARE(e.path, file);
            QVERIFY(!e.message.empty());
        }
    }

    void missingVocabulary()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        writeTinyBert(dir, tinySpec());
        fs::remove(dir + "/vocab.txt");
        const Error e = loadError(dir);
        QCOMPARE(e.code, ErrorCode::FileNotFound);
        QCOMPARE(e.path, dir);
        VERIFY_CONTAINS(e.message, "vocab.txt");
    }

    // A pickle without the zip container (torch.save's pre-1.6 format) is refused with advice.
    void legacyPickleMessage()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        writeTinyBert(dir, tinySpec());
        fs::remove(dir + "/model.safetensors");
        writeText(dir + "/pytorch_model.bin", std::string("\x80\x02}q\x00.", 6)); // pickle protocol 2: {}
        const Error e = loadError(dir);
        QCOMPARE(e.code, ErrorCode::Unsupported);
        QCOMPARE(e.path, dir + "/pytorch_model.bin");
        VERIFY_CONTAINS(e.message, "convert it to model.safetensors");
    }

    // torch.save(state_dict) from Python's torch: the zip file loads like the safetensors file,
    // the legacy file gets the conversion message.
    void pytorchBinFromPython()
    {
        const QString python = QStringLiteral("/usr/bin/python3");
        if (!QFileInfo::exists(python))
            QSKIP("/usr/bin/python3 is absent");
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        const TinyBertModel ref = writeTinyBert(dir + "/st", tinySpec());
        writeTinyBert(dir + "/bin", tinySpec());
        writeTinyBert(dir + "/legacy", tinySpec());
        for (const char* sub : {"/bin", "/legacy"})
            fs::remove(dir + sub + "/model.safetensors");
        QFile json(tmp.path() + QStringLiteral("/tensors.json"));
        QVERIFY(json.open(QIODevice::WriteOnly));
        json.write(tensorsJson(ref.weights.tensors));
        json.close();

        const QString script = QStringLiteral(
            "import json, sys\n"
            "try:\n"
            "    import torch\n"
            "except ImportError:\n"
            "    sys.exit(77)\n"
            "sd = {}\n"
            "for name, t in json.load(open(sys.argv[1])).items():\n"
            "    dtype = torch.int64 if t['dtype'] == 'I64' else torch.float32\n"
            "    sd[name] = torch.tensor(t['values'], dtype=dtype).reshape(t['shape'])\n"
            "torch.save(sd, sys.argv[2])\n"
            "torch.save(sd, sys.argv[3], _use_new_zipfile_serialization=False)\n");
        QProcess proc;
        proc.start(python, {QStringLiteral("-c"), script, json.fileName(), tmp.path() + QStringLiteral("/bin/pytorch_model.bin"),
                            tmp.path() + QStringLiteral("/legacy/pytorch_model.bin")});
        QVERIFY(proc.waitForFinished(180000));
        if (proc.exitCode() == 77)
            QSKIP("/usr/bin/python3 has no torch");
        QVERIFY2(proc.exitCode() == 0, proc.readAllStandardError().constData());

        auto st = EncoderModel::load(dir + "/st");
        REQUIRE_OK(st);
        auto bin = EncoderModel::load(dir + "/bin");
        REQUIRE_OK(bin);
        QCOMPARE((*bin)->weightsFile(), dir + "/bin/pytorch_model.bin");
        QCOMPARE((*bin)->parameterCount(), (*st)->parameterCount());
        const auto a = logitsOf(**st);
        const auto b = logitsOf(**bin);
        QVERIFY2(maxLogitDiff(a, b) <= 1e-6, qPrintable(QString::number(maxLogitDiff(a, b))));
        QVERIFY(maxDiffOracle(b, ref) <= 1e-5);
        // The position_ids buffer (int64) is reported as unused.
        const auto& ignored = (*bin)->ignoredTensors();
        QVERIFY(std::find(ignored.begin(), ignored.end(), "bert.embeddings.position_ids") != ignored.end());

        const Error legacy = loadError(dir + "/legacy");
        QCOMPARE(legacy.code, ErrorCode::Unsupported);
        QCOMPARE(legacy.path, dir + "/legacy/pytorch_model.bin");
        VERIFY_CONTAINS(legacy.message, "safetensors");
    }

    // Two shards + model.safetensors.index.json load with the same logits as one file.
    void shardedSafetensors()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        const TinyBertModel ref = writeTinyBert(dir + "/single", tinySpec());
        writeTinyBert(dir + "/sharded", tinySpec());
        fs::remove(dir + "/sharded/model.safetensors");
        RefTensorMap shards[2];
        QJsonObject weightMap;
        int i = 0;
        const char* names[2] = {"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"};
        for (const auto& [name, t] : ref.weights.tensors) {
            shards[i % 2].emplace(name, t);
            weightMap.insert(QString::fromStdString(name), QString::fromLatin1(names[i % 2]));
            ++i;
        }
        writeMiniSafetensors(dir + "/sharded/" + names[0], shards[0]);
        writeMiniSafetensors(dir + "/sharded/" + names[1], shards[1]);
        QJsonObject index{{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("total_size"), 0}}},
                          {QStringLiteral("weight_map"), weightMap}};
        writeText(dir + "/sharded/model.safetensors.index.json", QJsonDocument(index).toJson().toStdString());

        auto single = EncoderModel::load(dir + "/single");
        REQUIRE_OK(single);
        auto sharded = EncoderModel::load(dir + "/sharded");
        REQUIRE_OK(sharded);
        QCOMPARE((*sharded)->weightsFile(), dir + "/sharded/model.safetensors.index.json");
        const auto a = logitsOf(**single);
        const auto b = logitsOf(**sharded);
        QVERIFY2(maxLogitDiff(a, b) == 0.0, qPrintable(QString::number(maxLogitDiff(a, b))));
        QVERIFY(maxDiffOracle(b, ref) <= 1e-5);

        // A missing shard is named.
        fs::remove(dir + "/sharded/" + names[1]);
        const Error e = loadError(dir + "/sharded");
        QVERIFY(e.code == ErrorCode::FileNotFound || e.code == ErrorCode::InvalidFile);
        VERIFY_CONTAINS(e.toString(), names[1]);
    }
};

QTEST_GUILESS_MAIN(TestModelLoading)
#include "tst_model_loading.moc"
