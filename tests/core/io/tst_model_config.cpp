// ModelConfig: Hugging Face config.json for BERT and DistilBERT, validation messages and the
// round trip through modelConfigToJson.
#include "io/model_config.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <fstream>

using namespace headscope::core;

namespace {

// The tiny_bert fixture's config.json as Hugging Face transformers wrote it.
const char* const kBertConfig = R"({
  "architectures": ["BertForSequenceClassification"],
  "attention_probs_dropout_prob": 0.1,
  "classifier_dropout": null,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "hidden_size": 64,
  "id2label": {"0": "LABEL_0", "1": "LABEL_1"},
  "initializer_range": 0.02,
  "intermediate_size": 128,
  "label2id": {"LABEL_0": 0, "LABEL_1": 1},
  "layer_norm_eps": 1e-12,
  "max_position_embeddings": 128,
  "model_type": "bert",
  "num_attention_heads": 4,
  "num_hidden_layers": 4,
  "pad_token_id": 0,
  "position_embedding_type": "absolute",
  "torch_dtype": "float32",
  "type_vocab_size": 2,
  "vocab_size": 195
})";

// distilbert-base-uncased-finetuned-sst-2-english's config.json (field names and values).
const char* const kDistilBertConfig = R"({
  "activation": "gelu",
  "architectures": ["DistilBertForSequenceClassification"],
  "attention_dropout": 0.1,
  "dim": 768,
  "dropout": 0.1,
  "finetuning_task": "sst-2",
  "hidden_dim": 3072,
  "id2label": {"0": "NEGATIVE", "1": "POSITIVE"},
  "initializer_range": 0.02,
  "label2id": {"NEGATIVE": 0, "POSITIVE": 1},
  "max_position_embeddings": 512,
  "model_type": "distilbert",
  "n_heads": 12,
  "n_layers": 6,
  "output_past": true,
  "pad_token_id": 0,
  "qa_dropout": 0.1,
  "seq_classif_dropout": 0.2,
  "sinusoidal_pos_embds": false,
  "tie_weights_": true,
  "vocab_size": 30522
})";

// The BERT config with one field replaced (or removed when value is empty).
std::string bertWith(const char* key, const QJsonValue& value)
{
    QJsonObject o = QJsonDocument::fromJson(kBertConfig).object();
    if (value.isUndefined())
        o.remove(QString::fromLatin1(key));
    else
        o.insert(QString::fromLatin1(key), value);
    return QJsonDocument(o).toJson().toStdString();
}

std::string distilWith(const char* key, const QJsonValue& value)
{
    QJsonObject o = QJsonDocument::fromJson(kDistilBertConfig).object();
    if (value.isUndefined())
        o.remove(QString::fromLatin1(key));
    else
        o.insert(QString::fromLatin1(key), value);
    return QJsonDocument(o).toJson().toStdString();
}

const std::string kPath = "/models/demo/config.json";

QString errorMismatch(const Result<ModelConfig>& result, ErrorCode code, const QStringList& parts)
{
    if (result.ok())
        return QStringLiteral("expected an error, got success");
    const QString text = QString::fromStdString(result.error().toString());
    if (result.error().code != code)
        return QStringLiteral("wrong code %1: %2").arg(QString::fromLatin1(errorCodeName(result.error().code)), text);
    if (!text.contains(QString::fromStdString(kPath)))
        return QStringLiteral("path missing from: ") + text;
    for (const QString& part : parts)
        if (!text.contains(part))
            return QStringLiteral("'%1' missing from: %2").arg(part, text);
    return {};
}

} // namespace

class TestModelConfig : public QObject
{
    Q_OBJECT

private slots:
    void bertConfig();
    void bertActivations_data();
    void bertActivations();
    void distilBertConfig();
    void distilBertSinusoidalStillLoads();
    void prunedHeads();
    void labels();
    void invalidConfigs_data();
    void invalidConfigs();
    void unknownModelTypeMessage();
    void roundTripBert();
    void roundTripDistilBert();
    void loadFromFile();
};

void TestModelConfig::bertConfig()
{
    const auto result = parseModelConfig(kBertConfig, kPath);
    QVERIFY2(result.ok(), result.error().toString().c_str());
    const ModelConfig& c = result.value();
    QCOMPARE(c.architecture, Architecture::Bert);
    QCOMPARE(c.modelType, std::string("bert"));
    QCOMPARE(c.nLayers, 4);
    QCOMPARE(c.nHeads, 4);
    QCOMPARE(c.hiddenSize, 64);
    QCOMPARE(c.headDim(), 16);
    QCOMPARE(c.intermediateSize, 128);
    QCOMPARE(c.layerNormEps, 1e-12);
    QCOMPARE(c.activation, Activation::GeluErf);
    QCOMPARE(c.maxPositionEmbeddings, 128);
    QCOMPARE(c.typeVocabSize, 2);
    QCOMPARE(c.vocabSize, 195);
    QCOMPARE(c.padTokenId, 0);
    QCOMPARE(c.nLabels, 2);
    QCOMPARE(c.id2label, (std::vector<std::string>{"LABEL_0", "LABEL_1"}));
    QCOMPARE(c.label2id.at("LABEL_1"), 1);
    QCOMPARE(c.prunedHeads.size(), size_t(4));
    for (int l = 0; l < 4; ++l) {
        QVERIFY(c.prunedHeads[l].empty());
        QCOMPARE(c.nHeadsInLayer(l), 4);
    }
    QCOMPARE(c.nHeadsInLayer(4), 0);
    QVERIFY(c.problemType.empty());
}

void TestModelConfig::bertActivations_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("activation");
    QTest::newRow("gelu") << "gelu" << int(Activation::GeluErf);
    QTest::newRow("gelu_new") << "gelu_new" << int(Activation::GeluTanh);
    QTest::newRow("gelu_pytorch_tanh") << "gelu_pytorch_tanh" << int(Activation::GeluTanh);
    QTest::newRow("relu") << "relu" << int(Activation::Relu);
    QTest::newRow("silu") << "silu" << -1;
}

void TestModelConfig::bertActivations()
{
    QFETCH(QString, name);
    QFETCH(int, activation);
    const auto result = parseModelConfig(bertWith("hidden_act", name), kPath);
    if (activation < 0) {
        const QString problem = errorMismatch(result, ErrorCode::Unsupported, {"activation 'silu'"});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        return;
    }
    QVERIFY2(result.ok(), result.error().toString().c_str());
    QCOMPARE(int(result->activation), activation);
}

void TestModelConfig::distilBertConfig()
{
    const auto result = parseModelConfig(kDistilBertConfig, kPath);
    QVERIFY2(result.ok(), result.error().toString().c_str());
    const ModelConfig& c = result.value();
    QCOMPARE(c.architecture, Architecture::DistilBert);
    QCOMPARE(c.modelType, std::string("distilbert"));
    QCOMPARE(c.nLayers, 6);
    QCOMPARE(c.nHeads, 12);
    QCOMPARE(c.hiddenSize, 768);
    QCOMPARE(c.headDim(), 64);
    QCOMPARE(c.intermediateSize, 3072);
    QCOMPARE(c.activation, Activation::GeluErf);
    QCOMPARE(c.maxPositionEmbeddings, 512);
    QCOMPARE(c.vocabSize, 30522);
    QCOMPARE(c.typeVocabSize, 0);
    QCOMPARE(c.layerNormEps, 1e-12);
    QCOMPARE(c.nLabels, 2);
    QCOMPARE(c.id2label, (std::vector<std::string>{"NEGATIVE", "POSITIVE"}));
    QCOMPARE(c.label2id.at("POSITIVE"), 1);
    QCOMPARE(c.prunedHeads.size(), size_t(6));
    QCOMPARE(c.nHeadsInLayer(5), 12);

    const auto relu = parseModelConfig(distilWith("activation", QStringLiteral("relu")), kPath);
    QVERIFY(relu.ok());
    QCOMPARE(relu->activation, Activation::Relu);

    // BERT's field names mean nothing to DistilBERT.
    const auto missing = parseModelConfig(distilWith("n_heads", QJsonValue::Undefined), kPath);
    const QString problem = errorMismatch(missing, ErrorCode::InvalidFile, {"n_heads"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestModelConfig::distilBertSinusoidalStillLoads()
{
    const auto result = parseModelConfig(distilWith("sinusoidal_pos_embds", true), kPath);
    QVERIFY2(result.ok(), result.error().toString().c_str());
    QCOMPARE(result->nLayers, 6);
}

void TestModelConfig::prunedHeads()
{
    QJsonObject pruned;
    pruned.insert(QStringLiteral("0"), QJsonArray({3, 1, 1}));
    pruned.insert(QStringLiteral("2"), QJsonArray({0, 1, 2, 3}));
    pruned.insert(QStringLiteral("3"), QJsonArray());
    const auto result = parseModelConfig(bertWith("pruned_heads", pruned), kPath);
    QVERIFY2(result.ok(), result.error().toString().c_str());
    const ModelConfig& c = result.value();
    QCOMPARE(c.prunedHeads.size(), size_t(4));
    QCOMPARE(c.prunedHeads[0], (std::vector<int>{1, 3})); // sorted, duplicates dropped
    QVERIFY(c.prunedHeads[1].empty());
    QCOMPARE(c.prunedHeads[2], (std::vector<int>{0, 1, 2, 3}));
    QCOMPARE(c.nHeadsInLayer(0), 2);
    QCOMPARE(c.nHeadsInLayer(1), 4);
    QCOMPARE(c.nHeadsInLayer(2), 0); // a layer may lose every head
    QCOMPARE(c.nHeadsInLayer(3), 4);

    QJsonObject badHead;
    badHead.insert(QStringLiteral("1"), QJsonArray({0, 4}));
    QString problem = errorMismatch(parseModelConfig(bertWith("pruned_heads", badHead), kPath),
                                    ErrorCode::InvalidFile, {"pruned_heads", "layer 1, head 4", "4 heads"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    QJsonObject badLayer;
    badLayer.insert(QStringLiteral("4"), QJsonArray({0}));
    problem = errorMismatch(parseModelConfig(bertWith("pruned_heads", badLayer), kPath), ErrorCode::InvalidFile,
                            {"pruned_heads", "layer 4", "4 layers"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    QJsonObject badKey;
    badKey.insert(QStringLiteral("first"), QJsonArray({0}));
    problem = errorMismatch(parseModelConfig(bertWith("pruned_heads", badKey), kPath), ErrorCode::InvalidFile,
                            {"pruned_heads", "'first'"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    QJsonObject negative;
    negative.insert(QStringLiteral("0"), QJsonArray({-1}));
    problem = errorMismatch(parseModelConfig(bertWith("pruned_heads", negative), kPath), ErrorCode::InvalidFile,
                            {"pruned_heads"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestModelConfig::labels()
{
    // No labels at all: Hugging Face's defaults (2 labels named LABEL_i).
    std::string text = bertWith("id2label", QJsonValue::Undefined);
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
    o.remove(QStringLiteral("label2id"));
    auto result = parseModelConfig(QJsonDocument(o).toJson().toStdString(), kPath);
    QVERIFY2(result.ok(), result.error().toString().c_str());
    QCOMPARE(result->nLabels, 2);
    QCOMPARE(result->id2label, (std::vector<std::string>{"LABEL_0", "LABEL_1"}));
    QCOMPARE(result->label2id.at("LABEL_0"), 0);

    // num_labels alone.
    o.insert(QStringLiteral("num_labels"), 5);
    result = parseModelConfig(QJsonDocument(o).toJson().toStdString(), kPath);
    QVERIFY(result.ok());
    QCOMPARE(result->nLabels, 5);
    QCOMPARE(result->id2label.size(), size_t(5));
    QCOMPARE(result->id2label[4], std::string("LABEL_4"));

    // Three labels, keys out of order.
    QJsonObject id2label;
    id2label.insert(QStringLiteral("2"), QStringLiteral("neutral"));
    id2label.insert(QStringLiteral("0"), QStringLiteral("contradiction"));
    id2label.insert(QStringLiteral("1"), QStringLiteral("entailment"));
    o = QJsonDocument::fromJson(QByteArray::fromStdString(bertWith("id2label", id2label))).object();
    o.remove(QStringLiteral("label2id"));
    o.insert(QStringLiteral("problem_type"), QStringLiteral("single_label_classification"));
    result = parseModelConfig(QJsonDocument(o).toJson().toStdString(), kPath);
    QVERIFY2(result.ok(), result.error().toString().c_str());
    QCOMPARE(result->nLabels, 3);
    QCOMPARE(result->id2label, (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
    QCOMPARE(result->label2id.at("neutral"), 2);
    QCOMPARE(result->problemType, std::string("single_label_classification"));

    // num_labels disagreeing with id2label.
    o.insert(QStringLiteral("num_labels"), 2);
    QString problem = errorMismatch(parseModelConfig(QJsonDocument(o).toJson().toStdString(), kPath),
                                    ErrorCode::InvalidFile, {"num_labels", "id2label", "2", "3"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // A gap in the ids.
    QJsonObject gap;
    gap.insert(QStringLiteral("0"), QStringLiteral("a"));
    gap.insert(QStringLiteral("2"), QStringLiteral("b"));
    problem = errorMismatch(parseModelConfig(bertWith("id2label", gap), kPath), ErrorCode::InvalidFile,
                            {"id2label", "key '2'"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // label2id pointing past the labels.
    QJsonObject label2id;
    label2id.insert(QStringLiteral("LABEL_0"), 0);
    label2id.insert(QStringLiteral("LABEL_1"), 7);
    problem = errorMismatch(parseModelConfig(bertWith("label2id", label2id), kPath), ErrorCode::InvalidFile,
                            {"label2id", "LABEL_1"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestModelConfig::invalidConfigs_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("code");
    QTest::addColumn<QStringList>("parts");
    const auto q = [](const std::string& s) { return QString::fromStdString(s); };
    const int invalid = int(ErrorCode::InvalidFile);

    QTest::newRow("not JSON") << "{\"model_type\": \"bert\"," << invalid << QStringList{"not valid JSON"};
    QTest::newRow("array") << "[1, 2]" << invalid << QStringList{"not a JSON object"};
    QTest::newRow("no model_type") << q(bertWith("model_type", QJsonValue::Undefined)) << invalid
                                   << QStringList{"model_type"};
    QTest::newRow("model_type not a string") << q(bertWith("model_type", 3)) << invalid << QStringList{"model_type"};
    QTest::newRow("missing hidden_size") << q(bertWith("hidden_size", QJsonValue::Undefined)) << invalid
                                         << QStringList{"hidden_size", "lacks"};
    QTest::newRow("missing num_hidden_layers") << q(bertWith("num_hidden_layers", QJsonValue::Undefined)) << invalid
                                               << QStringList{"num_hidden_layers"};
    QTest::newRow("layers as string") << q(bertWith("num_hidden_layers", QStringLiteral("4"))) << invalid
                                      << QStringList{"num_hidden_layers", "integer", "\"4\""};
    QTest::newRow("layers as float") << q(bertWith("num_hidden_layers", 4.5)) << invalid
                                     << QStringList{"num_hidden_layers", "integer"};
    QTest::newRow("heads do not divide hidden") << q(bertWith("num_attention_heads", 5)) << invalid
                                                << QStringList{"multiple of the head count", "hidden 64", "heads 5"};
    QTest::newRow("zero layers") << q(bertWith("num_hidden_layers", 0)) << invalid
                                 << QStringList{"layer count", "positive"};
    QTest::newRow("negative heads") << q(bertWith("num_attention_heads", -4)) << invalid
                                    << QStringList{"head count", "positive"};
    QTest::newRow("pad outside vocab") << q(bertWith("pad_token_id", 195)) << invalid
                                       << QStringList{"pad_token_id", "195"};
    QTest::newRow("relative positions") << q(bertWith("position_embedding_type", QStringLiteral("relative_key")))
                                        << int(ErrorCode::Unsupported) << QStringList{"relative_key"};
    QTest::newRow("bad eps") << q(bertWith("layer_norm_eps", 0)) << invalid << QStringList{"layer_norm_eps"};
    QTest::newRow("unknown problem_type") << q(bertWith("problem_type", QStringLiteral("ranking"))) << invalid
                                          << QStringList{"problem_type", "ranking"};
    QTest::newRow("id2label not an object") << q(bertWith("id2label", QJsonArray({QStringLiteral("a")}))) << invalid
                                            << QStringList{"id2label", "object"};
    QTest::newRow("distilbert bad dim") << q(distilWith("dim", 100)) << invalid
                                        << QStringList{"multiple of the head count", "hidden 100", "heads 12"};
    QTest::newRow("distilbert activation") << q(distilWith("activation", QStringLiteral("swish")))
                                           << int(ErrorCode::Unsupported) << QStringList{"swish", "activation"};
}

void TestModelConfig::invalidConfigs()
{
    QFETCH(QString, text);
    QFETCH(int, code);
    QFETCH(QStringList, parts);
    const auto result = parseModelConfig(text.toStdString(), kPath);
    const QString problem = errorMismatch(result, ErrorCode(code), parts);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(result.error().path, kPath);
}

void TestModelConfig::unknownModelTypeMessage()
{
    const auto result = parseModelConfig(R"({"model_type": "gpt2", "n_layer": 12})", kPath);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::Unsupported);
    QCOMPARE(result.error().message, std::string("unsupported architecture 'gpt2'; supported: bert, distilbert"));
    QCOMPARE(result.error().toString(),
             kPath + ": unsupported architecture 'gpt2'; supported: bert, distilbert");
}

void TestModelConfig::roundTripBert()
{
    QJsonObject o = QJsonDocument::fromJson(kBertConfig).object();
    QJsonObject pruned;
    pruned.insert(QStringLiteral("0"), QJsonArray({3, 1}));
    pruned.insert(QStringLiteral("3"), QJsonArray({2}));
    o.insert(QStringLiteral("pruned_heads"), pruned);
    o.insert(QStringLiteral("hidden_act"), QStringLiteral("relu"));
    o.insert(QStringLiteral("problem_type"), QStringLiteral("single_label_classification"));
    const auto original = parseModelConfig(QJsonDocument(o).toJson().toStdString(), kPath);
    QVERIFY2(original.ok(), original.error().toString().c_str());

    const std::string text = modelConfigToJson(original.value());
    // What transformers reads: BERT's own field names, string layer keys for pruned_heads.
    QJsonParseError error;
    const QJsonObject out = QJsonDocument::fromJson(QByteArray::fromStdString(text), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(out.value(QStringLiteral("architectures")).toArray(),
             QJsonArray({QStringLiteral("BertForSequenceClassification")}));
    QCOMPARE(out.value(QStringLiteral("model_type")).toString(), QStringLiteral("bert"));
    QCOMPARE(out.value(QStringLiteral("num_hidden_layers")).toInt(), 4);
    QCOMPARE(out.value(QStringLiteral("num_attention_heads")).toInt(), 4);
    QCOMPARE(out.value(QStringLiteral("hidden_size")).toInt(), 64);
    QCOMPARE(out.value(QStringLiteral("intermediate_size")).toInt(), 128);
    QCOMPARE(out.value(QStringLiteral("hidden_act")).toString(), QStringLiteral("relu"));
    QCOMPARE(out.value(QStringLiteral("layer_norm_eps")).toDouble(), 1e-12);
    QCOMPARE(out.value(QStringLiteral("type_vocab_size")).toInt(), 2);
    QCOMPARE(out.value(QStringLiteral("vocab_size")).toInt(), 195);
    QCOMPARE(out.value(QStringLiteral("max_position_embeddings")).toInt(), 128);
    QCOMPARE(out.value(QStringLiteral("position_embedding_type")).toString(), QStringLiteral("absolute"));
    QVERIFY(!out.contains(QStringLiteral("n_layers")));
    QJsonObject expectedPruned;
    expectedPruned.insert(QStringLiteral("0"), QJsonArray({1, 3}));
    expectedPruned.insert(QStringLiteral("3"), QJsonArray({2}));
    QCOMPARE(out.value(QStringLiteral("pruned_heads")).toObject(), expectedPruned);
    QJsonObject expectedId2label;
    expectedId2label.insert(QStringLiteral("0"), QStringLiteral("LABEL_0"));
    expectedId2label.insert(QStringLiteral("1"), QStringLiteral("LABEL_1"));
    QCOMPARE(out.value(QStringLiteral("id2label")).toObject(), expectedId2label);
    QCOMPARE(out.value(QStringLiteral("label2id")).toObject().value(QStringLiteral("LABEL_1")).toInt(), 1);

    const auto again = parseModelConfig(text, kPath);
    QVERIFY2(again.ok(), again.error().toString().c_str());
    const ModelConfig& a = original.value();
    const ModelConfig& b = again.value();
    QCOMPARE(b.architecture, a.architecture);
    QCOMPARE(b.nLayers, a.nLayers);
    QCOMPARE(b.nHeads, a.nHeads);
    QCOMPARE(b.hiddenSize, a.hiddenSize);
    QCOMPARE(b.intermediateSize, a.intermediateSize);
    QCOMPARE(b.layerNormEps, a.layerNormEps);
    QCOMPARE(b.activation, Activation::Relu);
    QCOMPARE(b.maxPositionEmbeddings, a.maxPositionEmbeddings);
    QCOMPARE(b.typeVocabSize, a.typeVocabSize);
    QCOMPARE(b.vocabSize, a.vocabSize);
    QCOMPARE(b.padTokenId, a.padTokenId);
    QCOMPARE(b.nLabels, a.nLabels);
    QCOMPARE(b.id2label, a.id2label);
    QCOMPARE(b.label2id, a.label2id);
    QCOMPARE(b.prunedHeads, a.prunedHeads);
    QCOMPARE(b.problemType, a.problemType);

    // No pruning: no pruned_heads key at all.
    const std::string plain = modelConfigToJson(parseModelConfig(kBertConfig, kPath).value());
    QVERIFY(!QJsonDocument::fromJson(QByteArray::fromStdString(plain)).object().contains(QStringLiteral("pruned_heads")));
}

void TestModelConfig::roundTripDistilBert()
{
    QJsonObject o = QJsonDocument::fromJson(kDistilBertConfig).object();
    QJsonObject pruned;
    pruned.insert(QStringLiteral("5"), QJsonArray({11, 0}));
    o.insert(QStringLiteral("pruned_heads"), pruned);
    const auto original = parseModelConfig(QJsonDocument(o).toJson().toStdString(), kPath);
    QVERIFY2(original.ok(), original.error().toString().c_str());
    QCOMPARE(original->nHeadsInLayer(5), 10);

    const std::string text = modelConfigToJson(original.value());
    const QJsonObject out = QJsonDocument::fromJson(QByteArray::fromStdString(text)).object();
    QCOMPARE(out.value(QStringLiteral("architectures")).toArray(),
             QJsonArray({QStringLiteral("DistilBertForSequenceClassification")}));
    QCOMPARE(out.value(QStringLiteral("model_type")).toString(), QStringLiteral("distilbert"));
    QCOMPARE(out.value(QStringLiteral("n_layers")).toInt(), 6);
    QCOMPARE(out.value(QStringLiteral("n_heads")).toInt(), 12);
    QCOMPARE(out.value(QStringLiteral("dim")).toInt(), 768);
    QCOMPARE(out.value(QStringLiteral("hidden_dim")).toInt(), 3072);
    QCOMPARE(out.value(QStringLiteral("activation")).toString(), QStringLiteral("gelu"));
    QVERIFY(!out.contains(QStringLiteral("num_hidden_layers")));
    QVERIFY(!out.contains(QStringLiteral("type_vocab_size")));
    QCOMPARE(out.value(QStringLiteral("pruned_heads")).toObject().value(QStringLiteral("5")).toArray(),
             QJsonArray({0, 11}));

    const auto again = parseModelConfig(text, kPath);
    QVERIFY2(again.ok(), again.error().toString().c_str());
    QCOMPARE(again->architecture, Architecture::DistilBert);
    QCOMPARE(again->nLayers, 6);
    QCOMPARE(again->hiddenSize, 768);
    QCOMPARE(again->typeVocabSize, 0);
    QCOMPARE(again->prunedHeads, original->prunedHeads);
    QCOMPARE(again->id2label, original->id2label);
    QCOMPARE(again->label2id, original->label2id);
}

void TestModelConfig::loadFromFile()
{
    QTemporaryDir dir;
    const std::string file = dir.filePath(QStringLiteral("config.json")).toStdString();
    {
        std::ofstream out(file);
        out << kDistilBertConfig;
    }
    const auto loaded = loadModelConfig(file);
    QVERIFY2(loaded.ok(), loaded.error().toString().c_str());
    QCOMPARE(loaded->nLayers, 6);

    const std::string missing = dir.filePath(QStringLiteral("nope.json")).toStdString();
    const auto notFound = loadModelConfig(missing);
    QVERIFY(!notFound.ok());
    QCOMPARE(notFound.error().code, ErrorCode::FileNotFound);
    QCOMPARE(notFound.error().path, missing);

    // The fixtures' configs, written by transformers (values read from the files by hand).
    const QString real = QStringLiteral(HEADSCOPE_FIXTURES_DIR "/real/sst2_small/config.json");
    if (!QFile::exists(real))
        QSKIP("reference fixtures not found (HEADSCOPE_FIXTURES_DIR)");
    const auto sst2 = loadModelConfig(real.toStdString());
    QVERIFY2(sst2.ok(), sst2.error().toString().c_str());
    QCOMPARE(sst2->nLayers, 2);
    QCOMPARE(sst2->nHeads, 12);
    QCOMPARE(sst2->hiddenSize, 96);
    QCOMPARE(sst2->headDim(), 8);
    QCOMPARE(sst2->intermediateSize, 384);
    QCOMPARE(sst2->vocabSize, 6000);
    QCOMPARE(sst2->id2label, (std::vector<std::string>{"negative", "positive"}));
    const auto tiny = loadModelConfig(HEADSCOPE_FIXTURES_DIR "/reference/tiny_bert/config.json");
    QVERIFY2(tiny.ok(), tiny.error().toString().c_str());
    QCOMPARE(tiny->nLayers, 4);
    QCOMPARE(tiny->vocabSize, 195);
}

QTEST_GUILESS_MAIN(TestModelConfig)
#include "tst_model_config.moc"
