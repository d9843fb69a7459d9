// Structural pruning: a pruned model computes what the masked one does (also with a layer left
// without heads, and when pruning twice), loses 4*d*H + 3*d parameters per head, and saves a
// Hugging Face folder (tensor names, shapes, values, config pruned_heads) that loads back.
#include "analysis/encoded_dataset.h"
#include "analysis/evaluator.h"
#include "io/safetensors_file.h"
#include "model/encoder_model.h"

#include "logit_checks.h"
#include "mini_safetensors.h"
#include "reference_encoder.h"
#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_examples.h"
#include "tiny_random.h"
#include "tiny_vocab.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

constexpr int kLayers = 3, kHeads = 4, kHidden = 16, kInter = 32, kPositions = 64, kLabels = 2;

TinyBertSpec makeSpec(const std::string& type)
{
    TinyBertSpec spec;
    spec.modelType = type;
    spec.nLayers = kLayers;
    spec.nHeads = kHeads;
    spec.hidden = kHidden;
    spec.intermediate = kInter;
    spec.maxPositions = kPositions;
    spec.nLabels = kLabels;
    spec.seed = 9;
    spec.weightScale = 0.4f;
    return spec;
}

EncodedDataset makeData()
{
    EncodedDataset d;
    TinyRandom rng(31);
    for (int len : {4, 19, 8, 33, 12, 6})
        appendRandomExample(d, rng, len);
    return d;
}

std::vector<std::vector<float>> logitsOf(const EncoderModel& model, const EncodedDataset& data, const HeadMask& mask = {})
{
    EvalParams p;
    p.batchSize = 4;
    p.mask = mask;
    auto r = evaluate(model, data, p);
    if (!r) {
        qWarning("%s", r.error().toString().c_str());
        return {};
    }
    return r->logits;
}

HeadMask maskWithout(const std::vector<std::vector<int>>& pruned)
{
    HeadMask m(kLayers, kHeads);
    for (size_t l = 0; l < pruned.size(); ++l)
        for (int h : pruned[l])
            m.setKept(int(l), h, false);
    return m;
}

// Hugging Face's parameter count of the tiny BERT, by hand from the shapes.
int64_t bertParameters()
{
    const int64_t V = int64_t(tinyVocab().size()), H = kHidden, I = kInter, P = kPositions, C = kLabels;
    const int64_t embeddings = V * H + P * H + 2 * H /*token types*/ + 2 * H /*LayerNorm*/;
    const int64_t layer = 4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H;
    return embeddings + kLayers * layer + (H * H + H) /*pooler*/ + (C * H + C);
}

QJsonObject readConfig(const QString& dir)
{
    QFile f(dir + QStringLiteral("/config.json"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestStructuralPruning : public QObject
{
    Q_OBJECT

private slots:
    // One layer keeps two heads, one keeps none, one loses a single head.
    void prunedEqualsMasked()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        const TinyBertModel ref = writeTinyBert(dir, makeSpec("bert"));
        auto model = EncoderModel::load(dir);
        REQUIRE_OK(model);
        QCOMPARE((*model)->parameterCount(), bertParameters());

        const std::vector<std::vector<int>> removed{{1, 3}, {0, 1, 2, 3}, {0}};
        const HeadMask keep = maskWithout(removed);
        auto pruned = (*model)->pruned(keep);
        REQUIRE_OK(pruned);
        QCOMPARE((*pruned)->headsPerLayer(), (std::vector<int>{2, 0, 3}));
        QCOMPARE((*pruned)->fullMask(), keep);
        QCOMPARE((*pruned)->config().prunedHeads, removed);
        // The source model is untouched.
        QCOMPARE((*model)->headsPerLayer(), (std::vector<int>{4, 4, 4}));

        const EncodedDataset data = makeData();
        const auto masked = logitsOf(**model, data, keep);
        const auto viaPruned = logitsOf(**pruned, data);
        QVERIFY2(maxLogitDiff(masked, viaPruned) <= 1e-5, qPrintable(QString::number(maxLogitDiff(masked, viaPruned))));
        QVERIFY(maxOracleLogitDiff(viaPruned, pruneHeads(ref, removed), data) <= 1e-5);
        QVERIFY(maxLogitDiff(masked, logitsOf(**model, data)) > 1e-3); // pruning changed something

        // d = 4, H = 16: each head carries 4*4*16 + 3*4 = 268 parameters; 7 heads removed.
        QCOMPARE((*pruned)->parameterCount(), bertParameters() - 7 * 268);
        QCOMPARE((*pruned)->parameterCount(), (*model)->parameterCount() - 1876);

        auto wrongShape = (*model)->pruned(HeadMask(2, 4));
        QVERIFY(!wrongShape);
        QCOMPARE(wrongShape.error().code, ErrorCode::ShapeMismatch);
    }

    // Pruning a pruned model again equals masking the union on the original.
    void pruneTwice()
    {
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        const TinyBertModel ref = writeTinyBert(dir, makeSpec("bert"));
        auto model = EncoderModel::load(dir);
        REQUIRE_OK(model);
        auto first = (*model)->pruned(maskWithout({{1}, {0, 1}, {}}));
        REQUIRE_OK(first);
        // Original indices: heads already absent may be given either way.
        HeadMask second = maskWithout({{3}, {2, 3}, {0}});
        second.setKept(0, 1, true);
        auto twice = (*first)->pruned(second);
        REQUIRE_OK(twice);
        const std::vector<std::vector<int>> all{{1, 3}, {0, 1, 2, 3}, {0}};
        QCOMPARE((*twice)->config().prunedHeads, all);
        QCOMPARE((*twice)->headsPerLayer(), (std::vector<int>{2, 0, 3}));
        QCOMPARE((*twice)->parameterCount(), bertParameters() - 7 * 268);

        const EncodedDataset data = makeData();
        const auto unionMasked = logitsOf(**model, data, maskWithout(all));
        QVERIFY(maxLogitDiff(logitsOf(**twice, data), unionMasked) <= 1e-5);
        QVERIFY(maxOracleLogitDiff(logitsOf(**twice, data), pruneHeads(ref, all), data) <= 1e-5);
        // Masking on a pruned model: its absent heads ignored, present ones masked.
        QVERIFY(maxLogitDiff(logitsOf(**first, data, maskWithout(all)), unionMasked) <= 1e-5);
    }

    void saveAndLoad_data()
    {
        QTest::addColumn<QString>("type");
        QTest::newRow("bert") << "bert";
        QTest::newRow("distilbert") << "distilbert";
    }

    // save(): HF tensor names and shapes, the kept heads' exact values, pruned_heads in original
    // indices; loading the folder gives the same logits.
    void saveAndLoad()
    {
        QFETCH(QString, type);
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        const TinyBertModel ref = writeTinyBert(dir + "/orig", makeSpec(type.toStdString()));
        auto model = EncoderModel::load(dir + "/orig");
        REQUIRE_OK(model);
        const std::vector<std::vector<int>> removed{{0, 2}, {1, 2, 3, 0}, {}};
        auto pruned = (*model)->pruned(maskWithout(removed));
        REQUIRE_OK(pruned);
        auto saved = (*pruned)->save(dir + "/pruned");
        REQUIRE_OK(saved);

        const QJsonObject cfg = readConfig(tmp.path() + QStringLiteral("/pruned"));
        QCOMPARE(cfg.value(QStringLiteral("model_type")).toString(), type);
        const QJsonObject ph = cfg.value(QStringLiteral("pruned_heads")).toObject();
        QCOMPARE(ph.value(QStringLiteral("0")).toArray(), (QJsonArray{0, 2}));
        QCOMPARE(ph.value(QStringLiteral("1")).toArray(), (QJsonArray{0, 1, 2, 3}));
        QVERIFY(ph.value(QStringLiteral("2")).toArray().isEmpty());
        QVERIFY(QFile::exists(tmp.path() + QStringLiteral("/pruned/vocab.txt")));

        // Names, shapes and values against the test writer's own pruning of the same weights.
        const TinyBertModel want = pruneHeads(ref, removed);
        auto file = SafetensorsFile::open(dir + "/pruned/model.safetensors");
        REQUIRE_OK(file);
        const RefTensorMap got = readMiniSafetensors(dir + "/pruned/model.safetensors");
        size_t floatTensors = 0;
        for (const auto& [name, t] : want.weights.tensors) {
            if (t.dtype != "F32")
                continue; // the position_ids buffer is not a parameter
            ++floatTensors;
            const TensorView* view = file->find(name);
            QVERIFY2(view, name.c_str());
            QCOMPARE(view->dtype, DType::F32);
            QCOMPARE(view->shape, t.shape);
            QCOMPARE(got.at(name).values, t.values);
        }
        QCOMPARE(file->tensors().size(), floatTensors);

        const bool distil = type == QLatin1String("distilbert");
        const std::string q0 = distil ? "distilbert.transformer.layer.0.attention.q_lin.weight"
                                      : "bert.encoder.layer.0.attention.self.query.weight";
        const std::string o0 = distil ? "distilbert.transformer.layer.0.attention.out_lin.weight"
                                      : "bert.encoder.layer.0.attention.output.dense.weight";
        const std::string v1 = distil ? "distilbert.transformer.layer.1.attention.v_lin.bias"
                                      : "bert.encoder.layer.1.attention.self.value.bias";
        const std::string k2 = distil ? "distilbert.transformer.layer.2.attention.k_lin.weight"
                                      : "bert.encoder.layer.2.attention.self.key.weight";
        QVERIFY(file->find(q0) && file->find(o0) && file->find(v1) && file->find(k2));
        QCOMPARE(file->find(q0)->shape, (std::vector<int64_t>{2 * 4, kHidden})); // [nKept * d, H]
        QCOMPARE(file->find(o0)->shape, (std::vector<int64_t>{kHidden, 2 * 4})); // [H, nKept * d]
        QCOMPARE(file->find(v1)->shape, (std::vector<int64_t>{0}));
        QCOMPARE(file->find(k2)->shape, (std::vector<int64_t>{4 * 4, kHidden}));

        auto reloaded = EncoderModel::load(dir + "/pruned");
        REQUIRE_OK(reloaded);
        QCOMPARE((*reloaded)->headsPerLayer(), (std::vector<int>{2, 0, 4}));
        QCOMPARE((*reloaded)->parameterCount(), (*pruned)->parameterCount());
        const EncodedDataset data = makeData();
        const auto a = logitsOf(**pruned, data);
        const auto b = logitsOf(**reloaded, data);
        QVERIFY2(maxLogitDiff(a, b) <= 1e-6, qPrintable(QString::number(maxLogitDiff(a, b))));
        // The test's own reader sees the same model (independent of the engine's loader).
        QVERIFY(maxOracleLogitDiff(b, readTinyBertDir(dir + "/pruned"), data) <= 1e-5);
    }
};

QTEST_GUILESS_MAIN(TestStructuralPruning)
#include "tst_structural_pruning.moc"
