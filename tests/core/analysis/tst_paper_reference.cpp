// Reproduces the numbers that the paper authors' released code produced on the shared fixtures
// (../shared/fixtures/{reference,real}): logits, accuracy, single-head and keep-one ablation,
// paper-code importance, the pruning curve, actual pruning and attention entropy.
#include "analysis/ablation.h"
#include "analysis/attention_stats.h"
#include "analysis/evaluator.h"
#include "analysis/importance.h"
#include "analysis/prune_curve.h"
#include "data/dataset.h"
#include "model/encoder_model.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace headscope::core;

namespace {

struct Case
{
    QString jsonFile;
    QString modelDir;
    QString dataFile;
    bool header;
};

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<std::vector<double>> matrixOf(const QJsonValue& v)
{
    std::vector<std::vector<double>> m;
    for (const auto& row : v.toArray()) {
        m.emplace_back();
        for (const auto& x : row.toArray())
            m.back().push_back(x.toDouble());
    }
    return m;
}

HeadMask maskFromPrunedHeads(const QJsonObject& pruned, int nLayers, int nHeads)
{
    HeadMask m(nLayers, nHeads);
    for (auto it = pruned.begin(); it != pruned.end(); ++it)
        for (const auto& h : it.value().toArray())
            m.setKept(it.key().toInt(), h.toInt(), false);
    return m;
}

} // namespace

class TestPaperReference : public QObject
{
    Q_OBJECT

private:
    struct Loaded
    {
        QJsonObject ref;
        std::shared_ptr<const EncoderModel> model;
        EncodedDataset data;
    };

    Loaded load(const Case& c)
    {
        Loaded l;
        const QString base = QStringLiteral(HEADSCOPE_FIXTURES_DIR);
        l.ref = readJson(base + QLatin1Char('/') + c.jsonFile);
        auto model = EncoderModel::load((base + QLatin1Char('/') + c.modelDir).toStdString());
        if (!model)
            qFatal("%s", model.error().toString().c_str());
        l.model = model.value();
        DatasetOptions opt;
        opt.hasHeader = c.header;
        auto ds = loadDataset((base + QLatin1Char('/') + c.dataFile).toStdString(), opt, &l.model->config().label2id);
        if (!ds)
            qFatal("%s", ds.error().toString().c_str());
        l.data = encodeDataset(l.model->tokenizer(), ds.value(), 128);
        return l;
    }

    void addCases()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("data");
        QTest::addColumn<bool>("header");
        QTest::newRow("tiny_bert_single") << "reference/tiny_bert_single.json" << "reference/tiny_bert"
                                          << "reference/data.tsv" << false;
        QTest::newRow("tiny_bert_pairs") << "reference/tiny_bert_pairs.json" << "reference/tiny_bert"
                                         << "reference/data_pairs.tsv" << false;
        QTest::newRow("sst2_small") << "real/sst2_small.json" << "real/sst2_small" << "real/sst2_dev.tsv" << true;
    }

    Case currentCase()
    {
        QFETCH(QString, json);
        QFETCH(QString, model);
        QFETCH(QString, data);
        QFETCH(bool, header);
        return {json, model, data, header};
    }
    static bool fixturesPresent() { return QFile::exists(QStringLiteral(HEADSCOPE_FIXTURES_DIR "/reference/tiny_bert/config.json")); }

private slots:
    void evaluation_data() { addCases(); }
    void evaluation()
    {
        if (!fixturesPresent())
            QSKIP("../shared/fixtures is absent: reference comparison skipped");
        auto l = load(currentCase());
        EvalParams p;
        auto r = evaluate(*l.model, l.data, p);
        QVERIFY2(r.ok(), r.error().toString().c_str());
        const auto logits = matrixOf(l.ref[QStringLiteral("logits_first8")]);
        for (size_t i = 0; i < logits.size(); ++i)
            for (size_t c = 0; c < logits[i].size(); ++c)
                QVERIFY2(std::abs(r->logits[i][c] - logits[i][c]) < 1e-5, qPrintable(QStringLiteral("example %1").arg(i)));
        const auto baseline = l.ref[QStringLiteral("baseline")].toObject();
        QCOMPARE(r->accuracy, baseline[QStringLiteral("accuracy")].toDouble());
        const auto preds = baseline[QStringLiteral("predictions")].toArray();
        for (int i = 0; i < preds.size(); ++i)
            QCOMPARE(r->predictions[size_t(i)], preds[i].toInt());
    }

    void ablation_data() { addCases(); }
    void ablation()
    {
        if (!fixturesPresent())
            QSKIP("../shared/fixtures is absent: reference comparison skipped");
        auto l = load(currentCase());
        for (auto mode : {AblationMode::SingleHead, AblationMode::KeepOne}) {
            AblationParams p;
            p.mode = mode;
            auto r = runAblation(*l.model, l.data, p);
            QVERIFY2(r.ok(), r.error().toString().c_str());
            const auto expected = matrixOf(l.ref[mode == AblationMode::SingleHead ? QStringLiteral("single_head_masked_accuracy")
                                                                               : QStringLiteral("keep_only_one_head_in_layer_accuracy")]);
            for (size_t layer = 0; layer < expected.size(); ++layer)
                for (size_t h = 0; h < expected[layer].size(); ++h)
                    QVERIFY2(std::abs(r->accuracy[layer][h] - expected[layer][h]) < 1e-12,
                             qPrintable(QStringLiteral("%1 %2:%3 got %4 want %5")
                                            .arg(QString::fromLatin1(ablationModeName(mode)))
                                            .arg(layer).arg(h).arg(r->accuracy[layer][h]).arg(expected[layer][h])));
        }
    }

    void paperCodeImportance_data() { addCases(); }
    void paperCodeImportance()
    {
        if (!fixturesPresent())
            QSKIP("../shared/fixtures is absent: reference comparison skipped");
        auto l = load(currentCase());
        ImportanceParams p;
        p.method = ImportanceMethod::PaperCode;
        p.normalization = ImportanceNormalization::Layer;
        p.batchSize = 32;
        auto r = computeImportance(*l.model, l.data, p);
        QVERIFY2(r.ok(), r.error().toString().c_str());
        const auto hi = l.ref[QStringLiteral("head_importance")].toObject();
        const auto raw = matrixOf(hi[QStringLiteral("raw")]);
        const auto norm = matrixOf(hi[QStringLiteral("layer_normalized")]);
        for (size_t layer = 0; layer < raw.size(); ++layer)
            for (size_t h = 0; h < raw[layer].size(); ++h) {
                QVERIFY2(std::abs(r->raw[layer][h] - raw[layer][h]) <= 1e-4 * std::abs(raw[layer][h]),
                         qPrintable(QStringLiteral("raw %1:%2 got %3 want %4").arg(layer).arg(h).arg(r->raw[layer][h]).arg(raw[layer][h])));
                QVERIFY(std::abs(r->normalized[layer][h] - norm[layer][h]) <= 1e-4 * std::abs(norm[layer][h]));
            }
    }

    void pruningCurve_data() { addCases(); }
    void pruningCurve()
    {
        if (!fixturesPresent())
            QSKIP("../shared/fixtures is absent: reference comparison skipped");
        auto l = load(currentCase());
        const auto pc = l.ref[QStringLiteral("pruning_curve")].toObject();
        const auto steps = pc[QStringLiteral("steps")].toArray();
        PruneCurveParams p;
        p.order = PruneOrder::Importance;
        p.stepPercent = 5.0;
        p.importance.method = ImportanceMethod::PaperCode;
        p.importance.normalization = ImportanceNormalization::Layer;
        auto r = computePruneCurve(*l.model, l.data, p);
        QVERIFY2(r.ok(), r.error().toString().c_str());
        int compared = 0;
        for (const auto& sv : steps) {
            const auto s = sv.toObject();
            const double percent = s[QStringLiteral("percent")].toDouble();
            auto it = std::find_if(r->points.begin(), r->points.end(),
                                   [&](const PruneCurvePoint& pt) { return std::abs(pt.percent - percent) < 1e-9; });
            QVERIFY(it != r->points.end());
            QCOMPARE(it->nPruned, s[QStringLiteral("n_pruned")].toInt());
            QCOMPARE(it->mask, maskFromPrunedHeads(s[QStringLiteral("pruned_heads")].toObject(), l.model->nLayers(),
                                                   l.model->nHeads()));
            QVERIFY2(std::abs(it->accuracy - s[QStringLiteral("accuracy")].toDouble()) < 1e-12,
                     qPrintable(QStringLiteral("at %1%: %2 vs %3").arg(percent).arg(it->accuracy).arg(s[QStringLiteral("accuracy")].toDouble())));
            ++compared;
        }
        QVERIFY(compared >= 10);
    }

    void actualPruning_data() { addCases(); }
    void actualPruning()
    {
        if (!fixturesPresent())
            QSKIP("../shared/fixtures is absent: reference comparison skipped");
        auto l = load(currentCase());
        const auto ap = l.ref[QStringLiteral("actual_pruning")].toObject();
        const HeadMask keep = maskFromPrunedHeads(ap[QStringLiteral("pruned_heads")].toObject(), l.model->nLayers(), l.model->nHeads());
        QCOMPARE(l.model->parameterCount(), qint64(ap[QStringLiteral("params_before")].toDouble()));
        auto pruned = l.model->pruned(keep);
        QVERIFY2(pruned.ok(), pruned.error().toString().c_str());
        QCOMPARE((*pruned)->parameterCount(), qint64(ap[QStringLiteral("params_after")].toDouble()));
        const auto left = ap[QStringLiteral("heads_left_per_layer")].toArray();
        for (int layer = 0; layer < left.size(); ++layer)
            QCOMPARE((*pruned)->headsPerLayer()[size_t(layer)], left[layer].toInt());

        EvalParams masked;
        masked.mask = keep;
        auto rm = evaluate(*l.model, l.data, masked);
        auto rp = evaluate(**pruned, l.data, EvalParams{});
        QVERIFY(rm.ok() && rp.ok());
        QCOMPARE(rm->accuracy, ap[QStringLiteral("accuracy_masked")].toDouble());
        QCOMPARE(rp->accuracy, ap[QStringLiteral("accuracy_pruned")].toDouble());
        const auto expected = matrixOf(ap[QStringLiteral("logits_first8_pruned")]);
        for (size_t i = 0; i < expected.size(); ++i)
            for (size_t c = 0; c < expected[i].size(); ++c) {
                QVERIFY(std::abs(rp->logits[i][c] - expected[i][c]) < 1e-5);
                QVERIFY(std::abs(rm->logits[i][c] - expected[i][c]) < 1e-5);
            }

        // The exported model reloads with identical logits.
        QTemporaryDir out;
        QVERIFY((*pruned)->save(out.path().toStdString()).ok());
        auto reloaded = EncoderModel::load(out.path().toStdString());
        QVERIFY2(reloaded.ok(), reloaded.error().toString().c_str());
        QCOMPARE((*reloaded)->headsPerLayer(), (*pruned)->headsPerLayer());
        auto rr = evaluate(**reloaded, l.data, EvalParams{});
        QVERIFY(rr.ok());
        for (size_t i = 0; i < l.data.size(); ++i)
            for (size_t c = 0; c < rr->logits[i].size(); ++c)
                QVERIFY(std::abs(rr->logits[i][c] - rp->logits[i][c]) < 1e-6);
    }

    void entropy_data() { addCases(); }
    void entropy()
    {
        if (!fixturesPresent())
            QSKIP("../shared/fixtures is absent: reference comparison skipped");
        auto l = load(currentCase());
        auto r = attentionEntropy(*l.model, l.data, EntropyParams{});
        QVERIFY2(r.ok(), r.error().toString().c_str());
        const auto expected = matrixOf(l.ref[QStringLiteral("attention_entropy")].toObject()[QStringLiteral("per_token_mean")]);
        for (size_t layer = 0; layer < expected.size(); ++layer)
            for (size_t h = 0; h < expected[layer].size(); ++h)
                QVERIFY2(std::abs(r.value()[layer][h] - expected[layer][h]) < 1e-5,
                         qPrintable(QStringLiteral("%1:%2 got %3 want %4").arg(layer).arg(h).arg(r.value()[layer][h]).arg(expected[layer][h])));
    }
};

QTEST_GUILESS_MAIN(TestPaperReference)
#include "tst_paper_reference.moc"
