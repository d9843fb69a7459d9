// AnalysisController without widgets: each analysis run through the JobRunner on a tiny model
// gives the numbers the core computes when called directly on the same files; ablation results
// arrive layer by layer; a second job of a kind supersedes the first, whose result never
// reaches the UI; cancel stops a job; results land in the HeadTableModel as named score sets.
#include "analysis/ablation.h"
#include "analysis/attention_stats.h"
#include "analysis/importance.h"
#include "analysis/prune_curve.h"
#include "analysis_fixture.h"
#include "jobs/analysis_controller.h"
#include "metrics/statistics.h"
#include "models/head_table_model.h"
#include "session/session_state.h"

#include <QSignalSpy>
#include <QTest>
#include <cmath>

using namespace headscope;
using namespace headscope::ui;
using headscope::testing::AnalysisFixture;

namespace {

void compareMatrices(const core::Matrix& actual, const core::Matrix& expected, double tolerance,
                     const char* what)
{
    QCOMPARE(actual.size(), expected.size());
    for (size_t l = 0; l < expected.size(); ++l) {
        QCOMPARE(actual[l].size(), expected[l].size());
        for (size_t h = 0; h < expected[l].size(); ++h) {
            const double a = actual[l][h], e = expected[l][h];
            if (std::isnan(e)) {
                QVERIFY2(std::isnan(a), qPrintable(QStringLiteral("%1[%2][%3]: expected NaN, got %4")
                                                       .arg(QLatin1String(what))
                                                       .arg(l)
                                                       .arg(h)
                                                       .arg(a)));
                continue;
            }
            QVERIFY2(std::abs(a - e) <= tolerance * std::max(1.0, std::abs(e)),
                     qPrintable(QStringLiteral("%1[%2][%3]: %4 vs %5")
                                    .arg(QLatin1String(what))
                                    .arg(l)
                                    .arg(h)
                                    .arg(a, 0, 'g', 12)
                                    .arg(e, 0, 'g', 12)));
        }
    }
}

/// The values of a score set as the head model shows them through ScoreRole.
core::Matrix modelScores(HeadTableModel* model, const QString& set, int role = HeadTableModel::ScoreRole)
{
    const QString previous = model->currentScores();
    model->setCurrentScores(set);
    core::Matrix m(size_t(model->rowCount()), std::vector<double>(size_t(model->columnCount())));
    for (int l = 0; l < model->rowCount(); ++l)
        for (int h = 0; h < model->columnCount(); ++h)
            m[size_t(l)][size_t(h)] = model->index(l, h).data(role).toDouble();
    model->setCurrentScores(previous);
    return m;
}

} // namespace

class TestAnalysisController : public QObject
{
    Q_OBJECT
private:
    AnalysisFixture m_fixture;
    AnalysisFixture::Direct m_direct;

private slots:
    void initTestCase()
    {
        QVERIFY(m_fixture.write());
        m_direct = AnalysisFixture::loadDirect(m_fixture.modelDir, m_fixture.dataFile);
    }

    void importanceMatchesTheCore()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        QSignalSpy ready(&analysis, &AnalysisController::importanceReady);
        QVERIFY(analysis.runImportance(core::ImportanceMethod::MaskGradient,
                                       core::ImportanceNormalization::Layer) > 0);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kImportanceJob);
        QCOMPARE(ready.count(), 1);

        core::ImportanceParams params;
        params.batchSize = AnalysisFixture::kBatchSize;
        params.mask = m_direct.model->fullMask();
        const auto direct = core::computeImportance(*m_direct.model, m_direct.data, params);
        QVERIFY(direct.ok());
        compareMatrices(analysis.importance()->raw, direct->raw, 1e-9, "raw");
        compareMatrices(analysis.importance()->normalized, direct->normalized, 1e-9, "normalized");
        QCOMPARE(analysis.importance()->nExamples, int64_t(AnalysisFixture::kExamples));

        // The head model holds both sets: every view reads these numbers.
        HeadTableModel* heads = session.headModel();
        compareMatrices(modelScores(heads, AnalysisController::kImportanceSet), direct->normalized, 1e-12,
                        "model normalized");
        compareMatrices(modelScores(heads, AnalysisController::kImportanceRawSet), direct->raw, 1e-12,
                        "model raw");

        // Re-normalising is a view of the raw scores, the same as the core's function.
        analysis.setImportanceNormalization(core::ImportanceNormalization::Global);
        QCOMPARE(ready.count(), 2);
        compareMatrices(modelScores(heads, AnalysisController::kImportanceSet),
                        core::normalizeImportance(direct->raw, core::ImportanceNormalization::Global), 1e-12,
                        "global");
        // Global min-max: the largest raw score becomes 1, the smallest 0.
        double top = -1, bottom = 2;
        for (const auto& row : analysis.importance()->normalized)
            for (double v : row) {
                top = std::max(top, v);
                bottom = std::min(bottom, v);
            }
        QCOMPARE(top, 1.0);
        QCOMPARE(bottom, 0.0);
    }

    void ablationArrivesLayerByLayer()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        QList<AblationResults> updates;
        connect(&analysis, &AnalysisController::ablationUpdated, this,
                [&updates](const AblationResults& r) { updates << r; });
        analysis.runAblation(core::AblationMode::SingleHead);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kAblationJob);

        core::AblationParams params;
        params.batchSize = AnalysisFixture::kBatchSize;
        const auto direct = core::runAblation(*m_direct.model, m_direct.data, params);
        QVERIFY(direct.ok());

        // One update per finished layer, then the final result.
        QCOMPARE(updates.size(), 3);
        QCOMPARE(updates[0]->layersDone, 1);
        QVERIFY(!updates[0]->complete());
        for (int h = 0; h < 4; ++h) {
            QCOMPARE(updates[0]->delta[0][size_t(h)], direct->delta[0][size_t(h)]);
            QVERIFY(std::isnan(updates[0]->delta[1][size_t(h)])); // layer 1 not done yet
        }
        QCOMPARE(updates[1]->layersDone, 2);
        QVERIFY(updates[2]->complete());
        const AblationResults& r = analysis.ablation();
        QCOMPARE(r->baselineAccuracy, direct->baselineAccuracy);
        compareMatrices(r->accuracy, direct->accuracy, 0, "accuracy");
        compareMatrices(r->delta, direct->delta, 0, "delta");
        compareMatrices(r->pTTest, direct->pTTest, 0, "p t-test");
        compareMatrices(r->pMcNemar, direct->pMcNemar, 0, "p McNemar");
        // Some head matters on this model: not every delta is zero.
        bool nonZero = false;
        for (const auto& row : r->delta)
            for (double v : row)
                nonZero = nonZero || std::abs(v) > 0;
        QVERIFY(nonZero);

        // The head model shows deltas and the chosen test's p-values.
        HeadTableModel* heads = session.headModel();
        compareMatrices(modelScores(heads, AnalysisController::kAblationSet, HeadTableModel::DeltaRole),
                        direct->delta, 0, "model delta");
        compareMatrices(modelScores(heads, AnalysisController::kAblationSet, HeadTableModel::PValueRole),
                        direct->pTTest, 0, "model p");
        analysis.setSignificanceTest(AnalysisController::SignificanceTest::McNemar);
        compareMatrices(modelScores(heads, AnalysisController::kAblationSet, HeadTableModel::PValueRole),
                        direct->pMcNemar, 0, "model p McNemar");
    }

    void keepOneAndEntropyMatchTheCore()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        analysis.runAblation(core::AblationMode::KeepOne);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kAblationJob);
        core::AblationParams params;
        params.mode = core::AblationMode::KeepOne;
        params.batchSize = AnalysisFixture::kBatchSize;
        const auto direct = core::runAblation(*m_direct.model, m_direct.data, params);
        QVERIFY(direct.ok());
        compareMatrices(analysis.keepOne()->delta, direct->delta, 0, "keep-one delta");
        QVERIFY(!analysis.ablation().isValid()); // keep-one results do not overwrite single-head ones

        analysis.runEntropy();
        AnalysisFixture::waitForJob(analysis, AnalysisController::kEntropyJob);
        core::EntropyParams ep;
        ep.batchSize = AnalysisFixture::kBatchSize;
        const auto entropy = core::attentionEntropy(*m_direct.model, m_direct.data, ep);
        QVERIFY(entropy.ok());
        compareMatrices(analysis.entropy()->entropy, entropy.value(), 1e-12, "entropy");
        compareMatrices(modelScores(session.headModel(), AnalysisController::kEntropySet), entropy.value(),
                        1e-12, "model entropy");
        // Entropy of a distribution over T tokens lies in [0, log T]; the longest row here has at
        // most the model's 64 positions.
        for (const auto& row : entropy.value())
            for (double v : row)
                QVERIFY(v >= 0 && v <= std::log(64.0));
    }

    void secondImportanceSupersedesFirst()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        QList<ImportanceResults> delivered;
        connect(&analysis, &AnalysisController::importanceReady, this,
                [&delivered](const ImportanceResults& r) { delivered << r; });
        QSignalSpy cancelled(session.runner(), &JobRunner::jobCancelled);

        // Two starts without returning to the event loop: the first is queued or running.
        const quint64 first = analysis.runImportance(core::ImportanceMethod::MaskGradient,
                                                     core::ImportanceNormalization::Layer);
        const quint64 second =
            analysis.runImportance(core::ImportanceMethod::PaperCode, core::ImportanceNormalization::Layer);
        QVERIFY(second > first);
        QVERIFY(std::any_of(cancelled.begin(), cancelled.end(),
                            [&](const QList<QVariant>& a) { return a.at(1).toULongLong() == first; }));
        AnalysisFixture::waitForJob(analysis, AnalysisController::kImportanceJob);
        QVERIFY(session.runner()->waitForIdle(120000));
        QCoreApplication::sendPostedEvents(session.runner());

        // Only the second job's result reached the UI.
        QCOMPARE(delivered.size(), 1);
        QCOMPARE(delivered.first().generation, second);
        QCOMPARE(delivered.first()->params.method, core::ImportanceMethod::PaperCode);
        core::ImportanceParams params;
        params.method = core::ImportanceMethod::PaperCode;
        params.batchSize = AnalysisFixture::kBatchSize;
        params.mask = m_direct.model->fullMask();
        const auto direct = core::computeImportance(*m_direct.model, m_direct.data, params);
        QVERIFY(direct.ok());
        compareMatrices(analysis.importance()->raw, direct->raw, 1e-9, "paper-code raw");
    }

    void cancelStopsAblation()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        QList<AblationResults> updates;
        // Cancel as soon as the first layer is in: nothing after it may arrive.
        connect(&analysis, &AnalysisController::ablationUpdated, this, [&](const AblationResults& r) {
            updates << r;
            if (updates.size() == 1) analysis.cancel(AnalysisController::kAblationJob);
        });
        QSignalSpy running(&analysis, &AnalysisController::runningChanged);
        QSignalSpy done(&analysis, &AnalysisController::jobDone);
        const quint64 generation = analysis.runAblation(core::AblationMode::SingleHead);
        QVERIFY(QTest::qWaitFor([&]() { return !updates.isEmpty(); }, 120000));
        QVERIFY(!analysis.isRunning(AnalysisController::kAblationJob));
        QVERIFY(session.runner()->waitForIdle(120000));
        QCoreApplication::sendPostedEvents(session.runner());
        QCOMPARE(updates.size(), 1);
        QVERIFY(!analysis.ablation().isValid() || !analysis.ablation()->complete());
        QCOMPARE(done.count(), 0);
        QVERIFY(session.runner()->currentGeneration(AnalysisController::kAblationJob) != generation);
        QVERIFY(std::any_of(running.begin(), running.end(),
                            [](const QList<QVariant>& a) { return !a.at(1).toBool(); }));
    }

    void curvesStreamAndMatchTheCore()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        int updates = 0;
        connect(&analysis, &AnalysisController::curvesUpdated, this, [&updates]() { ++updates; });
        AnalysisController::CurveRequest request;
        request.orders = {core::PruneOrder::Random, core::PruneOrder::Importance};
        request.stepPercent = 25.0;
        request.seed = 7;
        analysis.runCurves(request);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kCurveJob);

        const CurveResults& r = analysis.curves();
        QVERIFY(r->complete());
        QCOMPARE(r->curves.size(), size_t(2));
        QCOMPARE(r->totalHeads, 8);
        // 0, 25, 50, 75, 100 %: 5 points per curve, each streamed, plus the start and the end.
        QCOMPARE(updates, 2 * 5 + 2);
        for (int i = 0; i < 2; ++i) {
            core::PruneCurveParams params;
            params.order = request.orders[size_t(i)];
            params.stepPercent = 25.0;
            params.seed = 7;
            params.batchSize = AnalysisFixture::kBatchSize;
            params.importance.batchSize = AnalysisFixture::kBatchSize;
            const auto direct = core::computePruneCurve(*m_direct.model, m_direct.data, params);
            QVERIFY(direct.ok());
            const auto& points = r->curves[size_t(i)].points;
            QCOMPARE(points.size(), direct->points.size());
            for (size_t p = 0; p < points.size(); ++p) {
                QCOMPARE(points[p].nPruned, direct->points[p].nPruned);
                QCOMPARE(points[p].mask, direct->points[p].mask);
                QCOMPARE(points[p].accuracy, direct->points[p].accuracy);
                QCOMPARE(points[p].nParameters, direct->points[p].nParameters);
            }
            // floor(p / 100 * 8) heads at each step.
            QCOMPARE(points[1].nPruned, 2);
            QCOMPARE(points[4].nPruned, 8);
            QCOMPARE(points[4].mask.countKept(), 0);
        }
        QCOMPARE(r->baselineAccuracy(), r->curves[0].points[0].accuracy);
    }

    void compareCorrelatesTwoDatasets()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));

        // The same rows under another name: every head has the same value on both sides.
        const QString copy = m_fixture.dir.filePath(QStringLiteral("a-copy.tsv"));
        QVERIFY(QFile::copy(m_fixture.dataFile, copy));
        analysis.runCompare(copy, AnalysisController::CompareWhat::Ablation);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kCompareJob);
        QCOMPARE(analysis.comparison()->a.ablation->delta, analysis.comparison()->b.ablation->delta);
        QCOMPARE(analysis.comparison()->ablationDelta->nHeads, 8);
        QVERIFY(std::abs(analysis.comparison()->ablationDelta->pearson - 1.0) < 1e-12);
        QVERIFY(std::abs(analysis.comparison()->ablationDelta->spearman - 1.0) < 1e-12);

        // Another dataset: each side as the core computes it, and their correlation.
        analysis.runCompare(m_fixture.dataFileB, AnalysisController::CompareWhat::Importance);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kCompareJob);
        const CompareResults& r = analysis.comparison();
        QVERIFY(r->params.what == core::CompareWhat::Importance);
        const auto directB = AnalysisFixture::loadDirect(m_fixture.modelDir, m_fixture.dataFileB);
        core::ImportanceParams params;
        params.batchSize = AnalysisFixture::kBatchSize;
        params.mask = m_direct.model->fullMask();
        const auto a = core::computeImportance(*m_direct.model, m_direct.data, params);
        const auto b = core::computeImportance(*directB.model, directB.data, params);
        QVERIFY(a.ok() && b.ok());
        compareMatrices(r->a.importance->normalized, a->normalized, 1e-9, "A");
        compareMatrices(r->b.importance->normalized, b->normalized, 1e-9, "B");
        std::vector<double> x, y;
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h) {
                x.push_back(a->normalized[size_t(l)][size_t(h)]);
                y.push_back(b->normalized[size_t(l)][size_t(h)]);
            }
        QVERIFY(std::abs(r->importance->pearson - core::pearson(x, y)) < 1e-9);
        QVERIFY(std::abs(r->importance->spearman - core::spearman(x, y)) < 1e-9);

        // A missing second file: an error that names it, shown inline by the page.
        QSignalSpy errors(&analysis, &AnalysisController::errorOccurred);
        const QString missing = m_fixture.dir.filePath(QStringLiteral("missing.tsv"));
        analysis.runCompare(missing, AnalysisController::CompareWhat::Ablation);
        QVERIFY(errors.wait(120000));
        QCOMPARE(errors.first().at(0).toString(), AnalysisController::kCompareJob);
        QVERIFY2(errors.first().at(1).toString().contains(QStringLiteral("missing.tsv")),
                 qPrintable(errors.first().at(1).toString()));
    }

    void attentionAndExportMatchTheCore()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        core::HeadMask mask = session.fullMask();
        mask.setKept(0, 2, false);
        QVERIFY(session.setMask(mask));

        analysis.runAttention(3, 1, 2);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kAttentionJob);
        const auto direct = core::attentionForExample(*m_direct.model, m_direct.data, 3, 1, 2, mask);
        QVERIFY(direct.ok());
        const AttentionResults& r = analysis.attention();
        QCOMPARE(r->tokens, direct->tokens);
        QCOMPARE(r->weights, direct->weights);
        QCOMPARE(r->logits, direct->logits);
        QCOMPARE(r->logitsHeadMasked, direct->logitsHeadMasked);
        QVERIFY(!r->headMaskedAlready);
        // Each query's attention sums to 1.
        for (const auto& row : r->weights) {
            double sum = 0;
            for (float w : row)
                sum += w;
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
        }

        const QString out = m_fixture.dir.filePath(QStringLiteral("pruned"));
        QSignalSpy exported(&analysis, &AnalysisController::modelExported);
        analysis.exportPrunedModel(out, mask);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kExportModelJob);
        QCOMPARE(exported.count(), 1);
        auto reloaded = core::EncoderModel::load(out.toStdString());
        QVERIFY2(reloaded.ok(), reloaded.ok() ? "" : reloaded.error().toString().c_str());
        QVERIFY(!(*reloaded)->hasHead(0, 2));
        QVERIFY((*reloaded)->hasHead(0, 1));
        // hidden 16, 4 heads of 4 dims: one head takes 4 * 4 * 16 weights and 3 * 4 biases.
        QCOMPARE((*reloaded)->parameterCount(), m_direct.model->parameterCount() - (4 * 4 * 16 + 3 * 4));
    }

    void resultsAreDroppedWhenTheDatasetChanges()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        analysis.runImportance(core::ImportanceMethod::MaskGradient, core::ImportanceNormalization::Layer);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kImportanceJob);
        QVERIFY(analysis.importance().isValid());
        QSignalSpy cleared(&analysis, &AnalysisController::resultsCleared);
        QSignalSpy changed(&session, &SessionState::datasetChanged);
        session.loadDataset(m_fixture.dataFileB);
        // The results stay until the new dataset is in (a failed load would change nothing).
        QCOMPARE(cleared.count(), 0);
        QVERIFY(changed.wait(60000));
        QVERIFY(cleared.count() >= 1);
        QVERIFY(!analysis.importance().isValid());
        QVERIFY(!session.headModel()->scoreNames().contains(AnalysisController::kImportanceSet));
    }
};

QTEST_GUILESS_MAIN(TestAnalysisController)
#include "tst_analysis_controller.moc"
