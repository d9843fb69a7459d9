// The GUI soak (issue 12, section 4): the real MainWindow, offscreen, driven by thousands of random
// user actions on tiny models: loading good and broken models, datasets and masks (by dropping
// them on the window), clicking heads on the grid and the heatmap, running every analysis and
// cancelling some at random moments, switching pages by shortcut and sidebar, exporting through
// the File > Export menu, changing engine settings. Nothing may crash, assert or hang; resident
// memory may grow by less than 10% after the first 1,000 actions; at the end no job is left
// running and the live evaluation still gives the accuracy of a float64 reference forward.
//
// HEADSCOPE_SOAK_SEED (default 20190510), HEADSCOPE_SOAK_ACTIONS (default 10000) and
// HEADSCOPE_SOAK_SECONDS (stop early; CTest sets 120) steer the run; a failure prints the seed and
// the last 20 actions, and every action is appended to soak-actions.log (path printed at start).
#include "dialogs/settings_dialog.h"
#include "export/export_actions.h"
#include "jobs/analysis_controller.h"
#include "jobs/evaluation_controller.h"
#include "main_window.h"
#include "models/head_table_model.h"
#include "pages/attention_page.h"
#include "pages/compare_page.h"
#include "pages/curves_page.h"
#include "pages/dynamics_page.h"
#include "pages/head_grid_page.h"
#include "pages/heads_page.h"
#include "plots/head_heatmap.h"
#include "reference_encoder.h"
#include "session/session_state.h"
#include "session/session_store.h"
#include "soak_driver.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"
#include "util/process_setup.h"
#include "widgets/evaluation_panel.h"
#include "widgets/head_grid_view.h"
#include "widgets/job_progress_widget.h"

#include <QCheckBox>
#include <QDir>
#include <QDropEvent>
#include <QHeaderView>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <iterator>
#include <cmath>
#include <memory>

using namespace headscope;
using namespace headscope::ui;
using testing::SoakDriver;

namespace {

constexpr int kExamples = 60;
constexpr int kMemoryBaselineAction = 1000;
constexpr int kPauseMs = 2; // lets queued results and progress through between actions

// Page order in the sidebar (and Ctrl+1..8).
enum Page { StartPageIndex, GridPageIndex, HeadsPageIndex, CurvesPageIndex, LatencyPageIndex, ComparePageIndex,
            AttentionPageIndex, DynamicsPageIndex, PageCount };
// The pages with a Run button.
constexpr int kAnalysisPages[] = {HeadsPageIndex, CurvesPageIndex, LatencyPageIndex, ComparePageIndex, DynamicsPageIndex};

qint64 envNumber(const char* name, qint64 fallback)
{
    bool ok = false;
    const qint64 v = qEnvironmentVariable(name).toLongLong(&ok);
    return ok ? v : fallback;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) qFatal("cannot write %s", qPrintable(path));
}

} // namespace

// The offscreen platform warns on every size-hint change of a window; thousands of page switches
// would bury the test's own messages (and reach Qt Test's warning limit).
static QtMessageHandler g_defaultHandler = nullptr;
static void dropOffscreenNoise(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    if (message.contains(QLatin1String("does not support propagateSizeHints"))) return;
    g_defaultHandler(type, context, message);
}

class TestGuiSoak : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_modelA, m_modelB, m_dataA, m_dataB, m_exports;
    QStringList m_badModels, m_badData, m_badMasks;
    testing::TinyBertModel m_referenceA;
    std::vector<testing::TinyExample> m_rowsA;

    // --- one MainWindow under test and what the actions share ---
    std::unique_ptr<MainWindow> m_window;
    SoakDriver* m_driver = nullptr;
    SoakDriver::Draw* m_draw = nullptr; // the running action's random values (for the export prompts)
    int m_exportsWritten = 0;
    int m_exportsFailed = 0;
    int m_exportsDeclined = 0; // "nothing to export here" notes
    int m_loadErrors = 0;

    void drop(const QString& path)
    {
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(40, 40), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &enter);
        QDropEvent drop(QPointF(40, 40), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &drop);
    }

    QWidget* page(int index) const
    {
        static const char* names[] = {"start", "grid", "heads", "curves", "latency", "compare", "attention", "dynamics"};
        return m_window->pageNamed(QLatin1String(names[index]));
    }

    /// Presses a key combination in the main window as a user at the keyboard would.
    void pressKeys(Qt::Key key, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
    {
        // A window shortcut fires only in the active window; with no window manager, a dialog the
        // soak opened and closed can leave none active (the keys then did nothing).
        m_window->activateWindow();
        QTest::keyClick(m_window.get(), key, modifiers);
    }

    void showPageByShortcut(int index) { pressKeys(Qt::Key(Qt::Key_1 + index), Qt::ControlModifier); }

    void showPageBySidebar(int index)
    {
        auto* sidebar = m_window->findChild<QListWidget*>(QStringLiteral("pageSidebar"));
        const QRect rect = sidebar->visualItemRect(sidebar->item(index));
        QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {}, rect.center());
    }

    void goTo(int index, SoakDriver::Draw& d)
    {
        if (m_window->currentPage() == page(index)) return;
        d.chance(50) ? showPageByShortcut(index) : showPageBySidebar(index);
    }

    /// Lays out a page that was just shown, so that cells are where a user would see them.
    static void settleLayout() { QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest); }

    void clickGridCell(int layer, int head)
    {
        settleLayout();
        HeadGridView* grid = m_window->headGridPage()->grid();
        const QModelIndex index = grid->model() ? grid->model()->index(layer, head) : QModelIndex();
        if (!index.isValid()) return;
        QTest::mouseClick(grid->viewport(), Qt::LeftButton, {}, grid->visualRect(index).center());
    }

    /// Triggers a menu action as a user picking it does: the menu is shown first (it updates
    /// which entries are enabled), a disabled entry does nothing.
    static void pick(QMenu* menu, QAction* action)
    {
        emit menu->aboutToShow();
        if (action->isEnabled()) action->trigger();
    }

    QAction* menuAction(const QString& menuTitle, const QString& textPart) const
    {
        for (QAction* top : m_window->menuBar()->actions()) {
            if (!top->menu() || top->text().remove(QLatin1Char('&')) != menuTitle) continue;
            for (QAction* a : top->menu()->actions())
                if (a->text().remove(QLatin1Char('&')).contains(textPart)) return a;
        }
        return nullptr;
    }

    QString exportFile(const QString& stem, SoakDriver::Draw& d) const
    {
        // A few names only: later exports overwrite earlier ones, as users do.
        return m_exports + QStringLiteral("/%1-%2").arg(stem).arg(d.pick(3));
    }

    void installExportPrompts()
    {
        ExportActions::Prompts prompts;
        prompts.saveFile = [this](const QString&, const QString& suggested, const QString& filters, QString* filter) {
            SoakDriver::Draw& d = *m_draw;
            if (d.chance(5)) return QString(); // cancelled
            const QStringList list = filters.split(QStringLiteral(";;"));
            if (filter) *filter = list.value(d.pick(int(list.size())));
            // No extension: the chosen filter's is added, as with the dialog.
            return exportFile(QFileInfo(suggested).completeBaseName(), d);
        };
        prompts.folder = [this](const QString&) {
            SoakDriver::Draw& d = *m_draw;
            const QString dir = exportFile(QStringLiteral("folder"), d);
            QDir().mkpath(dir);
            return dir;
        };
        prompts.confirm = [this](const QString&, const QString&) { return m_draw->chance(70); };
        prompts.inform = [this](const QString&, const QString&) { ++m_exportsDeclined; };
        prompts.warn = [](const QString&, const QString&) {}; // counted through failed()
        m_window->exportActions()->setPrompts(prompts);
        connect(m_window->exportActions(), &ExportActions::exported, this, [this]() { ++m_exportsWritten; });
        connect(m_window->exportActions(), &ExportActions::failed, this, [this](const QString& message) {
            ++m_exportsFailed;
            m_driver->note(QStringLiteral("[export failed: %1]").arg(message));
        });
    }

    void addActions(SoakDriver& driver);

    bool waitUntilIdle(int timeoutMs)
    {
        return QTest::qWaitFor([this]() { return !m_window->session()->runner()->isBusy(); }, timeoutMs);
    }

    /// Loads model A and dataset A by dropping them, as the soak does, and waits until both are in.
    bool loadModelAndDataA()
    {
        drop(m_modelA);
        drop(m_dataA);
        SessionState* s = m_window->session();
        return QTest::qWaitFor(
            [&]() {
                return s->isReady() && s->modelPath() == QFileInfo(m_modelA).absoluteFilePath() &&
                       s->datasetPath() == QFileInfo(m_dataA).absoluteFilePath() && !s->isLoadingModel() &&
                       !s->isLoadingDataset();
            },
            120000);
    }

    /// Brings the window to one fixed state before a memory reading, so that the readings after
    /// action 1,000 and at the end differ only by what the actions in between kept: fixed engine
    /// settings (the layer cache's budget and the thread count are soak actions), model A with
    /// dataset A, every analysis run to its end once, a full evaluation, one window size with every
    /// page shown; glibc then hands back the free pages it caches. Without this the
    /// readings moved by 15% either way with the state the random actions left, with the same
    /// 1,375 objects alive: the layer cache's fill, and the plots' sizes (QCustomPlot keeps paint
    /// buffers of its last shown size, 9 MiB of the heap's growth in a heaptrack diff).
    bool settleForMemoryReading()
    {
        if (!waitUntilIdle(120000)) return false;
        EngineSettings fixed = m_window->session()->engineSettings();
        fixed.batchSize = 32;
        fixed.nThreads = 0;
        fixed.layerCacheMb = 0; // empties the cache of hidden states (bounded by this budget, up to 64 MB here)
        m_window->session()->setEngineSettings(fixed);
        if (!waitUntilIdle(120000) || !loadModelAndDataA() || !waitUntilIdle(120000)) return false;
        for (int index : kAnalysisPages) {
            showPageByShortcut(index);
            auto* run = page(index)->findChild<QPushButton*>(QStringLiteral("runButton"));
            QTest::mouseClick(run, Qt::LeftButton);
            if (!waitUntilIdle(120000)) return false;
        }
        EvaluationController* evaluation = m_window->evaluation();
        evaluation->evaluateAll();
        if (!QTest::qWaitFor([evaluation]() { return !evaluation->isEvaluating(); }, 120000)) return false;
        if (!waitUntilIdle(120000)) return false;
        // The plots' paint buffers follow their size, which the window's size (a soak action) and
        // the results shown decide: with the results in, every page is shown at one size.
        m_window->resize(1200, 800);
        for (int index = 0; index < PageCount; ++index) {
            showPageBySidebar(index); // a click works whichever window is active
            settleLayout();
            QTest::qWait(kPauseMs);
        }
        QCoreApplication::sendPostedEvents();
#if defined(__GLIBC__)
        malloc_trim(0);
#endif
        return true;
    }

    /// Correct predictions of model A on dataset A with mask xi, by the float64 reference; *nearTies
    /// counts examples whose two logits are so close that float32 may decide the other way.
    int referenceCorrect(const testing::HeadMaskValues& xi, int* nearTies) const
    {
        int correct = 0;
        *nearTies = 0;
        for (const auto& row : m_rowsA) {
            const auto input = testing::referenceEncode(testing::tinyVocab(), row.textA, row.textB,
                                                        m_referenceA.spec.maxPositions);
            const std::vector<double> logits = testing::referenceLogits(m_referenceA, input, &xi);
            const int predicted = logits[1] > logits[0] ? 1 : 0;
            correct += predicted == row.label ? 1 : 0;
            if (std::abs(logits[1] - logits[0]) < 1e-4) ++*nearTies;
        }
        return correct;
    }

private slots:
    void initTestCase()
    {
        // As the GUI's main() does (the window here is the program's, its main() is not).
        core::limitMallocArenas(2);
        g_defaultHandler = qInstallMessageHandler(dropOffscreenNoise);
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("sessions"))));
        qputenv("HEADSCOPE_SESSION_DIR", m_dir.filePath(QStringLiteral("sessions/autosave")).toLocal8Bit());
        m_modelA = m_dir.filePath(QStringLiteral("models/tiny-a"));
        m_modelB = m_dir.filePath(QStringLiteral("models/tiny-b"));
        testing::TinyBertSpec a;
        a.nLayers = 2;
        a.nHeads = 4;
        a.weightScale = 0.6f; // masking a head changes some predictions
        m_referenceA = testing::writeTinyBert(m_modelA.toStdString(), a);
        testing::TinyBertSpec b;
        b.nLayers = 3;
        b.nHeads = 2;
        b.seed = 2;
        testing::writeTinyBert(m_modelB.toStdString(), b);
        // Checkpoints beside the models: the Dynamics page finds them for either model.
        for (int epoch = 1; epoch <= 2; ++epoch) {
            testing::TinyBertSpec c = a;
            c.seed = uint64_t(10 + epoch);
            testing::writeTinyBert(m_dir.filePath(QStringLiteral("models/checkpoints/epoch-0%1").arg(epoch)).toStdString(), c);
        }

        // Models that must be refused with a message: an unsupported type, cut weights, no files.
        const QString gpt2 = m_dir.filePath(QStringLiteral("bad/gpt2"));
        QDir().mkpath(gpt2);
        writeFile(gpt2 + QStringLiteral("/config.json"), "{\"model_type\": \"gpt2\"}");
        const QString cut = m_dir.filePath(QStringLiteral("bad/cut-weights"));
        testing::writeTinyBert(cut.toStdString(), a);
        QFile weights(cut + QStringLiteral("/model.safetensors"));
        QVERIFY(weights.resize(100));
        const QString emptyDir = m_dir.filePath(QStringLiteral("bad/empty"));
        QDir().mkpath(emptyDir);
        m_badModels = {gpt2, cut, emptyDir, m_dir.filePath(QStringLiteral("bad/missing"))};

        m_dataA = m_dir.filePath(QStringLiteral("a.tsv"));
        m_dataB = m_dir.filePath(QStringLiteral("b.tsv"));
        m_rowsA = testing::writeTinyDataset(m_dataA.toStdString(), kExamples, false, 11);
        testing::writeTinyDataset(m_dataB.toStdString(), kExamples, false, 23);
        const QString binary = m_dir.filePath(QStringLiteral("bad/binary.tsv"));
        QByteArray junk;
        for (int i = 0; i < 4096; ++i)
            junk.append(char((i * 7919) % 256));
        writeFile(binary, junk);
        const QString labels = m_dir.filePath(QStringLiteral("bad/unknown-labels.tsv"));
        writeFile(labels, "a sentence\tnot-a-label\nanother one\t7\n");
        const QString empty = m_dir.filePath(QStringLiteral("bad/empty.tsv"));
        writeFile(empty, "");
        m_badData = {binary, labels, empty, m_dir.filePath(QStringLiteral("bad/missing.tsv"))};

        const QString notJson = m_dir.filePath(QStringLiteral("bad/mask-broken.json"));
        writeFile(notJson, "{\"format\": \"headscope-mask\", \"version\": 1, \"pruned\": {");
        const QString wrongShape = m_dir.filePath(QStringLiteral("bad/mask-5x5.json"));
        core::HeadMask big(5, 5);
        big.setKept(4, 4, false);
        QVERIFY(ExportActions::writeMask(wrongShape, big, ExportActions::MaskFileFormat::Json).ok());
        m_badMasks = {notJson, wrongShape};

        m_exports = m_dir.filePath(QStringLiteral("exports"));
        QDir().mkpath(m_exports);
    }

    void init()
    {
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    }

    void cleanup()
    {
        if (m_window) {
            m_window->session()->runner()->cancelAll();
            (void)waitUntilIdle(60000);
        }
        m_window.reset();
    }

    // What the soak relies on, checked once so that it cannot silently do nothing: shortcuts and
    // sidebar clicks switch pages, a click on a grid cell masks the head, Export > Mask goes
    // through the prompts and writes the session's mask.
    void theDriverReachesTheWindow()
    {
        showPageByShortcut(HeadsPageIndex);
        QCOMPARE(m_window->currentPage(), page(HeadsPageIndex));
        showPageBySidebar(CurvesPageIndex);
        QCOMPARE(m_window->currentPage(), page(CurvesPageIndex));

        QVERIFY(loadModelAndDataA());
        showPageByShortcut(GridPageIndex);
        clickGridCell(1, 2);
        QTRY_VERIFY(!m_window->session()->mask().isKept(1, 2));
        QCOMPARE(m_window->session()->mask().countMasked(), 1);

        QString offered;
        ExportActions::Prompts prompts;
        const QString target = m_exports + QStringLiteral("/check-mask");
        prompts.saveFile = [&](const QString&, const QString&, const QString& filters, QString* filter) {
            offered = filters;
            *filter = filters.split(QStringLiteral(";;")).value(4); // the 0/1 matrix as CSV
            return target;
        };
        m_window->exportActions()->setPrompts(prompts);
        QSignalSpy exported(m_window->exportActions(), &ExportActions::exported);
        // Ctrl+E (File > Export > Mask) without opening the menu first: it used to stay disabled
        // until the Export menu had been shown once after the model loaded.
        pressKeys(Qt::Key_E, Qt::ControlModifier);
        QCOMPARE(exported.count(), 1);
        QCOMPARE(exported.at(0).at(0).toString(), target + QStringLiteral(".csv"));
        QCOMPARE(offered, ExportActions::maskFilters().join(QStringLiteral(";;")));
        QFile csv(target + QStringLiteral(".csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        // Layers x heads, 1 = kept: head 2 of layer 1 is the one masked.
        QCOMPARE(csv.readAll(), QByteArray("1,1,1,1\n1,1,0,1\n"));
    }

    void randomActions()
    {
        const uint64_t seed = uint64_t(envNumber("HEADSCOPE_SOAK_SEED", 20190510));
        const qint64 maxActions = envNumber("HEADSCOPE_SOAK_ACTIONS", 10000);
        const qint64 maxSeconds = envNumber("HEADSCOPE_SOAK_SECONDS", 0); // 0: no time limit
        const QString logDir = qEnvironmentVariable("HEADSCOPE_LOG_DIR", QDir::tempPath());
        QDir().mkpath(logDir);
        SoakDriver driver(seed, logDir + QStringLiteral("/soak-actions.log"));
        m_driver = &driver;
        qInfo("soak: HEADSCOPE_SOAK_SEED=%llu, up to %lld actions%s; actions logged to %s",
              static_cast<unsigned long long>(seed), maxActions,
              maxSeconds > 0 ? qPrintable(QStringLiteral(" or %1 s").arg(maxSeconds)) : "",
              qPrintable(driver.logPath()));
        installExportPrompts();
        addActions(driver);
        QSignalSpy modelErrors(m_window->session(), &SessionState::errorOccurred);

        QElapsedTimer clock;
        clock.start();
        qint64 rssAtBaseline = 0;
        qint64 msAtBaseline = 0;
        qint64 heapAtBaseline = 0;
        while (driver.steps() < maxActions && (maxSeconds <= 0 || clock.elapsed() < maxSeconds * 1000)) {
            driver.step();
            QTest::qWait(kPauseMs);
            if (QTest::currentTestFailed()) {
                qWarning("%s", qPrintable(driver.trail()));
                return;
            }
            if (driver.steps() == kMemoryBaselineAction) {
                // Both readings in the same state (whichever of the two models happened to be
                // loaded moved a reading by 15% either way; a 9,377-action run ended at -0.5%).
                QVERIFY2(settleForMemoryReading(), qPrintable(driver.trail()));
                rssAtBaseline = SoakDriver::residentBytes();
                heapAtBaseline = SoakDriver::heapInUseBytes();
                msAtBaseline = clock.elapsed();
            }
        }
        const qint64 actionsMs = clock.elapsed();
        m_window->session()->runner()->cancelAll();
        m_window->evaluation()->cancel();
        QVERIFY2(waitUntilIdle(120000), qPrintable(QStringLiteral("a job still runs 2 minutes after the last action\n") +
                                                     driver.trail()));
        QVERIFY2(settleForMemoryReading(), qPrintable(driver.trail()));
        const qint64 rssAtEnd = SoakDriver::residentBytes();
        const qint64 heapAtEnd = SoakDriver::heapInUseBytes();
        m_loadErrors = int(modelErrors.count());
        qInfo("soak: %d actions in %.1f s (%.1f actions/s); exports: %d written, %d failed, %d declined; "
              "%d load/mask errors shown; %d dialogs answered",
              driver.steps(), actionsMs / 1000.0, driver.steps() * 1000.0 / qMax<qint64>(1, actionsMs), m_exportsWritten,
              m_exportsFailed, m_exportsDeclined, m_loadErrors, driver.closedDialogs());

        // No job is left running and no page offers to cancel one.
        for (const QString& kind : AnalysisController::jobKinds())
            QVERIFY2(!m_window->analysis()->isRunning(kind), qPrintable(kind));
        QVERIFY(!m_window->evaluation()->isEvaluating());
        for (JobProgressWidget* progress : m_window->findChildren<JobProgressWidget*>())
            QVERIFY2(!progress->isCancelEnabled(), qPrintable(progress->stageText()));
        // The actions open no message box (exports report through the prompts).
        QVERIFY2(driver.closedMessageBoxes().isEmpty(), qPrintable(driver.closedMessageBoxes().join(QLatin1Char('\n'))));
        QVERIFY2(m_exportsFailed == 0, "an export into a writable folder failed (see the action log)");

        // Resident memory after the first 1,000 actions grows by less than 10%.
        if (rssAtBaseline > 0) {
            const double growth = double(rssAtEnd - rssAtBaseline) / double(rssAtBaseline);
            qInfo("soak: resident memory %.1f MiB after action %d (%.1f s), %.1f MiB after action %d: %+.1f%% "
                  "(malloc heap in use %.1f -> %.1f MiB)",
                  rssAtBaseline / 1048576.0, kMemoryBaselineAction, msAtBaseline / 1000.0, rssAtEnd / 1048576.0,
                  driver.steps(), 100.0 * growth, heapAtBaseline / 1048576.0, heapAtEnd / 1048576.0);
            QVERIFY2(growth < 0.10, qPrintable(QStringLiteral("resident memory grew from %1 to %2 bytes")
                                                   .arg(rssAtBaseline)
                                                   .arg(rssAtEnd)));
        } else {
            qWarning("soak: only %d actions, fewer than %d: memory growth not measured", driver.steps(),
                     kMemoryBaselineAction);
        }

        // Still responsive and still right: model A and dataset A, two heads clicked off, the
        // live evaluation of every example gives the float64 reference's accuracy.
        QVERIFY2(loadModelAndDataA(), qPrintable(driver.trail()));
        EvaluationController* evaluation = m_window->evaluation();
        evaluation->setSampleMode(false);
        pressKeys(Qt::Key_R, Qt::ControlModifier); // Mask > Reset Mask
        QTRY_COMPARE(m_window->session()->mask().countMasked(), 0);
        showPageByShortcut(GridPageIndex);
        clickGridCell(0, 1);
        clickGridCell(1, 2);
        core::HeadMask expected(2, 4);
        expected.setKept(0, 1, false);
        expected.setKept(1, 2, false);
        QCOMPARE(m_window->session()->mask(), expected);
        QTRY_VERIFY_WITH_TIMEOUT(evaluation->current().isComplete() && evaluation->current().mask == expected &&
                                     evaluation->baseline().isComplete(),
                                 120000);
        testing::HeadMaskValues xi = testing::allOnesHeadMask(m_referenceA.spec);
        int baselineTies = 0, maskedTies = 0;
        const int baselineCorrect = referenceCorrect(xi, &baselineTies);
        xi[0][1] = 0.0;
        xi[1][2] = 0.0;
        const int maskedCorrect = referenceCorrect(xi, &maskedTies);
        QCOMPARE(evaluation->current().nTotal, int64_t(kExamples));
        QVERIFY2(std::abs(evaluation->baseline().nCorrect - baselineCorrect) <= baselineTies,
                 qPrintable(QStringLiteral("baseline %1 correct, reference %2").arg(evaluation->baseline().nCorrect).arg(baselineCorrect)));
        QVERIFY2(std::abs(evaluation->current().nCorrect - maskedCorrect) <= maskedTies,
                 qPrintable(QStringLiteral("masked %1 correct, reference %2").arg(evaluation->current().nCorrect).arg(maskedCorrect)));
        m_driver = nullptr;
    }
};

// The action table: adding an action is one entry (name, weight, what it does). The random values
// come from d, drawn before the action runs, so that a seed replays the same actions.
void TestGuiSoak::addActions(SoakDriver& driver)
{
    SessionState* session = m_window->session();

    driver.add(QStringLiteral("page-by-shortcut"), 6, [this](SoakDriver::Draw& d) {
        const int index = d.pick(PageCount);
        m_driver->note(QString::number(index));
        showPageByShortcut(index);
    });
    driver.add(QStringLiteral("page-by-sidebar"), 6, [this](SoakDriver::Draw& d) {
        const int index = d.pick(PageCount);
        m_driver->note(QString::number(index));
        showPageBySidebar(index);
    });
    driver.add(QStringLiteral("click-grid-cell"), 20, [this, session](SoakDriver::Draw& d) {
        goTo(GridPageIndex, d);
        const core::HeadMask& mask = session->mask();
        const int layer = d.pick(qMax(1, mask.nLayers())), head = d.pick(qMax(1, mask.nHeads()));
        m_driver->note(QStringLiteral("%1,%2").arg(layer).arg(head));
        clickGridCell(layer, head);
    });
    driver.add(QStringLiteral("shift-click-layer"), 3, [this, session](SoakDriver::Draw& d) {
        goTo(GridPageIndex, d);
        settleLayout();
        HeadGridView* grid = m_window->headGridPage()->grid();
        const int layer = d.pick(qMax(1, session->mask().nLayers()));
        m_driver->note(QString::number(layer));
        if (layer >= grid->verticalHeader()->count()) return;
        const QPoint at(grid->verticalHeader()->width() / 2, grid->verticalHeader()->sectionViewportPosition(layer) +
                                                                 grid->verticalHeader()->sectionSize(layer) / 2);
        QTest::mouseClick(grid->verticalHeader()->viewport(), Qt::LeftButton, Qt::ShiftModifier, at);
    });
    driver.add(QStringLiteral("click-heatmap-cell"), 8, [this, session](SoakDriver::Draw& d) {
        goTo(HeadsPageIndex, d);
        settleLayout();
        HeadHeatmap* map = m_window->headsPage()->heatmap();
        map->refresh();
        const int layer = d.pick(qMax(1, session->mask().nLayers())), head = d.pick(qMax(1, session->mask().nHeads()));
        m_driver->note(QStringLiteral("%1,%2").arg(layer).arg(head));
        QTest::mouseClick(map->canvas(), Qt::LeftButton, {}, map->cellCenter(layer, head));
    });
    driver.add(QStringLiteral("reset-mask (Ctrl+R)"), 2, [this](SoakDriver::Draw&) {
        pressKeys(Qt::Key_R, Qt::ControlModifier);
    });
    // Undo/redo of mask edits (Edit > Undo / Redo).
    driver.add(QStringLiteral("undo (Ctrl+Z)"), 2, [this](SoakDriver::Draw&) {
        pressKeys(Qt::Key_Z, Qt::ControlModifier);
    });
    driver.add(QStringLiteral("redo (Ctrl+Shift+Z)"), 2, [this](SoakDriver::Draw&) {
        pressKeys(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    });
    driver.add(QStringLiteral("cancel-evaluation (Esc)"), 2, [this](SoakDriver::Draw&) {
        pressKeys(Qt::Key_Escape);
    });
    driver.add(QStringLiteral("run-analysis"), 10, [this](SoakDriver::Draw& d) {
        const int index = kAnalysisPages[d.pick(int(std::size(kAnalysisPages)))];
        goTo(index, d);
        if (index == HeadsPageIndex) {
            const auto mode = HeadsPage::Mode(d.pick(5));
            m_window->headsPage()->setMode(mode);
            m_driver->note(HeadsPage::scoreSet(mode));
        } else {
            m_driver->note(QString::number(index));
        }
        auto* run = page(index)->findChild<QPushButton*>(QStringLiteral("runButton"));
        QTest::mouseClick(run, Qt::LeftButton); // does nothing while the button is disabled
    });
    driver.add(QStringLiteral("attention-head"), 3, [this, session](SoakDriver::Draw& d) {
        goTo(AttentionPageIndex, d);
        AttentionPage* attention = m_window->attentionPage();
        const int example = d.pick(qMax(1, attention->exampleList()->count()));
        const int layer = d.pick(qMax(1, session->mask().nLayers())), head = d.pick(qMax(1, session->mask().nHeads()));
        m_driver->note(QStringLiteral("example %1 head %2,%3").arg(example).arg(layer).arg(head));
        attention->exampleList()->setCurrentRow(example);
        attention->showHead(layer, head);
    });
    driver.add(QStringLiteral("cancel-job"), 6, [this](SoakDriver::Draw& d) {
        // The Cancel button of a page whose job runs (a user goes there and clicks it).
        for (int index = 0; index < PageCount; ++index) {
            const auto buttons = page(index)->findChildren<QPushButton*>(QStringLiteral("cancelButton"));
            for (QPushButton* cancel : buttons) {
                if (!cancel->isEnabled()) continue;
                m_driver->note(QString::number(index));
                goTo(index, d);
                QTest::mouseClick(cancel, Qt::LeftButton);
                return;
            }
        }
    });
    driver.add(QStringLiteral("wait-for-jobs"), 3, [this](SoakDriver::Draw&) {
        QVERIFY2(waitUntilIdle(120000), "the jobs did not finish within 2 minutes");
    });
    driver.add(QStringLiteral("export"), 8, [this](SoakDriver::Draw& d) {
        const QList<QAction*> entries = [this]() {
            QList<QAction*> list;
            for (QAction* a : m_window->exportActions()->menu()->actions())
                if (!a->isSeparator()) list << a;
            return list;
        }();
        QAction* entry = entries.value(d.pick(int(entries.size())));
        m_driver->note(entry->text().remove(QLatin1Char('&')));
        m_draw = &d;
        pick(m_window->exportActions()->menu(), entry);
        m_draw = nullptr;
    });
    driver.add(QStringLiteral("load-model"), 2, [this](SoakDriver::Draw& d) {
        const int i = d.pick(4 + int(m_badModels.size()));
        const QString path = i < 2 ? m_modelA : i < 4 ? m_modelB : m_badModels.at(i - 4);
        m_driver->note(QFileInfo(path).fileName());
        drop(path);
    });
    driver.add(QStringLiteral("load-dataset"), 2, [this](SoakDriver::Draw& d) {
        const int i = d.pick(4 + int(m_badData.size()));
        const QString path = i < 3 ? m_dataA : i < 4 ? m_dataB : m_badData.at(i - 4);
        m_driver->note(QFileInfo(path).fileName());
        drop(path);
    });
    driver.add(QStringLiteral("load-mask-file"), 2, [this](SoakDriver::Draw& d) {
        // One of the masks exported so far (any shape), or a broken one.
        QStringList masks = QDir(m_exports).entryList({QStringLiteral("mask-*.json"), QStringLiteral("mask-*.npy")},
                                                      QDir::Files, QDir::Name);
        for (QString& m : masks)
            m = m_exports + QLatin1Char('/') + m;
        masks << m_badMasks;
        const QString path = masks.value(d.pick(int(masks.size())));
        m_driver->note(QFileInfo(path).fileName());
        drop(path);
    });
    driver.add(QStringLiteral("engine-settings"), 2, [this](SoakDriver::Draw& d) {
        static const int batchSizes[] = {1, 3, 8, 32};
        static const int threads[] = {0, 1, 2};
        static const int cacheMb[] = {0, 1, 64};
        menuAction(QStringLiteral("Settings"), QStringLiteral("Engine"))->trigger();
        auto* dialog = m_window->findChild<SettingsDialog*>();
        QVERIFY(dialog);
        const int batch = batchSizes[d.pick(4)], nThreads = threads[d.pick(3)], cache = cacheMb[d.pick(3)];
        dialog->findChild<QSpinBox*>(QStringLiteral("batchSize"))->setValue(batch);
        dialog->findChild<QSpinBox*>(QStringLiteral("threads"))->setValue(nThreads);
        dialog->findChild<QSpinBox*>(QStringLiteral("layerCacheMb"))->setValue(cache);
        const bool accept = d.chance(80);
        m_driver->note(QStringLiteral("batch %1 threads %2 cache %3 MB %4")
                           .arg(batch)
                           .arg(nThreads)
                           .arg(cache)
                           .arg(accept ? QStringLiteral("OK") : QStringLiteral("Cancel")));
        accept ? dialog->accept() : dialog->reject();
        delete dialog; // now rather than on a later event-loop turn, so the next lookup finds the next one
    });
    driver.add(QStringLiteral("sample-mode"), 2, [this](SoakDriver::Draw& d) {
        goTo(GridPageIndex, d);
        auto* sample = m_window->headGridPage()->panel()->findChild<QCheckBox*>();
        QTest::mouseClick(sample, Qt::LeftButton, {}, QPoint(5, sample->height() / 2));
    });
    driver.add(QStringLiteral("evaluate-all"), 1, [this](SoakDriver::Draw&) {
        m_window->evaluation()->evaluateAll();
    });
    driver.add(QStringLiteral("compare-second-dataset"), 1, [this](SoakDriver::Draw& d) {
        const QStringList choices{m_dataB, m_dataA, m_badData.first(), m_badData.last()};
        const QString path = choices.value(d.pick(int(choices.size())));
        m_driver->note(QFileInfo(path).fileName());
        m_window->comparePage()->setSecondDataset(path);
    });
    driver.add(QStringLiteral("apply-curve-point"), 2, [this](SoakDriver::Draw& d) {
        const CurveResults& curves = m_window->analysis()->curves();
        if (!curves.value || curves.value->curves.empty()) return;
        const int series = d.pick(int(curves.value->curves.size()));
        const int point = d.pick(int(curves.value->curves[size_t(series)].points.size()));
        m_driver->note(QStringLiteral("%1/%2").arg(series).arg(point));
        goTo(CurvesPageIndex, d);
        m_window->curvesPage()->applyPoint(series, point);
    });
    driver.add(QStringLiteral("dynamics-epoch"), 1, [this](SoakDriver::Draw& d) {
        goTo(DynamicsPageIndex, d);
        QSlider* slider = m_window->dynamicsPage()->epochSlider();
        slider->setValue(slider->minimum() + d.pick(slider->maximum() - slider->minimum() + 1));
    });
    driver.add(QStringLiteral("resize-window"), 1, [this](SoakDriver::Draw& d) {
        m_window->resize(900 + d.pick(700), 600 + d.pick(400));
    });
    driver.add(QStringLiteral("save-and-reopen-session"), 2, [this, session](SoakDriver::Draw& d) {
        // File > Save Session As, then Open Session: the mask and the results come back.
        SessionStore* store = m_window->sessionStore();
        const QString file = m_dir.filePath(QStringLiteral("sessions/soak-%1.headscope").arg(d.pick(3)));
        QVERIFY2(store->saveAs(file), "saving the session failed");
        if (!session->isReady() || session->runner()->isBusy())
            return; // reopening waits for loads; only a settled window is reopened
        const core::HeadMask mask = session->mask();
        QVERIFY(store->open(file));
        QVERIFY2(QTest::qWaitFor([store]() { return !store->isOpening(); }, 60000), "the session did not reopen");
        QVERIFY2(session->mask() == mask, "the reopened session has another mask");
    });
}

QTEST_MAIN(TestGuiSoak)
#include "tst_gui_soak.moc"
