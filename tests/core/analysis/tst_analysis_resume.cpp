// Resuming interrupted analyses from a checkpoint (what a session restores after a crash):
// ablation from its finished layers, importance from its summed batches, pruning curves from
// their measured points. The resumed result must equal an uninterrupted run, the taken-over
// part must not be computed again (progress counts only the new work), and a checkpoint of
// another model or dataset is refused.
#include "analysis/ablation.h"
#include "analysis/encoded_dataset.h"
#include "analysis/importance.h"
#include "analysis/prune_curve.h"
#include "model/encoder_model.h"

#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_examples.h"
#include "tiny_model_loading.h"
#include "tiny_random.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

EncodedDataset randomData(uint64_t seed, int n)
{
    EncodedDataset data;
    TinyRandom rng(seed);
    for (int i = 0; i < n; ++i)
        appendRandomExample(data, rng, 3 + int(rng.below(20)));
    return data;
}

void compareMatrices(const Matrix& a, const Matrix& b, double tol, const char* what)
{
    QCOMPARE(a.size(), b.size());
    for (size_t l = 0; l < a.size(); ++l) {
        QCOMPARE(a[l].size(), b[l].size());
        for (size_t h = 0; h < a[l].size(); ++h) {
            if (std::isnan(a[l][h]) && std::isnan(b[l][h]))
                continue;
            QVERIFY2(std::abs(a[l][h] - b[l][h]) <= tol,
                     qPrintable(QStringLiteral("%1 [%2][%3]: %4 vs %5").arg(what).arg(l).arg(h).arg(a[l][h]).arg(b[l][h])));
        }
    }
}

} // namespace

class TestAnalysisResume : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        TinyBertSpec spec;
        spec.nLayers = 3;
        spec.seed = 11;
        spec.weightScale = 0.5f;
        writeTinyBert(m_dir.path().toStdString(), spec);
        m_model = loadSingleThreaded(m_dir.path().toStdString());
        QVERIFY(m_model);
        m_data = randomData(3, 40);
    }

    void ablationResumesFromFinishedLayers_data()
    {
        QTest::addColumn<bool>("fastPath");
        QTest::addColumn<int>("mode");
        QTest::newRow("fast single") << true << int(AblationMode::SingleHead);
        QTest::newRow("naive single") << false << int(AblationMode::SingleHead);
        QTest::newRow("fast keep-one") << true << int(AblationMode::KeepOne);
    }
    void ablationResumesFromFinishedLayers()
    {
        QFETCH(bool, fastPath);
        QFETCH(int, mode);
        AblationParams params;
        params.mode = AblationMode(mode);
        params.batchSize = 8;
        params.fastPath = fastPath;
        const auto full = runAblation(*m_model, m_data, params);
        QVERIFY(full);

        // The sweep is stopped after its first layer, as a kill would stop it; the layer
        // callback's copy is what a session checkpoints.
        std::shared_ptr<AblationResult> checkpoint;
        auto stopAfterFirst = [&](int layer, const AblationResult& soFar) {
            if (layer == 0)
                checkpoint = std::make_shared<AblationResult>(soFar);
        };
        bool stop = false;
        Progress cancelOnceCheckpointed = [&](int64_t, int64_t) { return !(stop = stop || checkpoint != nullptr); };
        const auto interrupted = runAblation(*m_model, m_data, params, cancelOnceCheckpointed, stopAfterFirst);
        QVERIFY(!interrupted);
        QCOMPARE(interrupted.error().code, ErrorCode::Cancelled);
        QVERIFY(checkpoint);
        QCOMPARE(checkpoint->layersDone, 1);
        checkpoint->correct.clear(); // a session file does not keep per-example vectors

        AblationParams resumed = params;
        resumed.resumeFrom = checkpoint;
        int64_t total = 0;
        std::vector<int> layersSeen;
        const auto r = runAblation(*m_model, m_data, resumed, [&](int64_t, int64_t t) { total = t; return true; },
                                   [&](int layer, const AblationResult&) { layersSeen.push_back(layer); });
        REQUIRE_OK(r);
        QCOMPARE(r->layersResumed, 1);
        QVERIFY(r->complete());
        QVERIFY(r->params.resumeFrom == nullptr);
        compareMatrices(r->accuracy, full->accuracy, 0.0, "accuracy");
        compareMatrices(r->delta, full->delta, 0.0, "delta");
        compareMatrices(r->pTTest, full->pTTest, 1e-15, "p t-test");
        compareMatrices(r->pMcNemar, full->pMcNemar, 1e-15, "p McNemar");
        QCOMPARE(r->baselineAccuracy, full->baselineAccuracy);
        // Work counted: the baseline pass and the variants of layers 1 and 2 only.
        int64_t variants = 0;
        for (int l = 1; l < 3; ++l)
            for (int h = 0; h < m_model->nHeads(); ++h)
                variants += 1;
        QCOMPARE(total, (variants + 1) * int64_t(m_data.examples.size()));
        QCOMPARE(layersSeen, (std::vector<int>{0, 1, 2}));
        // Layers measured again keep their per-example correctness; taken-over ones have none.
        QVERIFY(r->correct[0][0].empty());
        QCOMPARE(r->correct[1][0].size(), m_data.examples.size());
    }

    void ablationRefusesAnotherDatasetsCheckpoint()
    {
        AblationParams params;
        params.batchSize = 8;
        auto other = runAblation(*m_model, randomData(99, 40), params);
        QVERIFY(other);
        auto checkpoint = std::make_shared<AblationResult>(other.value());
        checkpoint->layersDone = 1;
        params.resumeFrom = checkpoint;
        const auto r = runAblation(*m_model, m_data, params);
        if (other->baselineAccuracy == runAblation(*m_model, m_data, AblationParams{})->baselineAccuracy)
            QSKIP("the two random datasets happen to have the same baseline accuracy");
        QVERIFY(!r);
        QVERIFY2(QString::fromStdString(r.error().message).contains(QStringLiteral("baseline")),
                 r.error().message.c_str());
    }

    void importanceResumesFromSummedBatches_data()
    {
        QTest::addColumn<int>("method");
        QTest::newRow("mask gradient") << int(ImportanceMethod::MaskGradient);
        QTest::newRow("paper code") << int(ImportanceMethod::PaperCode);
    }
    void importanceResumesFromSummedBatches()
    {
        QFETCH(int, method);
        ImportanceParams params;
        params.method = ImportanceMethod(method);
        params.batchSize = 8;
        const auto full = computeImportance(*m_model, m_data, params);
        QVERIFY(full);

        std::vector<ImportanceCheckpoint> checkpoints;
        const auto again = computeImportance(*m_model, m_data, params, {},
                                             [&](const ImportanceCheckpoint& c) { checkpoints.push_back(c); });
        QVERIFY(again);
        QCOMPARE(checkpoints.size(), size_t(5)); // 40 examples, batches of 8
        QCOMPARE(checkpoints.back().nExamples, int64_t(40));

        params.resumeFrom = std::make_shared<ImportanceCheckpoint>(checkpoints[2]);
        int64_t firstDone = -1;
        const auto r = computeImportance(*m_model, m_data, params, [&](int64_t done, int64_t) {
            if (firstDone < 0) firstDone = done;
            return true;
        });
        REQUIRE_OK(r);
        QCOMPARE(r->batchesResumed, 3);
        QCOMPARE(firstDone, int64_t(32)); // the first progress report is after the fourth batch
        QCOMPARE(r->nExamples, full->nExamples);
        QCOMPARE(r->nTokens, full->nTokens);
        compareMatrices(r->raw, full->raw, 1e-12, "raw importance");
        compareMatrices(r->normalized, full->normalized, 1e-12, "normalised importance");
    }

    void importanceRefusesMisfitCheckpoint()
    {
        ImportanceParams params;
        params.batchSize = 8;
        auto bad = std::make_shared<ImportanceCheckpoint>();
        bad->batchesDone = 9; // more batches than the data has
        bad->sum.assign(3, std::vector<double>(size_t(m_model->nHeads()), 0.0));
        params.resumeFrom = bad;
        const auto r = computeImportance(*m_model, m_data, params);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    }

    void curvesResumeFromMeasuredPoints()
    {
        PruneCurveSetParams params;
        params.orders = {PruneOrder::Random, PruneOrder::Importance};
        params.base.stepPercent = 25.0;
        params.base.batchSize = 8;
        const auto full = computePruneCurves(*m_model, m_data, params);
        QVERIFY(full);
        QCOMPARE(full->curves.size(), size_t(2));
        QCOMPARE(full->curves[1].points.size(), size_t(5));

        // The first curve finished, the second has two points: what a checkpoint holds.
        auto checkpoint = std::make_shared<PruneCurveSet>(full.value());
        checkpoint->curves[1].points.resize(2);
        checkpoint->curves[1].complete = false;
        params.resumeFrom = checkpoint;
        std::vector<std::pair<int, double>> measured;
        const auto r = computePruneCurves(*m_model, m_data, params, {}, [&](int curve, const PruneCurvePoint& p) {
            measured.emplace_back(curve, p.percent);
        });
        REQUIRE_OK(r);
        QVERIFY(r->complete());
        // Only the missing points of the second curve were evaluated.
        QCOMPARE(measured, (std::vector<std::pair<int, double>>{{1, 50.0}, {1, 75.0}, {1, 100.0}}));
        QCOMPARE(r->curves[1].pointsResumed, 2);
        for (size_t c = 0; c < 2; ++c) {
            QCOMPARE(r->curves[c].points.size(), full->curves[c].points.size());
            for (size_t i = 0; i < full->curves[c].points.size(); ++i) {
                QCOMPARE(r->curves[c].points[i].nPruned, full->curves[c].points[i].nPruned);
                QCOMPARE(r->curves[c].points[i].accuracy, full->curves[c].points[i].accuracy);
                QVERIFY(r->curves[c].points[i].mask == full->curves[c].points[i].mask);
            }
        }
    }

private:
    QTemporaryDir m_dir;
    std::shared_ptr<const EncoderModel> m_model;
    EncodedDataset m_data;
};

QTEST_GUILESS_MAIN(TestAnalysisResume)
#include "tst_analysis_resume.moc"
