// Head importance against float64 finite differences of the reference encoder: the paper's
// mask-gradient equation, the same with heads already masked, the authors' released-code
// variant (per-token terms, batch-mean loss, file-order batches), and the normalisations.
#include "analysis/encoded_dataset.h"
#include "analysis/importance.h"
#include "model/encoder_model.h"

#include "reference_encoder.h"
#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_model_loading.h"
#include "tiny_random.h"
#include "tiny_vocab.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

struct Fixture
{
    TinyBertModel ref;
    std::shared_ptr<const EncoderModel> model;
    std::vector<ReferenceInput> inputs;
    std::vector<int> labels;
    EncodedDataset data;
};

// A 2-layer, 4-head BERT and ten examples of 3..20 tokens (so that batches of 4 are uneven).
Fixture makeFixture(const std::string& dir)
{
    Fixture f;
    TinyBertSpec spec;
    spec.seed = 17;
    spec.weightScale = 0.4f; // gradients well away from zero
    f.ref = writeTinyBert(dir, spec);
    f.model = loadSingleThreaded(dir);
    TinyRandom rng(23);
    const int64_t vocab = int64_t(tinyVocab().size());
    const int lengths[] = {7, 3, 15, 9, 20, 4, 11, 6, 13, 8};
    for (int i = 0; i < 10; ++i) {
        ReferenceInput in;
        in.ids.push_back(2);
        for (int t = 0; t < lengths[i] - 2; ++t)
            in.ids.push_back(5 + int64_t(rng.below(uint64_t(vocab - 5))));
        in.ids.push_back(3);
        in.typeIds.assign(in.ids.size(), 0);
        f.inputs.push_back(in);
        f.labels.push_back(int(rng.below(2)));
        EncodedExample e{in.ids, in.typeIds, f.labels.back()};
        f.data.nTokens += int64_t(in.ids.size());
        f.data.maxLength = std::max(f.data.maxLength, int(in.ids.size()));
        f.data.examples.push_back(e);
    }
    return f;
}

void compareMatrices(const Matrix& got, const Matrix& want, double rel, double abs)
{
    QCOMPARE(got.size(), want.size());
    double worstRel = 0;
    for (size_t l = 0; l < got.size(); ++l) {
        QCOMPARE(got[l].size(), want[l].size());
        for (size_t h = 0; h < got[l].size(); ++h) {
            const double tol = rel * std::fabs(want[l][h]) + abs;
            if (want[l][h] != 0)
                worstRel = std::max(worstRel, std::fabs(got[l][h] - want[l][h]) / std::fabs(want[l][h]));
            QVERIFY2(std::fabs(got[l][h] - want[l][h]) <= tol,
                     qPrintable(QStringLiteral("[%1][%2]: engine %3, expected %4")
                                    .arg(l).arg(h).arg(got[l][h], 0, 'g', 10).arg(want[l][h], 0, 'g', 10)));
        }
    }
    qInfo("largest relative difference %.3g", worstRel);
}

// (1/N) sum_x |dL(x)/dxi| at xi = base, by float64 central differences.
Matrix oracleMaskGradientImportance(const Fixture& f, const HeadMaskValues* base)
{
    const auto& spec = f.ref.spec;
    Matrix acc(size_t(spec.nLayers), std::vector<double>(size_t(spec.nHeads), 0.0));
    for (size_t i = 0; i < f.inputs.size(); ++i) {
        const auto g = referenceMaskGradient(f.ref.weights, spec, f.inputs[i], f.labels[i], base);
        for (int l = 0; l < spec.nLayers; ++l)
            for (int h = 0; h < spec.nHeads; ++h)
                acc[size_t(l)][size_t(h)] += std::fabs(g[size_t(l)][size_t(h)]) / double(f.inputs.size());
    }
    return acc;
}

} // namespace

class TestImportanceOracle : public QObject
{
    Q_OBJECT

private slots:
    void maskGradientMatchesFiniteDifferences()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString());
        QVERIFY(f.model);
        ImportanceParams p;
        p.method = ImportanceMethod::MaskGradient;
        p.normalization = ImportanceNormalization::None;
        p.batchSize = 4;
        auto r = computeImportance(*f.model, f.data, p);
        REQUIRE_OK(r);
        QCOMPARE(r->nExamples, int64_t(10));
        QCOMPARE(r->nTokens, f.data.nTokens);
        const Matrix want = oracleMaskGradientImportance(f, nullptr);
        compareMatrices(r->raw, want, 1e-4, 1e-7);
        QCOMPARE(r->normalized, r->raw); // normalisation None
        for (const auto& row : want)
            for (double v : row)
                QVERIFY(v > 1e-5); // every head matters a little: the check is not vacuous

        // Batch size does not change the equation's value (per-example mask variables).
        p.batchSize = 3;
        p.normalization = ImportanceNormalization::Layer;
        auto r3 = computeImportance(*f.model, f.data, p);
        REQUIRE_OK(r3);
        compareMatrices(r3->raw, want, 1e-4, 1e-7);
        for (size_t l = 0; l < want.size(); ++l) {
            double norm = 0;
            for (double v : r3->raw[l])
                norm += v * v;
            norm = std::sqrt(norm);
            for (size_t h = 0; h < want[l].size(); ++h)
                QVERIFY(std::fabs(r3->normalized[l][h] - r3->raw[l][h] / norm) < 1e-12);
        }
    }

    // Heads already masked: the others' gradient is taken at that mask (xi = 0 for the masked
    // ones); masked heads score 0 as documented, and the result equals the structurally pruned
    // model's importance.
    void maskGradientWithBaseMask()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString());
        QVERIFY(f.model);
        HeadMask mask = f.model->fullMask();
        mask.setKept(0, 1, false);
        mask.setKept(1, 2, false);
        mask.setKept(1, 3, false);
        ImportanceParams p;
        p.normalization = ImportanceNormalization::None;
        p.batchSize = 4;
        p.mask = mask;
        auto r = computeImportance(*f.model, f.data, p);
        REQUIRE_OK(r);

        HeadMaskValues base = allOnesHeadMask(f.ref.spec);
        base[0][1] = base[1][2] = base[1][3] = 0.0;
        const Matrix atMask = oracleMaskGradientImportance(f, &base);
        const Matrix atOnes = oracleMaskGradientImportance(f, nullptr);
        Matrix want = atMask;
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h)
                if (!mask.isKept(l, h)) {
                    // A masked head still has a gradient at xi = 0; the engine reports 0 for it.
                    QVERIFY(atMask[size_t(l)][size_t(h)] > 1e-5);
                    want[size_t(l)][size_t(h)] = 0.0;
                }
        compareMatrices(r->raw, want, 1e-4, 1e-7);
        // The mask changed the other heads' gradients (so they were not taken at xi = 1).
        QVERIFY(std::fabs(atMask[0][0] - atOnes[0][0]) > 1e-4 * atOnes[0][0]);

        auto pruned = f.model->pruned(mask);
        REQUIRE_OK(pruned);
        p.mask = {};
        auto rp = computeImportance(**pruned, f.data, p);
        REQUIRE_OK(rp);
        compareMatrices(rp->raw, r->raw, 1e-5, 1e-8);
    }

    void paperCode_data()
    {
        QTest::addColumn<int>("batchSize");
        QTest::newRow("batch 4 (4, 4, 2)") << 4;
        QTest::newRow("batch 3 (3, 3, 3, 1)") << 3;
    }

    // Authors' code: per batch (file order) L = mean CE over the batch, so example x's token
    // term is (1/B) dL_x/ds[l][h][t]; I += sum over x, t of |that|; then layers below the last
    // are divided by the total token count and the last layer by the number of examples.
    void paperCode()
    {
        QFETCH(int, batchSize);
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString());
        QVERIFY(f.model);
        ImportanceParams p;
        p.method = ImportanceMethod::PaperCode;
        p.normalization = ImportanceNormalization::None;
        p.batchSize = batchSize;
        auto r = computeImportance(*f.model, f.data, p);
        REQUIRE_OK(r);

        const auto& spec = f.ref.spec;
        const size_t n = f.inputs.size();
        Matrix want(size_t(spec.nLayers), std::vector<double>(size_t(spec.nHeads), 0.0));
        int64_t tokens = 0;
        for (size_t start = 0; start < n; start += size_t(batchSize)) {
            const size_t end = std::min(n, start + size_t(batchSize));
            const double b = double(end - start);
            for (size_t i = start; i < end; ++i) {
                const auto g = referenceTokenHeadGradient(f.ref.weights, spec, f.inputs[i], f.labels[i]);
                tokens += int64_t(f.inputs[i].ids.size());
                for (int l = 0; l < spec.nLayers; ++l)
                    for (int h = 0; h < spec.nHeads; ++h)
                        for (double v : g[size_t(l)][size_t(h)])
                            want[size_t(l)][size_t(h)] += std::fabs(v) / b;
            }
        }
        for (int l = 0; l < spec.nLayers; ++l)
            for (int h = 0; h < spec.nHeads; ++h)
                want[size_t(l)][size_t(h)] /= l + 1 < spec.nLayers ? double(tokens) : double(n);
        QCOMPARE(r->nTokens, tokens);
        compareMatrices(r->raw, want, 1e-4, 1e-7);
    }

    void normalizeLayer()
    {
        // Rows over their l2 norm (+1e-20): (3, 4) / 5, (5, 12) / 13; a zero row stays zero;
        // NaN (absent head) is left out of the norm and stays NaN.
        const double nan = std::nan("");
        const Matrix raw{{3, 4, nan}, {0, 0, 0}, {5, 12, 0}, {1e-30, 0, 0}};
        const Matrix got = normalizeImportance(raw, ImportanceNormalization::Layer);
        QCOMPARE(got[0][0], 0.6);
        QCOMPARE(got[0][1], 0.8);
        QVERIFY(std::isnan(got[0][2]));
        QCOMPARE(got[1], (std::vector<double>{0, 0, 0}));
        QVERIFY(std::fabs(got[2][0] - 5.0 / 13.0) < 1e-15);
        QVERIFY(std::fabs(got[2][1] - 12.0 / 13.0) < 1e-15);
        // 1e-30 / (1e-30 + 1e-20) = 1e-10: the epsilon is really added.
        QVERIFY(std::fabs(got[3][0] - 1e-10) < 1e-19);
    }

    void normalizeGlobal()
    {
        // Min-max over all finite entries: (v - 2) / 8.
        const Matrix got = normalizeImportance({{2, 4}, {6, 10}}, ImportanceNormalization::Global);
        QCOMPARE(got, (Matrix{{0, 0.25}, {0.5, 1}}));
        const double nan = std::nan("");
        const Matrix withNan = normalizeImportance({{1, nan}, {3, 2}}, ImportanceNormalization::Global);
        QCOMPARE(withNan[0][0], 0.0);
        QVERIFY(std::isnan(withNan[0][1]));
        QCOMPARE(withNan[1][0], 1.0);
        QCOMPARE(withNan[1][1], 0.5);
        // A constant matrix has no spread: all zero.
        QCOMPARE(normalizeImportance({{7, 7}, {7, 7}}, ImportanceNormalization::Global), (Matrix{{0, 0}, {0, 0}}));
        QCOMPARE(normalizeImportance({{7, 1}, {2, 3}}, ImportanceNormalization::None), (Matrix{{7, 1}, {2, 3}}));
    }

    void cancelAndBadMask()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString());
        QVERIFY(f.model);
        ImportanceParams p;
        p.batchSize = 4;
        int calls = 0;
        auto r = computeImportance(*f.model, f.data, p, [&](int64_t, int64_t) { return ++calls < 2; });
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
        QCOMPARE(calls, 2);
        p.mask = HeadMask(3, 4);
        auto bad = computeImportance(*f.model, f.data, p);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::ShapeMismatch);
    }
};

QTEST_GUILESS_MAIN(TestImportanceOracle)
#include "tst_importance_oracle.moc"
