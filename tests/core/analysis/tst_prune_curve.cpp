// Pruning curves: step sizes (floor(p/100 * heads)), seeded random orders, nested masks, the
// per-layer minimum, rescoring, parameter counts of the really pruned models, the order given
// precomputed scores, and pruneOrderFromScores on hand-made matrices.
#include "analysis/ablation.h"
#include "analysis/encoded_dataset.h"
#include "analysis/evaluator.h"
#include "analysis/prune_curve.h"
#include "model/encoder_model.h"

#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_examples.h"
#include "tiny_random.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

// Every head pruned in a is pruned in b.
bool nested(const HeadMask& a, const HeadMask& b)
{
    for (int l = 0; l < a.nLayers(); ++l)
        for (int h = 0; h < a.nHeads(); ++h)
            if (!a.isKept(l, h) && b.isKept(l, h))
                return false;
    return true;
}

std::vector<std::pair<int, int>> orderOf(const std::vector<HeadId>& ids)
{
    std::vector<std::pair<int, int>> out;
    for (const auto& id : ids)
        out.emplace_back(id.layer, id.head);
    return out;
}

} // namespace

class TestPruneCurve : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::shared_ptr<const EncoderModel> m_model; // 3 layers x 4 heads = 12 heads
    EncodedDataset m_data;

    Result<PruneCurveResult> curve(PruneCurveParams p) const
    {
        p.batchSize = 8;
        return computePruneCurve(*m_model, m_data, p);
    }

    // Shared checks of any curve: nested masks, minimum per layer, parameters of the pruned model,
    // accuracy equal to evaluate() with the point's mask.
    void checkPoints(const PruneCurveResult& r, int minPerLayer) const
    {
        for (size_t i = 0; i < r.points.size(); ++i) {
            const auto& pt = r.points[i];
            QCOMPARE(pt.mask.countMasked(), pt.nPruned);
            if (i > 0)
                QVERIFY2(nested(r.points[i - 1].mask, pt.mask), qPrintable(QStringLiteral("step %1").arg(i)));
            for (int l = 0; l < 3; ++l)
                QVERIFY(pt.mask.countKeptInLayer(l) >= minPerLayer);
            auto pruned = m_model->pruned(pt.mask);
            REQUIRE_OK(pruned);
            QCOMPARE(pt.nParameters, (*pruned)->parameterCount());
            EvalParams ep;
            ep.mask = pt.mask;
            auto e = evaluate(*m_model, m_data, ep);
            REQUIRE_OK(e);
            QCOMPARE(pt.accuracy, e->accuracy);
        }
        QCOMPARE(r.baselineAccuracy, r.points.front().accuracy);
    }

private slots:
    void initTestCase()
    {
        TinyBertSpec spec;
        spec.nLayers = 3;
        spec.seed = 12;
        spec.weightScale = 0.5f;
        writeTinyBert(m_tmp.path().toStdString(), spec);
        LoadOptions opt;
        opt.nThreads = 1;
        auto loaded = EncoderModel::load(m_tmp.path().toStdString(), opt);
        REQUIRE_OK(loaded);
        m_model = loaded.value();
        TinyRandom rng(4);
        for (int i = 0; i < 16; ++i) {
            const int len = 3 + int(rng.below(20));
            appendRandomExample(m_data, rng, len);
        }
    }

    void randomOrderSteps()
    {
        PruneCurveParams p;
        p.order = PruneOrder::Random;
        p.stepPercent = 10;
        p.seed = 3;
        auto a = curve(p);
        REQUIRE_OK(a);
        QCOMPARE(a->order, PruneOrder::Random);
        QCOMPARE(a->points.size(), size_t(11));
        // floor(p / 100 * 12) for p = 0, 10, ..., 100.
        const std::vector<int> want{0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 12};
        for (size_t i = 0; i < want.size(); ++i) {
            QCOMPARE(a->points[i].percent, 10.0 * double(i));
            QCOMPARE(a->points[i].nPruned, want[i]);
        }
        checkPoints(a.value(), 0);

        auto again = curve(p);
        REQUIRE_OK(again);
        for (size_t i = 0; i < want.size(); ++i)
            QCOMPARE(again->points[i].mask, a->points[i].mask);
        p.seed = 4;
        auto other = curve(p);
        REQUIRE_OK(other);
        bool differs = false;
        for (size_t i = 0; i < want.size(); ++i)
            differs = differs || other->points[i].mask != a->points[i].mask;
        QVERIFY(differs);
    }

    void stepSizes()
    {
        // Step 25 %: 0, 3, 6, 9, 12 heads; step 30 %: 0, 3 (3.6), 7 (7.2), 10 (10.8).
        PruneCurveParams p;
        p.order = PruneOrder::Random;
        p.stepPercent = 25;
        auto a = curve(p);
        REQUIRE_OK(a);
        QCOMPARE(a->points.size(), size_t(5));
        const std::vector<int> quarters{0, 3, 6, 9, 12};
        for (size_t i = 0; i < quarters.size(); ++i)
            QCOMPARE(a->points[i].nPruned, quarters[i]);
        p.stepPercent = 30;
        auto b = curve(p);
        REQUIRE_OK(b);
        const std::vector<int> thirties{0, 3, 7, 10};
        QCOMPARE(b->points.size(), thirties.size());
        for (size_t i = 0; i < thirties.size(); ++i)
            QCOMPARE(b->points[i].nPruned, thirties[i]);
        p.stepPercent = 0;
        auto bad = curve(p);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
    }

    void minHeadsPerLayer()
    {
        PruneCurveParams p;
        p.order = PruneOrder::Random;
        p.stepPercent = 20;
        p.minHeadsPerLayer = 1;
        auto r = curve(p);
        REQUIRE_OK(r);
        checkPoints(r.value(), 1);
        // 12 heads, 3 must stay: at most 9 pruned (targets 0, 2, 4, 7, 9, 12 -> 9).
        const std::vector<int> want{0, 2, 4, 7, 9, 9};
        QCOMPARE(r->points.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            QCOMPARE(r->points[i].nPruned, want[i]);
    }

    void importanceOrderWithRescore()
    {
        PruneCurveParams p;
        p.order = PruneOrder::Importance;
        p.stepPercent = 25;
        p.importance.batchSize = 8;
        auto once = curve(p);
        REQUIRE_OK(once);
        checkPoints(once.value(), 0);
        p.rescore = true;
        p.minHeadsPerLayer = 1;
        auto rescored = curve(p);
        REQUIRE_OK(rescored);
        checkPoints(rescored.value(), 1);
        const std::vector<int> want{0, 3, 6, 9, 9};
        for (size_t i = 0; i < want.size(); ++i)
            QCOMPARE(rescored->points[i].nPruned, want[i]);
        // The first step is the same with or without rescoring (both use the full-model scores).
        QCOMPARE(rescored->points[1].mask, once->points[1].mask);
    }

    // Given scores: lowest first, ties by (layer, head).
    void precomputedImportanceScores()
    {
        PruneCurveParams p;
        p.order = PruneOrder::Importance;
        p.stepPercent = 100.0 / 12.0; // one head per step
        p.scores = {{0.9, 0.2, 0.5, 0.7}, {0.1, 0.8, 0.2, 0.6}, {0.3, 1.0, 0.4, 0.05}};
        auto r = curve(p);
        REQUIRE_OK(r);
        const std::vector<std::pair<int, int>> order{{2, 3}, {1, 0}, {0, 1}, {1, 2}, {2, 0}, {2, 2},
                                                     {0, 2}, {1, 3}, {0, 3}, {1, 1}, {0, 0}, {2, 1}};
        QCOMPARE(r->points.size(), size_t(13));
        for (size_t i = 1; i < r->points.size(); ++i) {
            const auto& prev = r->points[i - 1].mask;
            const auto& cur = r->points[i].mask;
            const auto [l, h] = order[i - 1];
            QVERIFY2(prev.isKept(l, h) && !cur.isKept(l, h), qPrintable(QStringLiteral("step %1").arg(i)));
            QCOMPARE(cur.countMasked(), int(i));
        }
        p.scores = {{0.1, 0.2}, {0.3, 0.4}};
        auto bad = curve(p);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::ShapeMismatch);
    }

    // Ablation order: a head whose removal costs most is pruned last. Passing the ablation
    // deltas precomputed gives the same curve as letting the curve run the ablation.
    void ablationOrder()
    {
        PruneCurveParams p;
        p.order = PruneOrder::Ablation;
        p.stepPercent = 25;
        auto computed = curve(p);
        REQUIRE_OK(computed);
        checkPoints(computed.value(), 0);

        AblationParams ap;
        ap.batchSize = 8;
        auto ablation = runAblation(*m_model, m_data, ap);
        REQUIRE_OK(ablation);
        p.scores = ablation->delta;
        auto given = curve(p);
        REQUIRE_OK(given);
        for (size_t i = 0; i < computed->points.size(); ++i)
            QCOMPARE(given->points[i].mask, computed->points[i].mask);

        // The 3 heads pruned first are those with the largest deltas (removal helps most).
        std::vector<std::pair<double, std::pair<int, int>>> byDelta;
        for (int l = 0; l < 3; ++l)
            for (int h = 0; h < 4; ++h)
                byDelta.push_back({-ablation->delta[size_t(l)][size_t(h)], {l, h}});
        std::stable_sort(byDelta.begin(), byDelta.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        const HeadMask& first = computed->points[1].mask;
        for (int i = 0; i < 3; ++i)
            QVERIFY(!first.isKept(byDelta[size_t(i)].second.first, byDelta[size_t(i)].second.second));
    }

    void orderFromScores()
    {
        // Kept: all but (0, 2). Sorted: (1,2)=.05 (0,1)=.1 (1,1)=.2 (1,0)=.3 (0,0)=.5. With at
        // least one head per layer: layer 0 has 2 kept, layer 1 has 3 -> (1,2), (0,1), (1,1).
        const Matrix scores{{0.5, 0.1, 0.9}, {0.3, 0.2, 0.05}};
        HeadMask base(2, 3);
        base.setKept(0, 2, false);
        QCOMPARE(orderOf(pruneOrderFromScores(scores, base, 1)),
                 (std::vector<std::pair<int, int>>{{1, 2}, {0, 1}, {1, 1}}));
        QCOMPARE(orderOf(pruneOrderFromScores(scores, base, 0)),
                 (std::vector<std::pair<int, int>>{{1, 2}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}));
        QVERIFY(pruneOrderFromScores(scores, base, 3).empty());
        // Ties keep (layer, head) order.
        QCOMPARE(orderOf(pruneOrderFromScores({{0.2, 0.2}, {0.2, 0.1}}, HeadMask(2, 2), 0)),
                 (std::vector<std::pair<int, int>>{{1, 1}, {0, 0}, {0, 1}, {1, 0}}));
        for (const auto& id : pruneOrderFromScores(scores, base, 0))
            QCOMPARE(id.type, AttentionType::EncoderSelf);
    }

    void cancel()
    {
        PruneCurveParams p;
        p.order = PruneOrder::Random;
        p.batchSize = 8;
        int calls = 0;
        auto r = computePruneCurve(*m_model, m_data, p, [&](int64_t, int64_t) { return ++calls < 3; });
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestPruneCurve)
#include "tst_prune_curve.moc"
