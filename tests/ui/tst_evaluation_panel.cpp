// What the evaluation panel says about a click's numbers: the paired change as an estimate with
// its interval (uncoloured while the interval holds zero), "Exact" once every example is done,
// sample mode with "Evaluate all examples", and a run stopped at the interval width.
#include "analysis_fixture.h"
#include "jobs/evaluation_controller.h"
#include "session/session_state.h"
#include "widgets/evaluation_panel.h"

#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QtTest>

using namespace headscope;
using namespace headscope::ui;

namespace {

QPushButton* evaluateAllButton(EvaluationPanel& panel)
{
    for (auto* b : panel.findChildren<QPushButton*>())
        if (b->text() == QStringLiteral("Evaluate all examples"))
            return b;
    return nullptr;
}

QLabel* deltaLabel(EvaluationPanel& panel)
{
    for (auto* l : panel.findChildren<QLabel*>())
        if (l->text() == panel.deltaText())
            return l;
    return nullptr;
}

} // namespace

class TestEvaluationPanel : public QObject
{
    Q_OBJECT

private:
    testing::AnalysisFixture m_files;

private slots:
    void initTestCase() { QVERIFY(m_files.write()); }

    void exactChangeAfterAFullRun()
    {
        SessionState session;
        EvaluationController controller(&session);
        EvaluationPanel panel(&controller);
        QVERIFY(testing::AnalysisFixture::load(session, m_files.modelDir, m_files.dataFile));
        QTRY_VERIFY_WITH_TIMEOUT(controller.baseline().isComplete(), 120000);
        QCOMPARE(panel.deltaNoteText(), QStringLiteral("This is the baseline."));
        session.setHeadMasked(0, 1, true);
        session.setHeadMasked(1, 2, true);
        QTRY_VERIFY_WITH_TIMEOUT(controller.current().isComplete() && controller.current().mask.countMasked() == 2,
                                 120000);
        QVERIFY2(panel.deltaNoteText().startsWith(QStringLiteral("Exact")), qPrintable(panel.deltaNoteText()));
        QVERIFY(!panel.deltaText().contains(QStringLiteral("95%")));
        QVERIFY(panel.stateText().contains(QStringLiteral("every example")));
        QLabel* delta = deltaLabel(panel);
        QVERIFY(delta);
        const double d = controller.current().accuracy - controller.baseline().accuracy;
        // An exact non-zero change is coloured by its sign; zero is not.
        if (std::fabs(d) > 1e-12)
            QVERIFY(delta->styleSheet().contains(d < 0 ? QStringLiteral("#c62828") : QStringLiteral("#2e7d32")));
        else
            QVERIFY(delta->styleSheet().isEmpty());
        QVERIFY(!evaluateAllButton(panel)->isVisibleTo(&panel));
    }

    void sampleModeSaysSoAndOffersAllExamples()
    {
        SessionState session;
        EvaluationController controller(&session);
        EvaluationPanel panel(&controller);
        QVERIFY(testing::AnalysisFixture::load(session, m_files.modelDir, m_files.dataFile));
        EngineSettings settings = session.engineSettings();
        settings.sampleSize = 20;
        session.setEngineSettings(settings);
        QTRY_VERIFY_WITH_TIMEOUT(controller.baseline().isComplete(), 120000);
        auto* sample = panel.findChild<QCheckBox*>();
        QVERIFY(sample);
        sample->setChecked(true);
        QVERIFY(controller.sampleMode());
        session.setHeadMasked(1, 0, true);
        QTRY_VERIFY_WITH_TIMEOUT(controller.current().isFinished() && controller.current().mask.countMasked() == 1,
                                 120000);
        QVERIFY2(panel.stateText().startsWith(QStringLiteral("Sample mode: a random sample of 20 of 60")),
                 qPrintable(panel.stateText()));
        QVERIFY2(panel.deltaText().contains(QStringLiteral("95%")), qPrintable(panel.deltaText()));
        QVERIFY(panel.deltaNoteText().contains(QStringLiteral("from 20 of 60 examples")));
        QPushButton* all = evaluateAllButton(panel);
        QVERIFY(all && all->isVisibleTo(&panel));
        all->click();
        QVERIFY(!sample->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(controller.current().isComplete(), 120000);
        QVERIFY(panel.deltaNoteText().startsWith(QStringLiteral("Exact")));
        QVERIFY(!all->isVisibleTo(&panel));
    }

    void stoppedRunIsAnEstimate()
    {
        SessionState session;
        EvaluationController controller(&session);
        EvaluationPanel panel(&controller);
        QVERIFY(testing::AnalysisFixture::load(session, m_files.modelDir, m_files.dataFile));
        EngineSettings settings = session.engineSettings();
        settings.stopWidthPoints = 95.0;
        session.setEngineSettings(settings);
        QTRY_VERIFY_WITH_TIMEOUT(controller.baseline().isComplete(), 120000);
        session.setHeadMasked(0, 3, true);
        QTRY_VERIFY_WITH_TIMEOUT(controller.current().isFinished() && controller.current().mask.countMasked() == 1,
                                 120000);
        QCOMPARE(controller.current().coverage, core::EvalResult::Coverage::StoppedAtWidth);
        QVERIFY2(panel.stateText().startsWith(QStringLiteral("Stopped after")), qPrintable(panel.stateText()));
        const auto e = controller.current().counts.deltaEstimate();
        QLabel* delta = deltaLabel(panel);
        QVERIFY(delta);
        // Coloured only when the interval excludes zero.
        const bool settled = e.interval.low > 0.0 || e.interval.high < 0.0;
        QCOMPARE(!delta->styleSheet().isEmpty(), settled);
        QVERIFY(evaluateAllButton(panel)->isVisibleTo(&panel));
    }
};

QTEST_MAIN(TestEvaluationPanel)
#include "tst_evaluation_panel.moc"
