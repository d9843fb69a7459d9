// Ablation: the cached-layer, many-variants-per-forward fast path against the naive loop and
// against evaluate() with explicit masks; significance tests recomputed from the returned
// correctness vectors; layer callbacks and cancellation.
#include "analysis/ablation.h"
#include "analysis/encoded_dataset.h"
#include "analysis/evaluator.h"
#include "analysis/layer_state_cache.h"
#include "metrics/statistics.h"
#include "model/encoder_model.h"

#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_model_loading.h"
#include "tiny_examples.h"
#include "tiny_random.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

// 3 layers x 4 heads with large weights (heads flip predictions), 30 examples of 3..35 tokens.
struct Fixture
{
    std::shared_ptr<const EncoderModel> model;
    EncodedDataset data;
};

Fixture makeFixture(const std::string& dir)
{
    Fixture f;
    TinyBertSpec spec;
    spec.nLayers = 3;
    spec.seed = 5;
    spec.weightScale = 0.5f;
    writeTinyBert(dir, spec);
    f.model = loadSingleThreaded(dir);
    TinyRandom rng(77);
    for (int i = 0; i < 30; ++i) {
        const int len = 3 + int(rng.below(33));
        appendRandomExample(f.data, rng, len);
    }
    return f;
}

HeadMask variantMask(const HeadMask& base, AblationMode mode, int layer, int head)
{
    HeadMask m = base;
    if (mode == AblationMode::SingleHead) {
        m.setKept(layer, head, false);
    } else {
        m.setLayerKept(layer, false);
        m.setKept(layer, head, true);
    }
    return m;
}

// McNemar's exact test by hand: b, c discordant counts, p = min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2).
double mcnemarByHand(const std::vector<uint8_t>& a, const std::vector<uint8_t>& base)
{
    int b = 0, c = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        b += a[i] && !base[i] ? 1 : 0;
        c += !a[i] && base[i] ? 1 : 0;
    }
    const int n = b + c, k = std::min(b, c);
    if (n == 0)
        return 1.0;
    double tail = 0, choose = 1; // C(n, 0)
    for (int i = 0; i <= k; ++i) {
        tail += choose * std::pow(0.5, n);
        choose = choose * double(n - i) / double(i + 1);
    }
    return std::min(1.0, 2 * tail);
}

} // namespace

class TestAblationPaths : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    Fixture m_f;

private slots:
    void initTestCase()
    {
        m_f = makeFixture(m_tmp.path().toStdString());
        QVERIFY(m_f.model);
    }

    void fastEqualsNaive_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("perForward");
        for (int mode : {0, 1})
            for (int v : {1, 3, 8})
                QTest::newRow(qPrintable(QStringLiteral("%1, %2 per forward").arg(mode ? "keep-one" : "single").arg(v)))
                    << mode << v;
    }

    // Exactly the same accuracies and per-example correctness; both equal evaluate() with the
    // variant's mask.
    void fastEqualsNaive()
    {
        QFETCH(int, mode);
        QFETCH(int, perForward);
        const auto& model = *m_f.model;
        AblationParams p;
        p.mode = mode ? AblationMode::KeepOne : AblationMode::SingleHead;
        p.batchSize = 7; // 30 examples: batches of 7, 7, 7, 7, 2
        p.variantsPerForward = perForward;
        p.fastPath = true;
        auto fast = runAblation(model, m_f.data, p);
        REQUIRE_OK(fast);
        p.fastPath = false;
        auto naive = runAblation(model, m_f.data, p);
        REQUIRE_OK(naive);

        QCOMPARE(fast->n, int64_t(30));
        QCOMPARE(fast->baselineCorrect, naive->baselineCorrect);
        QCOMPARE(fast->baselineAccuracy, naive->baselineAccuracy);
        EvalParams ep;
        ep.batchSize = 5;
        auto baseline = evaluate(model, m_f.data, ep);
        REQUIRE_OK(baseline);
        QCOMPARE(fast->baselineCorrect, baseline->correct);
        QCOMPARE(fast->baselineAccuracy, baseline->accuracy);

        int flipped = 0;
        for (int l = 0; l < 3; ++l)
            for (int h = 0; h < 4; ++h) {
                QCOMPARE(fast->correct[size_t(l)][size_t(h)], naive->correct[size_t(l)][size_t(h)]);
                QCOMPARE(fast->accuracy[size_t(l)][size_t(h)], naive->accuracy[size_t(l)][size_t(h)]);
                ep.mask = variantMask(model.fullMask(), p.mode, l, h);
                auto e = evaluate(model, m_f.data, ep);
                REQUIRE_OK(e);
                QCOMPARE(fast->correct[size_t(l)][size_t(h)], e->correct);
                QCOMPARE(fast->accuracy[size_t(l)][size_t(h)], e->accuracy);
                QCOMPARE(fast->delta[size_t(l)][size_t(h)], e->accuracy - baseline->accuracy);
                flipped += e->correct != baseline->correct ? 1 : 0;
            }
        QVERIFY2(flipped >= 3, "too few heads change a prediction: the comparison would be weak");
    }

    // p-values in [0, 1], equal to the statistics recomputed from the correctness vectors.
    void pValues()
    {
        AblationParams p;
        p.batchSize = 8;
        auto r = runAblation(*m_f.model, m_f.data, p);
        REQUIRE_OK(r);
        int significantish = 0;
        for (int l = 0; l < 3; ++l)
            for (int h = 0; h < 4; ++h) {
                const auto& c = r->correct[size_t(l)][size_t(h)];
                const double t = r->pTTest[size_t(l)][size_t(h)];
                const double m = r->pMcNemar[size_t(l)][size_t(h)];
                QVERIFY(t >= 0.0 && t <= 1.0);
                QVERIFY(m >= 0.0 && m <= 1.0);
                QCOMPARE(t, pairedTTestPValue(c, r->baselineCorrect));
                QCOMPARE(m, mcnemarExactPValue(c, r->baselineCorrect));
                QVERIFY(std::fabs(m - mcnemarByHand(c, r->baselineCorrect)) < 1e-12);
                significantish += t < 1.0 ? 1 : 0;
            }
        QVERIFY(significantish > 0);
    }

    // A starting mask: variants are built on it, the baseline is the masked model.
    void baseMask()
    {
        const auto& model = *m_f.model;
        HeadMask base = model.fullMask();
        base.setKept(0, 2, false);
        base.setKept(2, 0, false);
        AblationParams p;
        p.mode = AblationMode::SingleHead;
        p.batchSize = 6;
        p.baseMask = base;
        p.variantsPerForward = 3;
        auto fast = runAblation(model, m_f.data, p);
        REQUIRE_OK(fast);
        p.fastPath = false;
        auto naive = runAblation(model, m_f.data, p);
        REQUIRE_OK(naive);
        EvalParams ep;
        ep.mask = base;
        auto e = evaluate(model, m_f.data, ep);
        REQUIRE_OK(e);
        QCOMPARE(fast->baselineCorrect, e->correct);
        for (int l = 0; l < 3; ++l)
            for (int h = 0; h < 4; ++h) {
                QCOMPARE(fast->correct[size_t(l)][size_t(h)], naive->correct[size_t(l)][size_t(h)]);
                ep.mask = variantMask(base, AblationMode::SingleHead, l, h);
                auto v = evaluate(model, m_f.data, ep);
                REQUIRE_OK(v);
                QCOMPARE(fast->correct[size_t(l)][size_t(h)], v->correct);
            }
    }

    // A cache filled by an evaluation of the base mask serves the sweep's base pass (only the
    // last layer runs there); the numbers equal a sweep without cache, which fills it too.
    void layerCacheServesTheBasePass()
    {
        const auto& model = *m_f.model;
        AblationParams p;
        p.batchSize = 7;
        auto plain = runAblation(model, m_f.data, p);
        REQUIRE_OK(plain);

        LayerStateCache cache(size_t(64) << 20);
        EvalParams ep;
        ep.batchSize = 7;
        ep.layerCache = &cache;
        const auto filled = evaluate(model, m_f.data, ep);
        REQUIRE_OK(filled);
        const auto before = cache.stats();
        p.layerCache = &cache;
        auto cached = runAblation(model, m_f.data, p);
        REQUIRE_OK(cached);
        const auto after = cache.stats();
        QCOMPARE(after.batchesFromCache - before.batchesFromCache, int64_t(5)); // 30 examples in 7s
        QCOMPARE(after.layersSkipped - before.layersSkipped, int64_t(5 * (model.nLayers() - 1)));
        QCOMPARE(cached->baselineCorrect, plain->baselineCorrect);
        QCOMPARE(cached->correct, plain->correct);
        QCOMPARE(cached->delta, plain->delta);
        QVERIFY(cached->params.layerCache == nullptr);

        // An empty cache: the sweep computes and leaves the states for the next evaluation.
        LayerStateCache fresh(size_t(64) << 20);
        p.layerCache = &fresh;
        auto filling = runAblation(model, m_f.data, p);
        REQUIRE_OK(filling);
        QCOMPARE(filling->correct, plain->correct);
        QCOMPARE(fresh.stats().layersHeld, model.nLayers() - 1);
        QCOMPARE(fresh.stats().layersSkipped, int64_t(0));
        HeadMask m = model.fullMask();
        m.setKept(model.nLayers() - 1, 0, false);
        ep.layerCache = &fresh;
        ep.mask = m;
        const auto click = evaluate(model, m_f.data, ep); // REQUIRE_OK evaluates its argument twice
        REQUIRE_OK(click);
        QCOMPARE(fresh.stats().layersSkipped, int64_t(5 * (model.nLayers() - 1)));
    }

    void layerCallbackInOrder()
    {
        for (bool fastPath : {true, false}) {
            AblationParams p;
            p.batchSize = 10;
            p.fastPath = fastPath;
            std::vector<int> layers;
            auto r = runAblation(*m_f.model, m_f.data, p, {}, [&](int layer, const AblationResult& soFar) {
                layers.push_back(layer);
                // The finished layer is filled in, the next one not yet.
                QVERIFY(!std::isnan(soFar.accuracy[size_t(layer)][0]));
                if (layer + 1 < 3)
                    QVERIFY(std::isnan(soFar.accuracy[size_t(layer) + 1][0]));
            });
            REQUIRE_OK(r);
            QCOMPARE(layers, (std::vector<int>{0, 1, 2}));
        }
    }

    void cancel()
    {
        for (bool fastPath : {true, false}) {
            AblationParams p;
            p.batchSize = 10;
            p.fastPath = fastPath;
            int calls = 0;
            int64_t lastTotal = 0;
            auto r = runAblation(*m_f.model, m_f.data, p, [&](int64_t, int64_t total) {
                lastTotal = total;
                return ++calls < 4;
            });
            QVERIFY(!r);
            QCOMPARE(r.error().code, ErrorCode::Cancelled);
            QCOMPARE(calls, 4);
            QCOMPARE(lastTotal, int64_t((12 + 1) * 30)); // baseline + 12 variants, 30 examples each
        }
    }
};

QTEST_GUILESS_MAIN(TestAblationPaths)
#include "tst_ablation_paths.moc"
