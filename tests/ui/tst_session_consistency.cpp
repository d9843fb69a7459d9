// What a user finds when moving between pages (issue 13): a failed load changes nothing and stays
// out of the Recent lists; a later success clears the error it replaces; the Attention page shows
// numbers for the current mask (checked against the float64 reference encoder) or says which mask
// they belong to; the Curves panel follows reset and a new dataset; the Heads page labels what its
// numbers are, writes each quantity one way everywhere and says "Computing" while it computes;
// the Head Grid's pruned speed-up matches the FLOP count worked out by hand; every page states
// the numbering; File > Export writes the page's table as one CSV file.
#include "analysis/encoded_dataset.h"
#include "export/export_actions.h"
#include "export/result_export.h"
#include "jobs/analysis_controller.h"
#include "jobs/evaluation_controller.h"
#include "main_window.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "pages/attention_page.h"
#include "pages/curves_page.h"
#include "pages/head_grid_page.h"
#include "pages/heads_page.h"
#include "pages/start_page.h"
#include "plots/head_heatmap.h"
#include "reference_encoder.h"
#include "session/session_state.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"
#include "widgets/evaluation_panel.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"

#include <QFile>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

using namespace headscope;
using namespace headscope::ui;

namespace {

constexpr int kBatchSize = 8;

void writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

bool loadInto(SessionState& session, const QString& model, const QString& data)
{
    EngineSettings settings = session.engineSettings();
    settings.batchSize = kBatchSize;
    session.setEngineSettings(settings);
    QSignalSpy errors(&session, &SessionState::errorOccurred);
    session.loadModel(model);
    session.loadDataset(data);
    (void)QTest::qWaitFor([&]() { return session.isReady() || !errors.isEmpty(); }, 120000);
    return session.isReady();
}

bool waitForJob(AnalysisController& analysis, const QString& kind)
{
    QSignalSpy done(&analysis, &AnalysisController::jobDone);
    return QTest::qWaitFor(
        [&]() {
            for (const auto& args : done)
                if (args.at(0).toString() == kind) return true;
            return false;
        },
        300000);
}

} // namespace

class TestSessionConsistency : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_modelDir, m_dataFile, m_dataFileB;
    testing::TinyBertModel m_model;
    std::vector<testing::TinyExample> m_rows;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_modelDir = m_dir.filePath(QStringLiteral("tiny"));
        m_dataFile = m_dir.filePath(QStringLiteral("a.tsv"));
        m_dataFileB = m_dir.filePath(QStringLiteral("b.tsv"));
        testing::TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 4;
        spec.weightScale = 0.6f; // masking heads changes the logits visibly
        m_model = testing::writeTinyBert(m_modelDir.toStdString(), spec);
        m_rows = testing::writeTinyDataset(m_dataFile.toStdString(), 40, false, 11);
        testing::writeTinyDataset(m_dataFileB.toStdString(), 40, false, 23);
    }

    void failedLoadsChangeNothing()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        SessionState* session = window.session();
        StartPage* start = window.startPage();
        QSignalSpy errors(session, &SessionState::errorOccurred);
        start->openModel(m_modelDir);
        start->openDataset(m_dataFile, core::DatasetOptions());
        QVERIFY(QTest::qWaitFor([&]() { return session->isReady(); }, 120000));
        const auto model = session->model();
        const auto dataset = session->dataset();
        const QString dataPath = session->datasetPath();
        MessageBar* bar = start->messageBar();

        // A header-only file, an empty file: errors naming the file, the dataset stays.
        const QString headerOnly = m_dir.filePath(QStringLiteral("header_only.tsv"));
        const QString empty = m_dir.filePath(QStringLiteral("empty.tsv"));
        writeBytes(headerOnly, "sentence\tlabel\n");
        writeBytes(empty, "");
        for (const QString& bad : {headerOnly, empty}) {
            errors.clear();
            start->openDataset(bad, core::DatasetOptions());
            QVERIFY(errors.wait(60000));
            QCOMPARE(errors.at(0).at(0).toString(), SessionState::kLoadDataJob);
            QVERIFY2(bar->text().contains(bad), qPrintable(bar->text()));
            QCOMPARE(session->dataset(), dataset);
            QCOMPARE(session->datasetPath(), dataPath);
            QVERIFY(session->isReady());
        }

        // A binary file through the preview (the Open Dataset button's path).
        const QString binary = m_dir.filePath(QStringLiteral("weights.tsv"));
        writeBytes(binary, QByteArray("\x10\x00\x00\x00\x00\x00\x00\x00{}", 10));
        start->openDataset(binary);
        QTRY_VERIFY_WITH_TIMEOUT(bar->text().contains(QStringLiteral("not a text file")), 30000);
        QVERIFY(bar->text().contains(binary));
        QCOMPARE(session->dataset(), dataset);

        // A broken model: the loaded one stays.
        const QString broken = m_dir.filePath(QStringLiteral("broken"));
        QDir().mkpath(broken);
        writeBytes(broken + QStringLiteral("/config.json"), "{\"model_type\": \"gpt2\"}");
        errors.clear();
        start->openModel(broken);
        QVERIFY(errors.wait(60000));
        QCOMPARE(errors.at(0).at(0).toString(), SessionState::kLoadModelJob);
        QCOMPARE(session->model(), model);
        QVERIFY(session->isReady());

        // Only what loaded is in the Recent lists.
        QCOMPARE(start->recentModels(), QStringList{QFileInfo(m_modelDir).absoluteFilePath()});
        QCOMPARE(start->recentDatasets(), QStringList{QFileInfo(m_dataFile).absoluteFilePath()});

        // The dataset error, then a dataset that loads: the banner goes.
        errors.clear();
        start->openDataset(empty, core::DatasetOptions());
        QVERIFY(errors.wait(60000));
        window.showPage(start);
        QVERIFY(bar->isVisible());
        QSignalSpy changed(session, &SessionState::datasetChanged);
        start->openDataset(m_dataFileB, core::DatasetOptions());
        QVERIFY(changed.wait(60000));
        QVERIFY(bar->isHidden());
        QCOMPARE(start->recentDatasets().value(0), QFileInfo(m_dataFileB).absoluteFilePath());
    }

    void attentionShowsTheCurrentMask()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(loadInto(session, m_modelDir, m_dataFile));
        AttentionPage page(&session, &analysis);
        page.resize(1100, 700);
        QSignalSpy ready(&analysis, &AnalysisController::attentionReady);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.showHead(0, 0);
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && !analysis.isRunning(AnalysisController::kAttentionJob), 60000);
        QCOMPARE(page.currentExample(), 0);
        QVERIFY(!page.isStale());

        // Masked elsewhere while the page is hidden: the old numbers say so ...
        page.hide();
        core::HeadMask mask = session.mask();
        for (int h = 1; h < 4; ++h)
            mask.setKept(0, h, false);
        QVERIFY(session.setMask(mask));
        QVERIFY(page.isStale());
        QVERIFY2(page.summaryText().contains(QStringLiteral("previous mask")), qPrintable(page.summaryText()));

        // ... and showing the page computes them for the current mask.
        ready.clear();
        page.show();
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() && !page.isStale(), 60000);
        QVERIFY2(page.summaryText().contains(QStringLiteral("3 head(s) masked")), qPrintable(page.summaryText()));

        // The float64 reference forward with the same mask gives the logits in the table.
        const testing::ReferenceInput input =
            testing::referenceEncode(testing::tinyVocab(), m_rows[0].textA, m_rows[0].textB, 64);
        testing::HeadMaskValues xi = testing::allOnesHeadMask(m_model.spec);
        testing::HeadMaskValues xiAll = xi;
        for (int h = 1; h < 4; ++h)
            xi[0][size_t(h)] = 0.0;
        const std::vector<double> masked = testing::referenceLogits(m_model, input, &xi);
        const std::vector<double> unmasked = testing::referenceLogits(m_model, input, &xiAll);
        QTableWidget* table = page.predictionTable();
        QCOMPARE(table->rowCount(), int(masked.size()));
        const double top = std::max(masked[0], masked[1]);
        const double sum = std::exp(masked[0] - top) + std::exp(masked[1] - top);
        bool differs = false;
        for (int c = 0; c < 2; ++c) {
            const QString expected = QStringLiteral("%1 (%2%)")
                                         .arg(masked[size_t(c)], 0, 'f', 2)
                                         .arg(100.0 * std::exp(masked[size_t(c)] - top) / sum, 0, 'f', 1);
            QCOMPARE(table->item(c, 1)->text(), expected);
            differs = differs || QString::number(unmasked[size_t(c)], 'f', 2) != QString::number(masked[size_t(c)], 'f', 2);
        }
        QVERIFY2(differs, "the mask must change the logits for this check to mean anything");
    }

    void curvesPanelFollowsTheSession()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(loadInto(session, m_modelDir, m_dataFile));
        CurvesPage page(&session, &analysis);
        AnalysisController::CurveRequest request;
        request.orders = {core::PruneOrder::Random};
        request.stepPercent = 25.0;
        analysis.runCurves(request);
        QVERIFY(waitForJob(analysis, AnalysisController::kCurveJob));
        QVERIFY(analysis.curves()->curves.front().points.size() >= 3);

        page.applyPoint(0, 2);
        QVERIFY2(page.appliedText().contains(QStringLiteral("50 %")), qPrintable(page.appliedText()));
        session.resetMask();
        QVERIFY2(page.appliedText().contains(QStringLiteral("reset")), qPrintable(page.appliedText()));

        page.applyPoint(0, 1);
        QVERIFY(page.appliedText().contains(QStringLiteral("25 %")));
        session.setHeadMasked(1, 1, !session.headModel()->isMasked(1, 1));
        QVERIFY2(page.appliedText().contains(QStringLiteral("changed")), qPrintable(page.appliedText()));

        // Another dataset: the curves and what was applied from them are gone.
        page.applyPoint(0, 1);
        QSignalSpy changed(&session, &SessionState::datasetChanged);
        session.loadDataset(m_dataFileB);
        QVERIFY(changed.wait(60000));
        QCOMPARE(page.appliedText(), QStringLiteral("None yet."));
        QVERIFY(!analysis.curves().isValid());
    }

    void headsPageSaysWhatItShows()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(loadInto(session, m_modelDir, m_dataFile));
        HeadsPage page(&session, &analysis);
        page.resize(1024, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));

        // Keep-one before any result: the colour bar says what and that nothing is computed, and
        // its scale is centred on zero (white), not 0..100 with red at 0.
        page.setMode(HeadsPage::Mode::KeepOne);
        page.heatmap()->refresh();
        QVERIFY2(page.heatmap()->colorScaleLabel().contains(QStringLiteral("only this head kept")),
                 qPrintable(page.heatmap()->colorScaleLabel()));
        QVERIFY(page.heatmap()->colorScaleLabel().contains(QStringLiteral("not computed yet")));
        double lo = 0, hi = 0;
        page.heatmap()->colorRange(&lo, &hi);
        QVERIFY(lo < 0 && hi > 0);
        QCOMPARE(lo, -hi);

        page.run();
        QVERIFY2(page.statusText().contains(QStringLiteral("Computing")), qPrintable(page.statusText()));
        QVERIFY(waitForJob(analysis, AnalysisController::kAblationJob));
        page.heatmap()->refresh();
        QVERIFY(!page.heatmap()->colorScaleLabel().contains(QStringLiteral("not computed yet")));
        QVERIFY2(page.extremesText().contains(QStringLiteral("keep alone")), qPrintable(page.extremesText()));
        QVERIFY(!page.extremesText().contains(QStringLiteral("Removing")));
        QVERIFY(!page.extremesText().contains(QStringLiteral("Masking it")));
        QTRY_VERIFY(page.progress()->timingText().contains(QStringLiteral("took")));

        // Another view: the keep-one job's "took" line goes.
        page.setMode(HeadsPage::Mode::Importance);
        QVERIFY(page.progress()->timingText().isEmpty());

        // One way of writing importance: the grid cell, its tooltip and the extremes agree.
        page.run();
        QVERIFY(waitForJob(analysis, AnalysisController::kImportanceJob));
        const core::Matrix& v = analysis.importance()->normalized;
        int bestL = 0, bestH = 0;
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h)
                if (v[size_t(l)][size_t(h)] > v[size_t(bestL)][size_t(bestH)]) bestL = l, bestH = h;
        const QString text = QString::number(v[size_t(bestL)][size_t(bestH)], 'f', 3);
        const QModelIndex cell = session.headModel()->index(bestL, bestH);
        QCOMPARE(cell.data(Qt::DisplayRole).toString(), text);
        QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(text));
        QVERIFY2(page.extremesText().contains(text), qPrintable(page.extremesText()));
        QCOMPARE(ExportActions::tableFor(&page), QStringLiteral("importance"));

        // The page's table as one CSV file: a header and one row per layer, the same numbers.
        const QString csv = m_dir.filePath(QStringLiteral("importance.csv"));
        QVERIFY(resultexport::writeTableCsv(analysis, ExportActions::tableFor(&page), csv).ok());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QByteArray("layer,head_0,head_1,head_2,head_3"));
        const double written = lines[1 + bestL].split(',').at(1 + bestH).toDouble();
        QVERIFY(std::abs(written - v[size_t(bestL)][size_t(bestH)]) <= 1e-9 * std::abs(v[size_t(bestL)][size_t(bestH)]));
        QVERIFY(!resultexport::writeTableCsv(analysis, QStringLiteral("entropy"), csv).ok()); // not computed
    }

    void headGridSpeedSaysWhatMaskingDoes()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        SessionState* session = window.session();
        QVERIFY(loadInto(*session, m_modelDir, m_dataFile));
        HeadGridPage* grid = window.headGridPage();
        EvaluationPanel* panel = grid->panel();
        QVERIFY2(panel->speedNoteText().contains(QStringLiteral("does not make it faster")),
                 qPrintable(panel->speedNoteText()));
        QVERIFY(panel->prunedEstimateText().contains(QStringLiteral("no head masked")));

        session->setLayerMasked(0, true);
        // Matrix-product FLOPs per example at the mean length T, worked out from the config:
        // per layer 2*T*h*3*w + 4*k*T*T*d + 2*T*w*h + 4*T*h*i (w = k*d), then pooler and classifier.
        const auto data = session->encodedDataset();
        size_t tokens = 0;
        for (const auto& e : data->examples)
            tokens += e.inputIds.size();
        const double T = double(tokens / data->examples.size());
        const double h = 16, d = 4, inter = 32;
        auto layer = [&](double k) {
            const double w = k * d;
            return 2 * T * h * 3 * w + 4 * k * T * T * d + 2 * T * w * h + 4 * T * h * inter;
        };
        const double tail = 2 * h * h + 2 * h * 2;
        const double expected = (2 * layer(4) + tail) / (layer(0) + layer(4) + tail);
        QVERIFY(expected > 1.0);
        QCOMPARE(grid->estimatedPrunedSpeedup(), expected);
        QVERIFY2(panel->prunedEstimateText().contains(QString::number(expected, 'f', 2)),
                 qPrintable(panel->prunedEstimateText()));
        QVERIFY(panel->prunedEstimateText().contains(QStringLiteral("4 head(s) removed")));
    }

    void everyPageStatesTheNumbering()
    {
        MainWindow window;
        for (const char* name : {"grid", "heads", "curves", "latency", "compare", "attention"}) {
            QWidget* page = window.pageNamed(QString::fromLatin1(name));
            QVERIFY2(page, name);
            auto* note = page->findChild<QLabel*>(QStringLiteral("numberingNote"));
            QVERIFY2(note, name);
            QVERIFY(note->text().contains(QStringLiteral("from 0")));
            QVERIFY(note->text().contains(QStringLiteral("from 1")));
        }
    }
};

QTEST_MAIN(TestSessionConsistency)
#include "tst_session_consistency.moc"
