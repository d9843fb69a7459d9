// The analysis pages offscreen: the heads heatmap holds the numbers the core computes and
// marks significant cells; a click on a cell masks that head in the shared model and session
// (every view of heads sees it); a click on a curve point applies its step's mask; the latency
// page's pruned parameter count is that of the really pruned model; masks exported in every
// format read back identically; plots save as PNG, SVG and PDF; results save as CSV and JSON.
#include "analysis/ablation.h"
#include "analysis/importance.h"
#include "analysis_fixture.h"
#include "export/export_actions.h"
#include "jobs/analysis_controller.h"
#include "jobs/evaluation_controller.h"
#include "main_window.h"
#include "mask/mask_file.h"
#include "models/head_table_model.h"
#include "export/result_export.h"
#include "session/session_state.h"
#include "pages/attention_page.h"
#include "pages/curves_page.h"
#include "pages/heads_page.h"
#include "pages/latency_page.h"
#include "pages/start_page.h"
#include "page_script.h"
#include "plots/attention_plot.h"
#include "plots/curve_plot.h"
#include "plots/head_heatmap.h"
#include "widgets/head_grid_view.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <cmath>

using namespace headscope;
using namespace headscope::ui;
using headscope::testing::AnalysisFixture;

class TestAnalysisPages : public QObject
{
    Q_OBJECT
private:
    AnalysisFixture m_fixture;
    AnalysisFixture::Direct m_direct;

    core::ImportanceResult directImportance()
    {
        core::ImportanceParams params;
        params.batchSize = AnalysisFixture::kBatchSize;
        params.mask = m_direct.model->fullMask();
        auto r = core::computeImportance(*m_direct.model, m_direct.data, params);
        if (!r) qFatal("%s", r.error().toString().c_str());
        return r.value();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // the window keeps recent files in QSettings
        QVERIFY(m_fixture.write());
        m_direct = AnalysisFixture::loadDirect(m_fixture.modelDir, m_fixture.dataFile);
    }

    void heatmapHoldsImportanceAndClicksMask()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        HeadsPage page(&session, &analysis);
        page.resize(1100, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.mode(), HeadsPage::Mode::Importance);
        page.run();
        AnalysisFixture::waitForJob(analysis, AnalysisController::kImportanceJob);

        const core::ImportanceResult direct = directImportance();
        HeadHeatmap* map = page.heatmap();
        map->refresh();
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h) {
                QVERIFY(std::abs(map->cellValue(l, h) - direct.normalized[size_t(l)][size_t(h)]) < 1e-9);
                QVERIFY(std::abs(session.headModel()->index(l, h).data(HeadTableModel::ScoreRole).toDouble() -
                                 direct.normalized[size_t(l)][size_t(h)]) < 1e-9);
            }
        // The raw view shows the raw scores.
        page.setMode(HeadsPage::Mode::ImportanceRaw);
        map->refresh();
        QVERIFY(std::abs(map->cellValue(1, 3) - direct.raw[1][3]) < 1e-9);
        // In the raw view the head with the largest raw score ranks 1 of 8 (found here).
        int bestL = 0, bestH = 0;
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h)
                if (direct.raw[size_t(l)][size_t(h)] > direct.raw[size_t(bestL)][size_t(bestH)]) {
                    bestL = l;
                    bestH = h;
                }
        QVERIFY2(map->toolTipFor(bestL, bestH).contains(QStringLiteral("Rank 1 of 8")),
                 qPrintable(map->toolTipFor(bestL, bestH)));

        // A click on cell (1, 2) masks that head in the session and in the shared head model,
        // which the head grid also shows.
        HeadGridView grid;
        grid.setHeadModel(session.headModel());
        QSignalSpy masks(&session, &SessionState::maskChanged);
        QTest::mouseClick(map->canvas(), Qt::LeftButton, {}, map->cellCenter(1, 2));
        QCOMPARE(masks.count(), 1);
        QVERIFY(!session.mask().isKept(1, 2));
        QCOMPARE(session.mask().countMasked(), 1);
        QVERIFY(grid.model()->index(1, 2).data(HeadTableModel::MaskedRole).toBool());
        QVERIFY(map->toolTipFor(1, 2).contains(QStringLiteral("Masked")));
        // A click on another cell masks that one too; a second click on (1, 2) keeps it again.
        QTest::mouseClick(map->canvas(), Qt::LeftButton, {}, map->cellCenter(0, 0));
        QVERIFY(!session.mask().isKept(0, 0));
        page.onCellClicked(1, 2);
        QVERIFY(session.mask().isKept(1, 2));
        QCOMPARE(session.mask().countMasked(), 1);
        // Outside the map nothing happens.
        QTest::mouseClick(map->canvas(), Qt::LeftButton, {}, QPoint(2, 2));
        QCOMPARE(session.mask().countMasked(), 1);
    }

    void ablationHeatmapMarksSignificantCells()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        HeadsPage page(&session, &analysis);
        page.setMode(HeadsPage::Mode::Ablation);
        page.run();
        AnalysisFixture::waitForJob(analysis, AnalysisController::kAblationJob);
        core::AblationParams params;
        params.batchSize = AnalysisFixture::kBatchSize;
        const auto direct = core::runAblation(*m_direct.model, m_direct.data, params);
        QVERIFY(direct.ok());
        HeadHeatmap* map = page.heatmap();
        map->refresh();
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h) {
                QCOMPARE(map->cellValue(l, h), direct->delta[size_t(l)][size_t(h)]);
                QCOMPARE(map->isMarked(l, h), direct->pTTest[size_t(l)][size_t(h)] < 0.01);
                QVERIFY(map->toolTipFor(l, h).contains(QStringLiteral("p-value")));
            }
        QVERIFY(page.statusText().contains(QStringLiteral("baseline accuracy")));

        // Marks follow the p-values of the set shown, at the 0.01 level (0.01 itself is not below).
        HeadTableModel* heads = session.headModel();
        const double nan = std::nan("");
        heads->setScores(QStringLiteral("marks"), {{0.1, 0.2, 0.3, 0.4}, {0.5, 0.6, 0.7, 0.8}});
        heads->setPValues(QStringLiteral("marks"), {{0.001, 0.01, 0.5, nan}, {0.0099, 1.0, 1e-8, 0.02}});
        heads->setCurrentScores(QStringLiteral("marks"));
        map->refresh();
        const bool expected[2][4] = {{true, false, false, false}, {true, false, true, false}};
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h)
                QVERIFY2(map->isMarked(l, h) == expected[l][h],
                         qPrintable(QStringLiteral("cell %1:%2").arg(l).arg(h)));
        QVERIFY(map->toolTipFor(1, 2).contains(QStringLiteral("significant")));
        QVERIFY(!map->toolTipFor(0, 1).contains(QStringLiteral("significant")));
        map->setSignificanceLevel(0.0);
        map->refresh();
        QVERIFY(!map->isMarked(0, 0));
    }

    void curvePointClickAppliesItsMask()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        CurvesPage page(&session, &analysis);
        page.resize(1100, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        AnalysisController::CurveRequest request;
        request.orders = {core::PruneOrder::Random};
        request.stepPercent = 25.0;
        request.seed = 3;
        analysis.runCurves(request);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kCurveJob);

        CurvePlot* plot = page.plot();
        plot->replotNow();
        const core::PruneCurvePoint point = analysis.curves()->curves[0].points[2]; // 50 %: 4 heads
        QCOMPARE(point.nPruned, 4);
        QSignalSpy applied(&page, &CurvesPage::maskApplied);
        QSignalSpy clicked(plot, &CurvePlot::pointClicked);
        QTest::mouseClick(plot->canvas(), Qt::LeftButton, {}, plot->pointPosition(0, 2));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().at(1).toInt(), 2);
        QCOMPARE(applied.count(), 1);
        QCOMPARE(session.mask(), point.mask);
        QCOMPARE(session.mask().countMasked(), 4);
        QVERIFY(page.appliedText().contains(QStringLiteral("50 %")));
        // The head model follows: exactly the point's masked heads read as masked.
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h)
                QCOMPARE(session.headModel()->index(l, h).data(HeadTableModel::MaskedRole).toBool(),
                         !point.mask.isKept(l, h));

        // Without the mouse (the reset cleared the selection): the first key selects the 0 % point,
        // Right moves to 25 %, Enter applies it.
        session.resetMask();
        plot->setFocus();
        QTest::keyClick(plot, Qt::Key_Right);
        QTest::keyClick(plot, Qt::Key_Right);
        QTest::keyClick(plot, Qt::Key_Return);
        QCOMPARE(clicked.count(), 2);
        QCOMPARE(clicked.last().at(1).toInt(), 1);
        QCOMPARE(session.mask(), analysis.curves()->curves[0].points[1].mask);
        QCOMPARE(session.mask().countMasked(), 2);
    }

    void latencyPageCountsThePrunedModel()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        LatencyPage page(&session, &analysis);
        core::HeadMask mask = session.fullMask();
        mask.setKept(0, 1, false);
        mask.setKept(1, 0, false);
        mask.setKept(1, 3, false);
        QVERIFY(session.setMask(mask));
        const auto pruned = m_direct.model->pruned(mask);
        QVERIFY(pruned.ok());
        QCOMPARE(page.prunedParameters(), qint64((*pruned)->parameterCount()));
    }

    void attentionPageShowsTokensAndWeights()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        AttentionPage page(&session, &analysis);
        QCOMPARE(page.exampleList()->count(), AnalysisFixture::kExamples);
        page.setExample(5);
        page.showHead(1, 3);
        page.run();
        AnalysisFixture::waitForJob(analysis, AnalysisController::kAttentionJob);
        const auto direct = core::attentionForExample(*m_direct.model, m_direct.data, 5, 1, 3);
        QVERIFY(direct.ok());
        QStringList tokens;
        for (const auto& t : direct->tokens)
            tokens << QString::fromStdString(t);
        QCOMPARE(page.plot()->axisLabels(0), tokens);
        QCOMPARE(page.plot()->axisLabels(1), tokens);
        QCOMPARE(tokens.first(), QStringLiteral("[CLS]"));
        QCOMPARE(page.plot()->weightAt(2, 1), double(direct->weights[2][1]));
        QCOMPARE(page.predictionTable()->rowCount(), 2);
    }

    void maskExportsReadBack()
    {
        core::HeadMask mask(2, 4);
        mask.setKept(0, 1, false);
        mask.setKept(1, 3, false);
        mask.setKept(1, 0, false);
        const struct
        {
            ExportActions::MaskFileFormat format;
            const char* name;
        } cases[] = {{ExportActions::MaskFileFormat::Json, "mask.json"},
                     {ExportActions::MaskFileFormat::HuggingFace, "pruned_heads.json"},
                     {ExportActions::MaskFileFormat::Descriptor, "mask.txt"},
                     {ExportActions::MaskFileFormat::Csv, "mask.csv"},
                     {ExportActions::MaskFileFormat::Npy, "mask.npy"}};
        for (const auto& c : cases) {
            const QString path = m_fixture.dir.filePath(QLatin1String(c.name));
            const auto written = ExportActions::writeMask(path, mask, c.format);
            QVERIFY2(written.ok(), written.ok() ? "" : written.error().toString().c_str());
            const auto set = core::readMaskFile(path.toStdString(), 2, 4);
            QVERIFY2(set.ok(), set.ok() ? c.name : set.error().toString().c_str());
            const auto back = set->maskFor(core::AttentionType::EncoderSelf, 2, 4);
            QVERIFY(back.ok());
            QVERIFY2(back.value() == mask, c.name);
        }
        // The paper code's descriptor counts from 1: layer 0 head 1 is "1:2".
        const QString paper = m_fixture.dir.filePath(QStringLiteral("paper.txt"));
        QVERIFY(ExportActions::writeMask(paper, mask, ExportActions::MaskFileFormat::PaperDescriptor).ok());
        QFile file(paper);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll().trimmed();
        QCOMPARE(text, QByteArray("1:2 2:1,4"));
        const auto back = core::maskFromPaperDescriptor(text.toStdString(), 2, 4, paper.toStdString());
        QVERIFY(back.ok());
        QVERIFY(back->maskFor(core::AttentionType::EncoderSelf, 2, 4).value() == mask);
        // A filter names its format.
        QCOMPARE(ExportActions::formatFromFilter(ExportActions::maskFilters().at(5)),
                 ExportActions::MaskFileFormat::Npy);
    }

    void plotsAndResultsSave()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));
        HeadsPage page(&session, &analysis);
        page.resize(900, 600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.run();
        AnalysisFixture::waitForJob(analysis, AnalysisController::kImportanceJob);
        page.heatmap()->refresh();

        const QString png = m_fixture.dir.filePath(QStringLiteral("heads.png"));
        const QString svg = m_fixture.dir.filePath(QStringLiteral("heads.svg"));
        const QString pdf = m_fixture.dir.filePath(QStringLiteral("heads.pdf"));
        QString error;
        QVERIFY2(page.heatmap()->saveImage(png, &error), qPrintable(error));
        QVERIFY2(page.heatmap()->saveImage(svg, &error), qPrintable(error));
        QVERIFY2(page.heatmap()->saveImage(pdf, &error), qPrintable(error));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 2 * 640 && image.height() >= 2 * 420); // saved at twice the size
        QFile svgFile(svg), pdfFile(pdf);
        QVERIFY(svgFile.open(QIODevice::ReadOnly) && pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(svgFile.readAll().contains("<svg"));
        QVERIFY(pdfFile.read(5) == "%PDF-");
        QVERIFY(!page.heatmap()->saveImage(m_fixture.dir.filePath(QStringLiteral("heads.bmpx")), &error));
        QVERIFY(error.contains(QStringLiteral("bmpx")));

        // CSV: one table per result; the importance table holds the normalised scores.
        const core::ImportanceResult direct = directImportance();
        const QString csvDir = m_fixture.dir.filePath(QStringLiteral("results"));
        const auto files = resultexport::writeResults(analysis, csvDir, resultexport::Format::Csv);
        QVERIFY(files.ok());
        QCOMPARE(files->size(), 2); // importance.csv, importance_raw.csv
        QFile csv(csvDir + QStringLiteral("/importance.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QByteArray("layer,head_0,head_1,head_2,head_3"));
        const QList<QByteArray> row1 = lines[2].split(',');
        QCOMPARE(row1[0], QByteArray("1"));
        for (int h = 0; h < 4; ++h)
            QVERIFY(std::abs(row1[h + 1].toDouble() - direct.normalized[1][size_t(h)]) < 1e-9);

        // JSON: the CLI's layout, matrices keyed by attention type.
        const QString jsonPath = m_fixture.dir.filePath(QStringLiteral("results.json"));
        QVERIFY(resultexport::writeResults(analysis, jsonPath, resultexport::Format::Json).ok());
        QFile json(jsonPath);
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(doc.value(QStringLiteral("schema")).toInt(), 2);
        QCOMPARE(doc.value(QStringLiteral("command")).toString(), QStringLiteral("export"));
        const QJsonValue importance = doc[QStringLiteral("results")][QStringLiteral("importance")];
        const QJsonArray raw = importance[QStringLiteral("scores_raw")][QStringLiteral("encoder_self")].toArray();
        QCOMPARE(raw.size(), 2);
        QVERIFY(std::abs(raw[0].toArray()[2].toDouble() - direct.raw[0][2]) < 1e-12);
        QCOMPARE(importance[QStringLiteral("method")].toString(), QStringLiteral("mask-gradient"));
        QCOMPARE(doc[QStringLiteral("model")][QStringLiteral("layers")].toInt(), 2);
    }

    void pageScriptShowsPageAfterItsAnalysis()
    {
        MainWindow window;
        PageScript script(&window, QString(), QStringLiteral("keep-one"));
        QString error;
        QVERIFY(script.validate(&error));
        QVERIFY(!PageScript(&window, QStringLiteral("nowhere"), QString()).validate(&error));
        QVERIFY(error.contains(QStringLiteral("nowhere")));
        QSignalSpy finished(&script, &PageScript::finished);
        window.startPage()->openModel(m_fixture.modelDir);
        window.startPage()->openDataset(m_fixture.dataFile, core::DatasetOptions());
        script.start();
        QVERIFY(finished.wait(120000));
        // Keep-one results are on the heads page, which the script brought up.
        QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.headsPage()));
        QCOMPARE(window.headsPage()->mode(), HeadsPage::Mode::KeepOne);
        QVERIFY(window.analysis()->keepOne()->complete());
        QCOMPARE(window.pageNamed(QStringLiteral("Curves")), static_cast<QWidget*>(window.curvesPage()));
    }
};

QTEST_MAIN(TestAnalysisPages)
#include "tst_analysis_pages.moc"
