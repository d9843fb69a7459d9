// Checks the test-support library itself: the float64 reference encoder against the paper code's
// numbers and against an independent torch computation, the tiny-model writer (pruning, files),
// and the test safetensors reader/writer.
#include "mini_safetensors.h"
#include "reference_encoder.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

using namespace headscope::testing;

namespace {

QString fixtureDir()
{
    return QStringLiteral(HEADSCOPE_FIXTURES_DIR "/reference");
}

QJsonObject loadJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<int64_t> toIds(const QJsonValue& v)
{
    std::vector<int64_t> out;
    for (const auto& x : v.toArray())
        out.push_back(int64_t(x.toDouble()));
    return out;
}

std::vector<std::string> readLines(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::vector<std::string> splitTabs(const std::string& line)
{
    std::vector<std::string> parts;
    std::stringstream ss(line);
    for (std::string part; std::getline(ss, part, '\t');)
        parts.push_back(part);
    return parts;
}

bool near(double a, double b, double tol)
{
    return std::fabs(a - b) <= tol;
}

#define COMPARE_NEAR(a, b, tol)                                                                              \
    QVERIFY2(near((a), (b), (tol)),                                                                          \
             qPrintable(QStringLiteral("%1 vs %2").arg((a), 0, 'g', 12).arg((b), 0, 'g', 12)))

void compareVectors(const std::vector<double>& got, const std::vector<double>& want, double tol)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
        COMPARE_NEAR(got[i], want[i], tol);
}

std::vector<double> toDoubles(const QJsonValue& v)
{
    std::vector<double> out;
    for (const auto& x : v.toArray())
        out.push_back(x.toDouble());
    return out;
}

HeadMaskValues maskFromPrunedHeads(const TinyBertSpec& spec, const QJsonObject& pruned)
{
    HeadMaskValues mask = allOnesHeadMask(spec);
    for (auto it = pruned.begin(); it != pruned.end(); ++it)
        for (const auto& h : it.value().toArray())
            mask[size_t(it.key().toInt())][size_t(h.toInt())] = 0.0;
    return mask;
}

std::vector<std::vector<int>> headsFromPrunedHeads(const TinyBertSpec& spec, const QJsonObject& pruned)
{
    std::vector<std::vector<int>> heads(size_t(spec.nLayers));
    for (auto it = pruned.begin(); it != pruned.end(); ++it)
        for (const auto& h : it.value().toArray())
            heads[size_t(it.key().toInt())].push_back(h.toInt());
    return heads;
}

TinyBertSpec prunedSpec(const QString& type)
{
    TinyBertSpec spec;
    spec.modelType = type.toStdString();
    spec.nLayers = 3;
    spec.seed = 21;
    // Layer 2 loses every head: its attention block must reduce to the output bias.
    spec.prunedHeads = {{1, 3}, {}, {0, 1, 2, 3}};
    return spec;
}

const ReferenceInput kSingle{{2, 30, 11, 40, 52, 7, 3}, {}};
const ReferenceInput kPair{{2, 26, 33, 3, 64, 20, 41, 5, 3}, {0, 0, 0, 0, 1, 1, 1, 1, 1}};

} // namespace

class TestTinyModelOracle : public QObject
{
    Q_OBJECT

private slots:
    void fixtureLogits_data();
    void fixtureLogits();
    void fixtureAttentionEntropy();
    void fixtureMaskGradient();
    void torchReferenceLogits_data();
    void torchReferenceLogits();
    void prunedModelMatchesMaskedModel_data();
    void prunedModelMatchesMaskedModel();
    void paddingInvariance();
    void perTokenGradientsSumToMaskGradient();
    void safetensorsRoundTrip();
    void datasetWriter();
};

void TestTinyModelOracle::fixtureLogits_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("single") << QStringLiteral("tiny_bert_single.json");
    QTest::newRow("pairs") << QStringLiteral("tiny_bert_pairs.json");
}

void TestTinyModelOracle::fixtureLogits()
{
    QFETCH(QString, file);
    const QJsonObject fx = loadJson(fixtureDir() + QLatin1Char('/') + file);
    if (fx.isEmpty()) QSKIP("reference fixtures not found (HEADSCOPE_FIXTURES_DIR)");
    const std::string modelDir = (fixtureDir() + QStringLiteral("/tiny_bert")).toStdString();
    const TinyBertModel model = readTinyBertDir(modelDir);
    QCOMPARE(model.spec.nLayers, 4);
    QCOMPARE(model.spec.hidden, 64);
    const std::vector<std::string> vocab = readLines(modelDir + "/vocab.txt");

    const QJsonArray examples = fx.value(QStringLiteral("examples_first")).toArray();
    const QJsonArray first8 = fx.value(QStringLiteral("logits_first8")).toArray();
    const QJsonObject pruning = fx.value(QStringLiteral("actual_pruning")).toObject();
    const QJsonArray masked8 = pruning.value(QStringLiteral("logits_first8_masked")).toArray();
    const QJsonArray pruned8 = pruning.value(QStringLiteral("logits_first8_pruned")).toArray();
    const QJsonObject prunedHeads = pruning.value(QStringLiteral("pruned_heads")).toObject();
    QCOMPARE(examples.size(), 8);
    QCOMPARE(masked8.size(), 8);

    const HeadMaskValues mask = maskFromPrunedHeads(model.spec, prunedHeads);
    const TinyBertModel pruned = pruneHeads(model, headsFromPrunedHeads(model.spec, prunedHeads));
    for (int i = 0; i < examples.size(); ++i) {
        const QJsonObject ex = examples[i].toObject();
        const ReferenceInput input{toIds(ex.value(QStringLiteral("input_ids"))),
                                   toIds(ex.value(QStringLiteral("segment_ids")))};
        // The reference tokenizer reproduces the paper code's ids and segments.
        const QJsonValue textB = ex.value(QStringLiteral("text_b"));
        const ReferenceInput encoded =
            referenceEncode(vocab, ex.value(QStringLiteral("text_a")).toString().toStdString(),
                            textB.isString() ? textB.toString().toStdString() : std::string(), 128);
        QCOMPARE(encoded.ids, input.ids);
        QCOMPARE(encoded.typeIds, input.typeIds);

        const std::vector<double> logits = referenceLogits(model, input);
        compareVectors(logits, toDoubles(ex.value(QStringLiteral("logits"))), 1e-5);
        compareVectors(logits, toDoubles(first8[i]), 1e-5);
        compareVectors(referenceLogits(model, input, &mask), toDoubles(masked8[i]), 1e-5);
        compareVectors(referenceLogits(pruned, input), toDoubles(pruned8[i]), 1e-5);
    }
}

void TestTinyModelOracle::fixtureAttentionEntropy()
{
    const QJsonObject fx = loadJson(fixtureDir() + QStringLiteral("/tiny_bert_single.json"));
    if (fx.isEmpty()) QSKIP("reference fixtures not found (HEADSCOPE_FIXTURES_DIR)");
    const std::string dir = fixtureDir().toStdString();
    const TinyBertModel model = readTinyBertDir(dir + "/tiny_bert");
    const std::vector<std::string> vocab = readLines(dir + "/tiny_bert/vocab.txt");
    const QJsonObject entropy = fx.value(QStringLiteral("attention_entropy")).toObject();

    HeadMaskValues sum(4, std::vector<double>(4, 0.0));
    size_t nTokens = 0;
    for (const std::string& line : readLines(dir + "/data.tsv")) {
        const auto cols = splitTabs(line);
        const ReferenceInput input = referenceEncode(vocab, cols.at(0), {}, 128);
        const AttentionProbs probs = referenceAttentionProbs(model.weights, model.spec, input);
        nTokens += input.ids.size();
        for (int l = 0; l < 4; ++l)
            for (int h = 0; h < 4; ++h)
                for (const auto& row : probs[size_t(l)][size_t(h)]) {
                    double rowSum = 0;
                    for (double p : row) {
                        rowSum += p;
                        sum[size_t(l)][size_t(h)] -= p > 0 ? p * std::log(p) : 0.0;
                    }
                    COMPARE_NEAR(rowSum, 1.0, 1e-12);
                }
    }
    QCOMPARE(double(nTokens), entropy.value(QStringLiteral("n_tokens")).toDouble());
    const QJsonArray want = entropy.value(QStringLiteral("per_token_mean")).toArray();
    for (int l = 0; l < 4; ++l)
        for (int h = 0; h < 4; ++h)
            COMPARE_NEAR(sum[size_t(l)][size_t(h)] / double(nTokens), want[l].toArray()[h].toDouble(), 1e-5);
}

void TestTinyModelOracle::fixtureMaskGradient()
{
    // Hugging Face's bertology importance with batch size 1: sum over examples of |dL/dxi|
    // (per_batch_abs: gradient zeroed per batch; raw: running sum of gradients), / tokens.
    const QJsonObject fx = loadJson(fixtureDir() + QStringLiteral("/tiny_bert_single.json"));
    if (fx.isEmpty()) QSKIP("reference fixtures not found (HEADSCOPE_FIXTURES_DIR)");
    const std::string dir = fixtureDir().toStdString();
    const TinyBertModel model = readTinyBertDir(dir + "/tiny_bert");
    const std::vector<std::string> vocab = readLines(dir + "/tiny_bert/vocab.txt");
    const QJsonObject bertology = fx.value(QStringLiteral("hf_bertology")).toObject();

    HeadMaskValues perExample(4, std::vector<double>(4, 0.0));
    HeadMaskValues running(4, std::vector<double>(4, 0.0));
    HeadMaskValues runningGrad(4, std::vector<double>(4, 0.0));
    double nTokens = 0;
    for (const std::string& line : readLines(dir + "/data.tsv")) {
        const auto cols = splitTabs(line);
        const ReferenceInput input = referenceEncode(vocab, cols.at(0), {}, 128);
        nTokens += double(input.ids.size());
        const HeadMaskValues g =
            referenceMaskGradient(model.weights, model.spec, input, std::stoi(cols.at(1)));
        for (size_t l = 0; l < 4; ++l)
            for (size_t h = 0; h < 4; ++h) {
                perExample[l][h] += std::fabs(g[l][h]);
                runningGrad[l][h] += g[l][h];
                running[l][h] += std::fabs(runningGrad[l][h]);
            }
    }
    const QJsonArray wantAbs = bertology.value(QStringLiteral("importance_per_batch_abs_raw")).toArray();
    const QJsonArray wantRaw = bertology.value(QStringLiteral("importance_raw")).toArray();
    for (int l = 0; l < 4; ++l)
        for (int h = 0; h < 4; ++h) {
            COMPARE_NEAR(perExample[size_t(l)][size_t(h)] / nTokens, wantAbs[l].toArray()[h].toDouble(),
                         2e-6);
            COMPARE_NEAR(running[size_t(l)][size_t(h)] / nTokens, wantRaw[l].toArray()[h].toDouble(), 2e-5);
        }
}

void TestTinyModelOracle::torchReferenceLogits_data()
{
    // Expected logits from a separate torch float64 forward (F.layer_norm, F.gelu, softmax) run
    // on the files this writer produced, reading them with Python's struct/json.
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("act");
    QTest::addColumn<int>("nLayers");
    QTest::addColumn<int>("nLabels");
    QTest::addColumn<double>("eps");
    QTest::addColumn<int>("seed");
    QTest::addColumn<QString>("pruned");
    QTest::addColumn<QVector<double>>("single");
    QTest::addColumn<QVector<double>>("pair");
    QTest::newRow("distilbert relu pruned")
        << "distilbert"
        << "relu" << 3 << 3 << 1e-12 << 11 << "0:0 2:1,2"
        << QVector<double>{-0.168394915047, 0.031998849523, 0.151084740006}
        << QVector<double>{-0.177637634965, 0.064374303962, 0.178273181282};
    QTest::newRow("bert gelu_new empty layer") << "bert"
                                               << "gelu_new" << 2 << 2 << 1e-5 << 5 << "1:0,1,2,3"
                                               << QVector<double>{-0.072597702886, 0.599429726499}
                                               << QVector<double>{-0.080190154483, 0.602064630596};
    QTest::newRow("distilbert gelu") << "distilbert"
                                     << "gelu" << 2 << 2 << 1e-12 << 3 << ""
                                     << QVector<double>{0.195764242638, 0.323421030773}
                                     << QVector<double>{0.182877529250, 0.316339538698};
}

void TestTinyModelOracle::torchReferenceLogits()
{
    QFETCH(QString, type);
    QFETCH(QString, act);
    QFETCH(int, nLayers);
    QFETCH(int, nLabels);
    QFETCH(double, eps);
    QFETCH(int, seed);
    QFETCH(QString, pruned);
    QFETCH(QVector<double>, single);
    QFETCH(QVector<double>, pair);

    TinyBertSpec spec;
    spec.modelType = type.toStdString();
    spec.hiddenAct = act.toStdString();
    spec.nLayers = nLayers;
    spec.nLabels = nLabels;
    spec.layerNormEps = eps;
    spec.seed = uint64_t(seed);
    spec.prunedHeads.assign(size_t(nLayers), {});
    for (const QString& item : pruned.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const auto parts = item.split(QLatin1Char(':'));
        for (const QString& h : parts[1].split(QLatin1Char(',')))
            spec.prunedHeads[size_t(parts[0].toInt())].push_back(h.toInt());
    }
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    writeTinyBert(tmp.path().toStdString(), spec);
    const TinyBertModel model = readTinyBertDir(tmp.path().toStdString());
    ReferenceInput pairInput = kPair;
    if (model.spec.isDistilBert()) pairInput.typeIds.clear();
    compareVectors(referenceLogits(model, kSingle), std::vector<double>(single.begin(), single.end()), 1e-9);
    compareVectors(referenceLogits(model, pairInput), std::vector<double>(pair.begin(), pair.end()), 1e-9);
}

void TestTinyModelOracle::prunedModelMatchesMaskedModel_data()
{
    QTest::addColumn<QString>("type");
    QTest::newRow("bert") << QStringLiteral("bert");
    QTest::newRow("distilbert") << QStringLiteral("distilbert");
}

void TestTinyModelOracle::prunedModelMatchesMaskedModel()
{
    QFETCH(QString, type);
    const TinyBertSpec spec = prunedSpec(type);
    TinyBertSpec fullSpec = spec;
    fullSpec.prunedHeads.clear();
    const TinyBertModel full = makeTinyBert(fullSpec);

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    writeTinyBert(tmp.path().toStdString(), spec);
    const TinyBertModel reread = readTinyBertDir(tmp.path().toStdString());
    QCOMPARE(reread.spec.prunedHeads, (std::vector<std::vector<int>>{{1, 3}, {}, {0, 1, 2, 3}}));
    QCOMPARE(reread.spec.presentHeads(0), (std::vector<int>{0, 2}));

    // Heads are absent from the files: Q/K/V keep 2 heads x 4 rows in layer 0, none in layer 2.
    const TinyLayerNames l0 = tinyLayerNames(spec, 0);
    const TinyLayerNames l2 = tinyLayerNames(spec, 2);
    QCOMPARE(reread.weights.get(l0.query + ".weight").shape, (std::vector<int64_t>{8, 16}));
    QCOMPARE(reread.weights.get(l0.value + ".bias").shape, (std::vector<int64_t>{8}));
    QCOMPARE(reread.weights.get(l0.attnOut + ".weight").shape, (std::vector<int64_t>{16, 8}));
    QCOMPARE(reread.weights.get(l2.key + ".weight").shape, (std::vector<int64_t>{0, 16}));
    QCOMPARE(reread.weights.get(l2.attnOut + ".weight").shape, (std::vector<int64_t>{16, 0}));
    // Head 2 of layer 0 is the second present head: rows 4..7 of the pruned query weight.
    const RefTensor& fullQ = full.weights.get(l0.query + ".weight");
    const RefTensor& prunedQ = reread.weights.get(l0.query + ".weight");
    for (int c = 0; c < 16; ++c)
        QCOMPARE(prunedQ.at(5, c), fullQ.at(9, c));
    QCOMPARE(reread.weights.get(l0.attnOut + ".weight").at(3, 6),
             full.weights.get(l0.attnOut + ".weight").at(3, 10));
    // Pruning in memory gives exactly what the writer wrote.
    const TinyBertModel sliced = pruneHeads(full, spec.prunedHeads);
    for (const auto& [name, t] : reread.weights.tensors) {
        QCOMPARE(sliced.weights.get(name).shape, t.shape);
        QCOMPARE(sliced.weights.get(name).values, t.values);
    }
    QCOMPARE(sliced.weights.tensors.size(), reread.weights.tensors.size());
    QCOMPARE(reread.weights.has("bert.embeddings.position_ids"), !reread.spec.isDistilBert());

    const HeadMaskValues mask = [&] {
        HeadMaskValues m = allOnesHeadMask(fullSpec);
        for (size_t l = 0; l < spec.prunedHeads.size(); ++l)
            for (int h : spec.prunedHeads[l])
                m[l][size_t(h)] = 0.0;
        return m;
    }();
    ReferenceInput pairInput = kPair;
    if (spec.modelType == "distilbert") pairInput.typeIds.clear();
    for (const ReferenceInput* in : std::vector<const ReferenceInput*>{&kSingle, &pairInput}) {
        const std::vector<double> masked = referenceLogits(full, *in, &mask);
        compareVectors(referenceLogits(reread, *in), masked, 1e-12);
        // Masking is not a no-op on this model.
        const std::vector<double> unmasked = referenceLogits(full, *in);
        QVERIFY(std::fabs(unmasked[0] - masked[0]) > 1e-4);
    }

    // Pruning more heads of an already pruned model equals masking the union.
    const TinyBertModel more = pruneHeads(reread, {{0}, {2}});
    QCOMPARE(more.spec.prunedHeads, (std::vector<std::vector<int>>{{0, 1, 3}, {2}, {0, 1, 2, 3}}));
    HeadMaskValues mask2 = mask;
    mask2[0][0] = 0.0;
    mask2[1][2] = 0.0;
    compareVectors(referenceLogits(more, kSingle), referenceLogits(full, kSingle, &mask2), 1e-12);
}

void TestTinyModelOracle::paddingInvariance()
{
    TinyBertSpec spec;
    spec.seed = 9;
    spec.prunedHeads = {{2}};
    const TinyBertModel model = makeTinyBert(spec);
    const std::vector<ReferenceInput> inputs = {
        {{2, 40, 12, 3}, {}},
        {{2, 30, 11, 40, 52, 7, 26, 33, 64, 20, 41, 5, 3}, {}},
        kPair,
        {{2, 3}, {}},
    };
    HeadMaskValues mask = allOnesHeadMask(spec);
    mask[1][0] = 0.0;
    mask[1][3] = 0.5;
    for (const HeadMaskValues* m : std::vector<const HeadMaskValues*>{nullptr, &mask}) {
        const auto batched = referenceLogitsBatch(model.weights, model.spec, inputs, m);
        const ReferenceBatch wide = padReferenceBatch(inputs, 0, 40);
        QCOMPARE(wide.ids[0].size(), size_t(40));
        std::vector<int> wantMask(40, 0);
        std::fill(wantMask.begin(), wantMask.begin() + 4, 1);
        QCOMPARE(wide.attentionMask[0], wantMask);
        const auto batchedWide = referenceLogitsBatch(model.weights, model.spec, wide, m);
        QCOMPARE(batched.size(), inputs.size());
        for (size_t i = 0; i < inputs.size(); ++i) {
            const std::vector<double> alone = referenceLogits(model, inputs[i], m);
            compareVectors(batched[i], alone, 1e-12);
            compareVectors(batchedWide[i], alone, 1e-12);
        }
    }
    // Without the key mask the padding changes the result, so the mask is what keeps it out.
    const ReferenceBatch batch = padReferenceBatch(inputs);
    QCOMPARE(batch.attentionMask[0], (std::vector<int>{1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    QCOMPARE(batch.typeIds[2], (std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0}));
    const std::vector<int> allKeys(batch.ids[0].size(), 1);
    ReferenceOptions unmaskedPadding;
    unmaskedPadding.keyMask = &allKeys;
    const auto leaky =
        referenceForward(model.weights, model.spec, {batch.ids[0], batch.typeIds[0]}, unmaskedPadding);
    QVERIFY(std::fabs(leaky.logits[0] - referenceLogits(model, inputs[0])[0]) > 1e-6);
    // Padding keys get zero probability.
    ReferenceOptions padded;
    padded.keyMask = &batch.attentionMask[0];
    const auto trace = referenceForward(model.weights, model.spec, {batch.ids[0], batch.typeIds[0]}, padded);
    QCOMPARE(trace.attentionProbs[0][1][2][7], 0.0);
    QVERIFY(trace.attentionProbs[0][2].empty()); // pruned head
    QCOMPARE(trace.hiddenStates.size(), size_t(3));
}

void TestTinyModelOracle::perTokenGradientsSumToMaskGradient()
{
    // xi scales every token of a head's context, so dL/dxi = sum_t dL/ds_t.
    TinyBertSpec spec;
    spec.seed = 4;
    spec.weightScale = 0.5f;
    spec.prunedHeads = {{}, {1}};
    const TinyBertModel model = makeTinyBert(spec);
    const HeadMaskValues g = referenceMaskGradient(model.weights, model.spec, kPair, 1);
    const auto perToken = referenceTokenHeadGradient(model.weights, model.spec, kPair, 1);
    QVERIFY(perToken[1][1].empty());
    QCOMPARE(g[1][1], 0.0);
    double largest = 0;
    for (int l = 0; l < 2; ++l)
        for (int h : spec.presentHeads(l)) {
            double s = 0;
            for (double v : perToken[size_t(l)][size_t(h)])
                s += v;
            COMPARE_NEAR(s, g[size_t(l)][size_t(h)], 1e-7);
            largest = std::max(largest, std::fabs(s));
        }
    QVERIFY(largest > 1e-3);
    // Only the first token reaches the classifier from the last layer.
    for (size_t t = 1; t < kPair.ids.size(); ++t)
        COMPARE_NEAR(perToken[1][0][t], 0.0, 1e-9);
    // A one-sided difference of the loss (error O(step)) agrees with the central one.
    HeadMaskValues m = allOnesHeadMask(spec);
    m[0][2] = 0.999;
    const double slope = (referenceLoss(model.weights, model.spec, kPair, 1) -
                          referenceLoss(model.weights, model.spec, kPair, 1, &m)) /
                         0.001;
    COMPARE_NEAR(slope, g[0][2], 0.01 * std::fabs(g[0][2]));
    // Cross-entropy by hand: logits (1, 2, 0.5), label 2: log(e + e^2 + e^0.5) - 0.5.
    COMPARE_NEAR(referenceLoss({1.0, 2.0, 0.5}, 2), 1.9643687841079447, 1e-14);
}

void TestTinyModelOracle::safetensorsRoundTrip()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const std::string dir = tmp.path().toStdString();
    const TinyBertModel model = writeTinyBert(dir, TinyBertSpec{});
    const RefTensorMap read = readMiniSafetensors(dir + "/model.safetensors");
    QCOMPARE(read.size(), model.weights.tensors.size());
    size_t dataBytes = 0;
    for (const auto& [name, t] : model.weights.tensors) {
        const RefTensor& r = read.at(name);
        QCOMPARE(r.dtype, t.dtype);
        QCOMPARE(r.shape, t.shape);
        QCOMPARE(r.values, t.values);
        dataBytes += size_t(t.numel()) * (t.dtype == "I64" ? 8 : 4);
    }
    // 2 layers x 16 tensors + 5 embedding tensors + position_ids + pooler and classifier (4).
    QCOMPARE(read.size(), size_t(2 * 16 + 5 + 1 + 4));
    const RefTensor& pos = read.at("bert.embeddings.position_ids");
    QCOMPARE(pos.dtype, std::string("I64"));
    QCOMPARE(pos.shape, (std::vector<int64_t>{1, 64}));
    QCOMPARE(pos.values[63], 63.0);
    QCOMPARE(read.at("bert.embeddings.word_embeddings.weight").shape,
             (std::vector<int64_t>{int64_t(tinyVocab().size()), 16}));

    // Layout: u64 header length (multiple of 8), JSON header, then exactly the data bytes.
    QFile f(QString::fromStdString(dir + "/model.safetensors"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i)
        headerLen = (headerLen << 8) | uint8_t(bytes[i]);
    QCOMPARE(headerLen % 8, uint64_t(0));
    QCOMPARE(uint64_t(bytes.size()), 8 + headerLen + dataBytes);
    const QJsonObject header = QJsonDocument::fromJson(bytes.mid(8, int(headerLen))).object();
    QCOMPARE(
        header.value(QStringLiteral("__metadata__")).toObject().value(QStringLiteral("format")).toString(),
        QStringLiteral("pt"));
    QCOMPARE(
        header.value(QStringLiteral("classifier.bias")).toObject().value(QStringLiteral("dtype")).toString(),
        QStringLiteral("F32"));

    // Hand-made values: F32 keeps float rounding, F64 and integers are exact.
    RefTensorMap mine;
    mine["a"] = RefTensor{"F32", {2, 2}, {0.1, -2.5, 1e30, 0.0}};
    mine["b"] = RefTensor{"F64", {3}, {0.1, -1e-300, 3.0}};
    mine["c"] = RefTensor{"I64", {2}, {-5, 9007199254740992.0}};
    mine["d"] = RefTensor{"I32", {1}, {-7}};
    mine["e"] = RefTensor{"F32", {0, 4}, {}};
    writeMiniSafetensors(dir + "/mine.safetensors", mine);
    const RefTensorMap back = readMiniSafetensors(dir + "/mine.safetensors");
    QCOMPARE(back.at("a").values,
             (std::vector<double>{0.100000001490116119384765625, -2.5, 1.0000000150474662e30, 0.0}));
    QCOMPARE(back.at("b").values, mine["b"].values);
    QCOMPARE(back.at("c").values, mine["c"].values);
    QCOMPARE(back.at("d").values, std::vector<double>{-7.0});
    QCOMPARE(back.at("e").shape, (std::vector<int64_t>{0, 4}));

    // The fixture file (written by Python) reads too.
    const std::string fixture = fixtureDir().toStdString() + "/tiny_bert/model.safetensors";
    if (QFile::exists(QString::fromStdString(fixture))) {
        const RefTensorMap fx = readMiniSafetensors(fixture);
        QCOMPARE(fx.at("bert.embeddings.position_ids").values[127], 127.0);
        QCOMPARE(fx.at("classifier.weight").shape, (std::vector<int64_t>{2, 64}));
    }
    // Errors name the file.
    QFile bad(QString::fromStdString(dir + "/bad.safetensors"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("\x10\x00\x00\x00\x00\x00\x00\x00{\"x\":", 13);
    bad.close();
    try {
        readMiniSafetensors(dir + "/bad.safetensors");
        QFAIL("truncated file accepted");
    } catch (const std::exception& e) {
        QVERIFY(std::string(e.what()).find("bad.safetensors") != std::string::npos);
    }
}

void TestTinyModelOracle::datasetWriter()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    for (bool pairs : {false, true}) {
        const std::string path = tmp.path().toStdString() + (pairs ? "/pairs.tsv" : "/single.tsv");
        const std::vector<TinyExample> rows = writeTinyDataset(path, 30, pairs, 5);
        const std::vector<std::string> lines = readLines(path);
        QCOMPARE(rows.size(), size_t(30));
        QCOMPARE(lines.size(), size_t(30));
        int longRows = 0;
        std::set<int> labels;
        for (size_t i = 0; i < rows.size(); ++i) {
            const auto cols = splitTabs(lines[i]);
            QCOMPARE(cols.size(), size_t(pairs ? 3 : 2));
            QCOMPARE(cols[0], rows[i].textA);
            QCOMPARE(cols.back(), std::to_string(rows[i].label));
            QCOMPARE(rows[i].textB.empty(), !pairs);
            labels.insert(rows[i].label);
            const auto ids = referenceTokenize(tinyVocab(), rows[i].textA + " " + rows[i].textB);
            QVERIFY(std::find(ids.begin(), ids.end(), 1) == ids.end()); // no [UNK]
            if (std::count(rows[i].textA.begin(), rows[i].textA.end(), ' ') >= 49) ++longRows;
            const ReferenceInput in = referenceEncode(tinyVocab(), rows[i].textA, rows[i].textB, 32);
            QVERIFY(in.ids.size() <= 32);
            QCOMPARE(in.ids.front(), int64_t(2));
            QCOMPARE(in.ids.back(), int64_t(3));
        }
        QCOMPARE(longRows, 4);
        QCOMPARE(labels, (std::set<int>{0, 1}));
        QCOMPARE(writeTinyDataset(path, 30, pairs, 5)[7].textA, rows[7].textA);
        QVERIFY(writeTinyDataset(path, 30, pairs, 6)[7].textA != rows[7].textA);
    }
    // WordPiece by hand: "Walking" -> walk ##ing, "dogs!" -> dog ##s !, "xyz" -> [UNK].
    const auto& v = tinyVocab();
    const auto id = [&](const char* t) { return int64_t(std::find(v.begin(), v.end(), t) - v.begin()); };
    QCOMPARE(referenceTokenize(v, "Walking dogs! xyz"),
             (std::vector<int64_t>{id("walk"), id("##ing"), id("dog"), id("##s"), id("!"), 1}));
    // Pair truncation drops from the longer side (b on ties): 3 + 4 tokens into 8 - 3 = 5 -> 3 + 2.
    const ReferenceInput t = referenceEncode(v, "good bad fine", "cat dog day night", 8);
    QCOMPARE(t.ids, (std::vector<int64_t>{2, id("good"), id("bad"), id("fine"), 3, id("cat"), id("dog"), 3}));
    QCOMPARE(t.typeIds, (std::vector<int64_t>{0, 0, 0, 0, 0, 1, 1, 1}));
}

QTEST_GUILESS_MAIN(TestTinyModelOracle)
#include "tst_tiny_model_oracle.moc"
