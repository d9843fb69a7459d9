// The assembled window offscreen: open a model and a dataset from the start page, the head grid
// comes up with the evaluated accuracy; drops open files; load errors appear inline naming the
// file; the screenshot helper writes the window.
#include "jobs/evaluation_controller.h"
#include "main_window.h"
#include "model/encoder_model.h"
#include "session/session_state.h"
#include "pages/head_grid_page.h"
#include "pages/start_page.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"
#include "widgets/evaluation_panel.h"
#include "widgets/message_bar.h"
#include "widgets/screenshot_trigger.h"

#include <QDropEvent>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace headscope;
using namespace headscope::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_modelDir;
    QString m_dataFile;
    std::vector<testing::TinyExample> m_rows;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_modelDir = m_dir.filePath(QStringLiteral("tiny"));
        m_dataFile = m_dir.filePath(QStringLiteral("data.tsv"));
        testing::TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 2;
        testing::writeTinyBert(m_modelDir.toStdString(), spec);
        m_rows = testing::writeTinyDataset(m_dataFile.toStdString(), 30, false, 5);
    }

    void openModelAndDatasetShowsAccuracy()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.startPage()));
        QSignalSpy finished(window.evaluation(), &EvaluationController::evaluationFinished);
        window.startPage()->openModel(m_modelDir);
        window.startPage()->openDataset(m_dataFile, core::DatasetOptions());
        QVERIFY(finished.wait(120000));

        // The window moved on to the head grid by itself.
        QCOMPARE(window.currentPage(), static_cast<QWidget*>(window.headGridPage()));
        const EvalSnapshot s = window.evaluation()->current();
        QCOMPARE(s.nTotal, int64_t(m_rows.size()));
        // The panel shows the accuracy as nCorrect / n in percent with two decimals.
        const QString expected = QString::number(100.0 * double(s.nCorrect) / double(m_rows.size()), 'f', 2) +
                                 QStringLiteral(" %");
        QCOMPARE(window.headGridPage()->panel()->accuracyText(), expected);

        // The model folder and the dataset are in the recent lists.
        QSettings settings;
        QCOMPARE(settings.value(QStringLiteral("recent/models")).toStringList().value(0), QFileInfo(m_modelDir).absoluteFilePath());
        QCOMPARE(settings.value(QStringLiteral("recent/datasets")).toStringList().value(0), QFileInfo(m_dataFile).absoluteFilePath());
    }

    void droppedFolderOpensModel()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy changed(window.session(), &SessionState::modelChanged);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_modelDir)});
        QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(changed.wait(60000));
        QCOMPARE(window.session()->model()->nLayers(), 2);
        QCOMPARE(window.session()->modelPath(), QFileInfo(m_modelDir).absoluteFilePath());
    }

    void loadErrorIsShownInlineWithThePath()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy errors(window.session(), &SessionState::errorOccurred);
        const QString broken = m_dir.filePath(QStringLiteral("broken"));
        QDir().mkpath(broken);
        QFile config(broken + QStringLiteral("/config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("{\"model_type\": \"gpt2\"}");
        config.close();
        window.startPage()->openModel(broken);
        QVERIFY(errors.wait(60000));
        MessageBar* bar = window.startPage()->messageBar();
        QVERIFY(bar->isVisible());
        QCOMPARE(int(bar->kind()), int(MessageBar::Kind::Error));
        QVERIFY2(bar->text().contains(broken), qPrintable(bar->text()));
        QVERIFY2(bar->text().contains(QStringLiteral("gpt2")), qPrintable(bar->text()));

        // A path that does not exist at all.
        window.startPage()->openPath(m_dir.filePath(QStringLiteral("nothing-here")));
        QVERIFY(bar->text().contains(QStringLiteral("nothing-here")));
    }

    void screenshotWritesTheWindow()
    {
        MainWindow window;
        window.resize(900, 600);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString path = m_dir.filePath(QStringLiteral("shots/window.png"));
        ScreenshotTrigger trigger(&window, path, 0);
        QSignalSpy done(&trigger, &ScreenshotTrigger::finished);
        QVERIFY(done.wait(10000));
        QCOMPARE(done.at(0).at(0).toBool(), true);
        const QImage image(path);
        QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
