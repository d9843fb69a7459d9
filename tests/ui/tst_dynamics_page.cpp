// The Dynamics page on a small checkpoint series: checkpoints arrive one by one, one curve per
// checkpoint, the epoch slider shows that checkpoint's importance (the numbers the core computes
// for it on its own); and the start page's "Open the Demo" finds a demo folder and hands the
// other dataset and the checkpoints to the pages.
#include "analysis/dataset_loader.h"
#include "analysis_fixture.h"
#include "pages/dynamics_page.h"
#include "pages/start_page.h"
#include "plots/dynamics_plot.h"
#include "plots/head_heatmap.h"

#include <QDir>
#include <QSlider>
#include <QtTest>
#include <cmath>

using namespace headscope;
using namespace headscope::ui;
using namespace headscope::testing;

class TestDynamicsPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_demo;

    QString path(const QString& relative) const { return QDir(m_demo).filePath(relative); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = m_dir.filePath(QStringLiteral("demo"));
        TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 4;
        spec.weightScale = 0.6f;
        for (int epoch = 1; epoch <= 3; ++epoch) {
            spec.seed = uint64_t(10 + epoch);
            writeTinyBert(path(QStringLiteral("checkpoints/epoch-%1").arg(epoch)).toStdString(), spec);
        }
        writeTinyBert(path(QStringLiteral("model")).toStdString(), spec);
        QVERIFY(QDir(m_demo).mkpath(QStringLiteral("data")));
        writeTinyDataset(path(QStringLiteral("data/dev_matched.tsv")).toStdString(), 24, false, 3);
        writeTinyDataset(path(QStringLiteral("data/dev_mismatched.tsv")).toStdString(), 24, false, 4);
    }

    void checkpointsArriveAndTheSliderShowsEach()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, path(QStringLiteral("model")), path(QStringLiteral("data/dev_matched.tsv"))));
        DynamicsPage page(&session, &analysis);
        page.resize(1200, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        // The checkpoints beside the model folder are found by themselves.
        QCOMPARE(QDir::cleanPath(page.checkpointsDir()), QDir::cleanPath(path(QStringLiteral("checkpoints"))));

        int updates = 0;
        connect(&analysis, &AnalysisController::dynamicsUpdated, this, [&updates](const DynamicsResults& r) {
            if (r.isValid()) ++updates;
        });
        page.run();
        AnalysisFixture::waitForJob(analysis, AnalysisController::kDynamicsJob);
        QCoreApplication::sendPostedEvents();
        QVERIFY2(updates >= 4, qPrintable(QString::number(updates))); // three checkpoints, then the end
        const DynamicsResults& r = analysis.dynamics();
        QVERIFY(r.isValid());
        QCOMPARE(r->checkpoints.size(), size_t(3));
        QCOMPARE(page.plot()->lineCount(), 3);
        QCOMPARE(page.epochSlider()->maximum(), 2);
        QCOMPARE(page.epochSlider()->value(), 2); // follows the newest

        page.epochSlider()->setValue(0);
        QVERIFY(page.epochText().contains(QStringLiteral("Epoch 1")));
        // The heatmap holds epoch 1's importance as the core computes it for that model alone.
        const auto model = core::EncoderModel::load(path(QStringLiteral("checkpoints/epoch-1")).toStdString()).value();
        const auto data = core::loadEncodedDataset(path(QStringLiteral("data/dev_matched.tsv")).toStdString(), {},
                                                   *model, core::defaultMaxLength(*model))
                              .value();
        core::ImportanceParams ip;
        ip.batchSize = AnalysisFixture::kBatchSize;
        ip.mask = model->fullMask();
        const auto importance = core::computeImportance(*model, data.encoded, ip).value();
        page.heatmap()->refresh();
        for (int l = 0; l < 2; ++l)
            for (int h = 0; h < 4; ++h)
                QVERIFY2(std::fabs(page.heatmap()->cellValue(l, h) - importance.normalized[size_t(l)][size_t(h)]) < 1e-9,
                         qPrintable(QStringLiteral("cell %1:%2").arg(l).arg(h)));
        page.epochSlider()->setValue(2);
        QVERIFY(page.epochText().contains(QStringLiteral("Epoch 3")));
    }

    void aFolderWithoutCheckpointsIsNamed()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, path(QStringLiteral("model")), path(QStringLiteral("data/dev_matched.tsv"))));
        QSignalSpy errors(&analysis, &AnalysisController::errorOccurred);
        QCOMPARE(analysis.runDynamics(path(QStringLiteral("data"))), quint64(0));
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("no checkpoint")));
    }

    void openDemoLoadsItAndHandsOverItsFiles()
    {
        qputenv("HEADSCOPE_DEMO_DIR", m_demo.toLocal8Bit());
        SessionState session;
        StartPage start(&session);
        QSignalSpy demo(&start, &StartPage::demoOpened);
        QVERIFY(start.openDemo());
        QVERIFY(QTest::qWaitFor([&]() { return session.isReady(); }, 120000));
        QCOMPARE(QDir::cleanPath(session.modelPath()), QDir::cleanPath(path(QStringLiteral("model"))));
        QVERIFY(session.datasetPath().endsWith(QStringLiteral("dev_matched.tsv")));
        QCOMPARE(demo.count(), 1);
        QVERIFY(demo.first().at(0).toString().endsWith(QStringLiteral("dev_mismatched.tsv")));
        QCOMPARE(QDir::cleanPath(demo.first().at(1).toString()), QDir::cleanPath(path(QStringLiteral("checkpoints"))));
        qunsetenv("HEADSCOPE_DEMO_DIR");
    }
};

QTEST_MAIN(TestDynamicsPage)
#include "tst_dynamics_page.moc"
